// In-app notifications, email delivery, reminders, password reset by email and live calendars.
// Everything this slice runs in the background is wired here, so app.ts only registers the routes.
import {
  DEFAULT_REMINDER_OFFSETS_MINUTES,
  ErrorResponse,
  Notification,
  NotificationList,
  NotificationListQuery,
  PasswordResetConfirmBody,
  PasswordResetRequestBody,
  PasswordResetRequestResponse,
  ReadAllResponse,
  Type,
  Uuid,
} from '@fablab/shared';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { setTimeout as sleep } from 'node:timers/promises';
import livePlugin from '../../plugins/live.js';
import { createEmailComposer } from './email-composer.js';
import { createEmailDelivery } from './email-delivery.js';
import { runBookingReminders } from './reminders.js';

const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse, 429: ErrorResponse };

/** A reset request takes at least this long, found or not, so timing does not tell which. */
const RESET_REQUEST_MIN_MS = 300;
/** How often the outbox is swept between the general job runs, when jobs run on a timer. */
const DELIVERY_INTERVAL_MS = 5_000;

const notificationsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { config } = app;
  const service = app.notifications;
  const resets = app.passwordLinks;

  // ---------- background work ----------
  const offsets = config.reminderOffsetsMinutes?.length
    ? config.reminderOffsetsMinutes
    : [...DEFAULT_REMINDER_OFFSETS_MINUTES];
  app.jobs.register('booking-reminders', (job, now) => runBookingReminders(job.db, job.notifier, now, offsets));

  if (config.smtpUrl) {
    const delivery = createEmailDelivery({
      db: app.db,
      smtpUrl: config.smtpUrl,
      mailFrom: config.mailFrom,
      publicUrl: config.publicUrl,
    });
    const unregister = app.notifier.useMailer(
      createEmailComposer({ clock: app.clock, publicUrl: config.publicUrl, mailFrom: config.mailFrom }),
    );
    app.jobs.register('deliver-email', (_job, now) => delivery.deliverDue(now));

    // Email should not wait for the general job interval; the job runner's lock still applies.
    let timer: NodeJS.Timeout | undefined;
    let sweeping = false;
    app.addHook('onReady', async () => {
      if (config.jobsIntervalMs <= 0) return;
      timer = setInterval(
        () => {
          if (sweeping) return;
          sweeping = true;
          app.jobs
            .run('deliver-email')
            .catch((err: unknown) => app.log.error({ err }, 'email delivery failed'))
            .finally(() => {
              sweeping = false;
            });
        },
        Math.min(DELIVERY_INTERVAL_MS, config.jobsIntervalMs),
      );
      timer.unref();
    });
    app.addHook('onClose', async () => {
      if (timer) clearInterval(timer);
      unregister();
      delivery.close();
    });
  } else {
    app.jobs.register('deliver-email', async () => ({ skipped: 'SMTP_URL is not set: notifications are in-app only' }));
  }

  await app.register(livePlugin);

  // ---------- in-app notifications ----------
  app.get(
    '/notifications',
    {
      preHandler: app.authenticate,
      schema: { summary: 'List the caller’s notifications', operationId: 'listNotifications',
        tags: ['notifications'],
        security: [{ bearerAuth: [] }],
        querystring: NotificationListQuery,
        response: { 200: NotificationList, ...errors },
      },
    },
    async (request) => {
      const { unread, limit = 50, offset = 0 } = request.query;
      return service.list(request.actor.id, { unread, limit, offset });
    },
  );

  app.post(
    '/notifications/read-all',
    {
      preHandler: app.authenticate,
      schema: { summary: 'Mark every notification read', operationId: 'readAllNotifications',
        tags: ['notifications'],
        security: [{ bearerAuth: [] }],
        response: { 200: ReadAllResponse, ...errors },
      },
    },
    async (request) => service.markAllRead(request.actor.id),
  );

  app.post(
    '/notifications/:id/read',
    {
      preHandler: app.authenticate,
      schema: { summary: 'Mark a notification read', operationId: 'readNotification',
        tags: ['notifications'],
        security: [{ bearerAuth: [] }],
        params: Type.Object({ id: Uuid }),
        response: { 200: Notification, ...errors },
      },
    },
    async (request) => service.markRead(request.actor.id, request.params.id),
  );

  // ---------- password reset by email (throttled with the rest of /api/auth, per address) ----------

  app.post(
    '/auth/password-reset/request',
    {
      schema: { summary: 'Ask for a password reset link', operationId: 'requestPasswordReset',
        tags: ['accounts'],
        body: PasswordResetRequestBody,
        response: { 202: PasswordResetRequestResponse, ...errors },
      },
    },
    async (request, reply) => {
      const started = performance.now();
      try {
        await resets.request(request.body.email);
      } catch (err) {
        // A failure must not answer differently from "no such account"; it is logged instead.
        request.log.error({ err }, 'password reset request failed');
      }
      const wait = RESET_REQUEST_MIN_MS + Math.random() * 50 - (performance.now() - started);
      if (wait > 0) await sleep(wait);
      return reply
        .status(202)
        .send({ message: 'If an account uses this email, a link to reset its password is on its way.' });
    },
  );

  app.post(
    '/auth/password-reset/confirm',
    {
      schema: { summary: 'Set a new password with a reset or invite link', operationId: 'confirmPasswordReset',
        tags: ['accounts'],
        body: PasswordResetConfirmBody,
        response: { 204: Type.Null(), ...errors },
      },
    },
    async (request, reply) => {
      await resets.confirm(request.body.token, request.body.password);
      return reply.status(204).send(null);
    },
  );
};

export default notificationsRoutes;

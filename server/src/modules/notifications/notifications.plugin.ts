// In-app notifications, built once as app.notifications (app.notifier, in the core, writes them),
// and the set-password links (resets and invites) as app.passwordLinks: accounts issue invites
// through it, so it is built before them and needs nothing of theirs.
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { createNotificationService } from './notifications.service.js';
import { createPasswordResetService } from './password-reset.service.js';

declare module 'fastify' {
  interface FastifyInstance {
    notifications: ReturnType<typeof createNotificationService>;
    passwordLinks: ReturnType<typeof createPasswordResetService>;
  }
}

export default fp(
  async function notificationsPlugin(app: FastifyInstance) {
    app.decorate('notifications', createNotificationService({ db: app.db, clock: app.clock, emailEnabled: Boolean(app.config.smtpUrl) }));
    app.decorate(
      'passwordLinks',
      createPasswordResetService({
        db: app.db,
        clock: app.clock,
        publicUrl: app.config.publicUrl,
        emailEnabled: Boolean(app.config.smtpUrl),
        audit: app.audit,
      }),
    );
  },
  { name: 'notifications', dependencies: ['core'] },
);

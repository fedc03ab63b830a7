// In-app notifications, built once as app.notifications (app.notifier, in the core, writes them).
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { createNotificationService } from './notifications.service.js';

declare module 'fastify' {
  interface FastifyInstance {
    notifications: ReturnType<typeof createNotificationService>;
  }
}

export default fp(
  async function notificationsPlugin(app: FastifyInstance) {
    app.decorate('notifications', createNotificationService({ db: app.db, clock: app.clock, emailEnabled: Boolean(app.config.smtpUrl) }));
  },
  { name: 'notifications', dependencies: ['core'] },
);

// Accounts, built once as app.accounts.
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { coreOf } from '../../plugins/core.js';
import { createAccountService } from './accounts.service.js';

declare module 'fastify' {
  interface FastifyInstance {
    accounts: ReturnType<typeof createAccountService>;
  }
}

export default fp(
  async function accountsPlugin(app: FastifyInstance) {
    app.decorate(
      'accounts',
      createAccountService({
        ...coreOf(app),
        bookings: app.bookings,
        passwordLinks: app.passwordLinks,
        notifications: app.notifications,
        publicUrl: app.config.publicUrl,
      }),
    );
  },
  { name: 'accounts', dependencies: ['core', 'bookings', 'notifications'] },
);

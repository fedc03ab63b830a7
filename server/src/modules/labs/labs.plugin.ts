// Labs, their opening hours and closures, built once as app.labs.
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { coreOf } from '../../plugins/core.js';
import { createLabService } from './labs.service.js';

declare module 'fastify' {
  interface FastifyInstance {
    labs: ReturnType<typeof createLabService>;
  }
}

export default fp(
  async function labsPlugin(app: FastifyInstance) {
    app.decorate('labs', createLabService({ ...coreOf(app), bookings: app.bookings }));
  },
  { name: 'labs', dependencies: ['core', 'bookings'] },
);

// Statistics, built once as app.stats.
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { createStatsService, type StatsService } from './stats.service.js';

declare module 'fastify' {
  interface FastifyInstance {
    stats: StatsService;
  }
}

export default fp(
  async function statsPlugin(app: FastifyInstance) {
    app.decorate('stats', createStatsService({ database: app.database, clock: app.clock }));
  },
  { name: 'stats', dependencies: ['core'] },
);

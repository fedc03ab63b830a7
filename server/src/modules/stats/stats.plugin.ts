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
    const service = createStatsService({ database: app.database, clock: app.clock });
    app.decorate('stats', service);
    app.jobs.register('stats-prune-stored', () => service.pruneStored());
  },
  { name: 'stats', dependencies: ['core', 'jobs'] },
);

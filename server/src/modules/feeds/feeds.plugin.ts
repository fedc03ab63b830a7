// Calendar feeds, built once as app.feeds.
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { createFeedService } from './feeds.service.js';

declare module 'fastify' {
  interface FastifyInstance {
    feeds: ReturnType<typeof createFeedService>;
  }
}

export default fp(
  async function feedsPlugin(app: FastifyInstance) {
    app.decorate('feeds', createFeedService({ db: app.db, clock: app.clock, publicUrl: app.config.publicUrl }));
  },
  { name: 'feeds', dependencies: ['core'] },
);

import { Health } from '@fablab/shared';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { sql } from 'drizzle-orm';

const healthRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/health',
    { schema: { summary: 'Health of the server and its database', operationId: 'getHealth', tags: ['health'], response: { 200: Health, 503: Health } } },
    async (_request, reply) => {
      try {
        await Promise.race([
          app.db.execute(sql`select 1`),
          new Promise((_, reject) => setTimeout(() => reject(new Error('health check timed out')), 3000).unref()),
        ]);
        return { status: 'ok', db: 'up' };
      } catch {
        return reply.status(503).send({ status: 'degraded', db: 'down' });
      }
    },
  );
};

export default healthRoutes;

import { Health } from '@fablab/shared';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { statfs } from 'node:fs/promises';

/** Health answers within this, whatever the database does: a load balancer must not hang on it. */
const HEALTH_BUDGET_MS = 900;
/** Below this much free space the embedded database's next writes may fail. */
const MIN_FREE_BYTES = 32 * 1024 * 1024;
/** How long a write refused for a full disk (seen on a DATABASE_URL) keeps health at 503. */
const FULL_MEMORY_MS = 60_000;

const healthRoutes: FastifyPluginAsyncTypebox = async (app) => {
  async function storageFull(): Promise<boolean> {
    const dir = app.database.storageDir;
    if (dir) {
      try {
        const fs = await statfs(dir);
        const full = fs.bavail * fs.bsize < MIN_FREE_BYTES;
        if (!full) app.storageHealth.fullSince = undefined;
        return full;
      } catch {
        // Cannot tell from the folder: fall back to what the database said.
      }
    }
    const since = app.storageHealth.fullSince;
    return since !== undefined && Date.now() - since < FULL_MEMORY_MS;
  }

  app.get(
    '/health',
    { schema: { summary: 'Health of the server and its database', operationId: 'getHealth', tags: ['health'], response: { 200: Health, 503: Health } } },
    async (_request, reply) => {
      let timer: NodeJS.Timeout | undefined;
      const budget = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('health check timed out')), HEALTH_BUDGET_MS);
      });
      try {
        await Promise.race([app.database.query('select 1'), budget]);
      } catch {
        return reply.status(503).send({ status: 'degraded', db: 'down', code: 'DB_UNAVAILABLE' });
      } finally {
        clearTimeout(timer);
      }
      if (await storageFull()) return reply.status(503).send({ status: 'degraded', db: 'up', storage: 'full', code: 'STORAGE_FULL' });
      return { status: 'ok', db: 'up' };
    },
  );
};

export default healthRoutes;

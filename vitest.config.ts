import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const shared = fileURLToPath(new URL('./shared/src/index.ts', import.meta.url));
const resolve = { alias: { '@fablab/shared': shared } };
const onPostgres = Boolean(process.env.TEST_DATABASE_URL);

// Database suites run on PGlite, and again on PostgreSQL when TEST_DATABASE_URL is set.
export default defineConfig({
  test: {
    projects: [
      {
        resolve,
        test: { name: 'shared', include: ['shared/test/**/*.test.ts'] },
      },
      {
        resolve,
        test: {
          name: 'server:pglite',
          include: ['server/test/**/*.test.ts'],
          env: { TEST_DB: 'pglite' },
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      ...(onPostgres
        ? [
            {
              resolve,
              test: {
                name: 'server:postgres',
                include: ['server/test/**/*.test.ts'],
                env: { TEST_DB: 'postgres' },
                testTimeout: 60_000,
                hookTimeout: 120_000,
              },
            },
          ]
        : []),
      {
        resolve,
        test: {
          name: 'web:e2e',
          include: ['web/test/e2e/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 300_000,
          fileParallelism: false,
        },
      },
    ],
  },
});

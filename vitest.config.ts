import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const shared = fileURLToPath(new URL('./shared/src/index.ts', import.meta.url));
const resolve = { alias: { '@fablab/shared': shared } };
const onPostgres = Boolean(process.env.TEST_DATABASE_URL);

const serverSuite = (name: string, db: 'embedded' | 'postgres') => ({
  resolve,
  test: {
    name,
    include: ['server/test/**/*.test.ts'],
    env: { TEST_DB: db },
    globalSetup: [`server/test/setup/${db}.ts`],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});

// Database suites run on the embedded PostgreSQL (the shipped binaries, one server per run), and
// again on the PostgreSQL named by TEST_DATABASE_URL when it is set.
export default defineConfig({
  test: {
    projects: [
      {
        resolve,
        test: { name: 'shared', include: ['shared/test/**/*.test.ts'] },
      },
      serverSuite('server:embedded', 'embedded'),
      ...(onPostgres ? [serverSuite('server:postgres', 'postgres')] : []),
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

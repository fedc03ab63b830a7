import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const shared = fileURLToPath(new URL('./shared/src/index.ts', import.meta.url));
const resolve = { alias: { '@fablab/shared': shared } };
const onPostgres = Boolean(process.env.TEST_DATABASE_URL);
const FAR_ZONE = 'America/Los_Angeles';

const serverSuite = (name: string, db: 'embedded' | 'postgres', include = ['server/test/**/*.test.ts'], env: Record<string, string> = {}) => ({
  resolve,
  test: {
    name,
    include,
    env: { TEST_DB: db, ...env },
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
      // The server's own zone never matters: the time rules and the suites that turn them into
      // instants run again in a zone far from every lab's ("tz:" so that 'server:*' leaves them out).
      { resolve, test: { name: 'tz:shared', include: ['shared/test/**/*.test.ts'], env: { TZ: FAR_ZONE } } },
      serverSuite(
        'tz:server',
        'embedded',
        [
          'server/test/bookings/**/*.test.ts',
          'server/test/stats/**/*.test.ts',
          'server/test/usage/no-shows.test.ts',
          'server/test/notifications/**/*.test.ts',
          'server/test/feeds/**/*.test.ts',
        ],
        { TZ: FAR_ZONE },
      ),
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

// A fresh database per test file, copied from the run's migrated template on the run's PostgreSQL
// (the embedded server the run started, or TEST_DATABASE_URL's), and dropped afterwards.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { connect, type Database } from '../../src/db/client.js';
import { withDatabase } from '../setup/template.js';

/** Which server the suite runs on: `embedded` (the shipped binaries) or `postgres` (TEST_DATABASE_URL). */
export const testDbKind = process.env.TEST_DB === 'postgres' ? 'postgres' : 'embedded';
export const onPostgres = testDbKind === 'postgres';

export interface TestDatabase extends Database {
  /** The connection string of this test file's database. */
  url: string;
}

async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: inject('dbAdminUrl') });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const template = inject('dbTemplate');
  // The template's name carries the run (on a shared server), so test databases can be found by it.
  const name = `${template.replace('fablab_template', 'fablab_test')}_${process.pid}_${randomBytes(4).toString('hex')}`;
  await admin(async (client) => {
    for (let attempt = 0; ; attempt++) {
      try {
        await client.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`);
        return;
      } catch (err) {
        // Two files copying the template at the same instant: PostgreSQL lets one at a time.
        if (attempt < 20 && /being accessed by other users/.test((err as Error).message)) {
          await new Promise((r) => setTimeout(r, 50 + Math.random() * 100));
          continue;
        }
        throw err;
      }
    }
  });
  const url = withDatabase(inject('dbAdminUrl'), name);
  const database = await connect({ databaseUrl: url, poolSize: 20 });
  const close = database.close;
  return {
    ...database,
    url,
    async close() {
      await close();
      await admin((client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    },
  };
}

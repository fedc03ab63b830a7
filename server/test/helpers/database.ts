// A fresh database per test file: in-memory PGlite, or a new PostgreSQL database created from
// TEST_DATABASE_URL and dropped afterwards.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { connect, type Database } from '../../src/db/client.js';

export const onPostgres = process.env.TEST_DB === 'postgres';

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

export interface TestDatabase extends Database {
  /** The connection string of the PostgreSQL test database (undefined on PGlite). */
  url?: string;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  if (!onPostgres) {
    const database = await connect({});
    await database.migrate();
    return database;
  }
  const adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) throw new Error('TEST_DB=postgres needs TEST_DATABASE_URL');
  const name = `fablab_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = withDatabase(adminUrl, name);
  const database = await connect({ databaseUrl: url, poolSize: 20 });
  await database.migrate();
  const close = database.close;
  return {
    ...database,
    url,
    async close() {
      await close();
      const a = new pg.Client({ connectionString: adminUrl });
      await a.connect();
      await a.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await a.end();
    },
  };
}

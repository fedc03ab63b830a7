// What both test databases share: a template database migrated once per run, from which each test
// file's database is copied (CREATE DATABASE … TEMPLATE takes a fraction of running the migrations).
import pg from 'pg';
import { connect } from '../../src/db/client.js';

export function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

export async function createTemplate(adminUrl: string, name: string) {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  const database = await connect({ databaseUrl: withDatabase(adminUrl, name), poolSize: 1 });
  try {
    await database.migrate();
  } finally {
    await database.close();
  }
}

export async function dropDatabases(adminUrl: string, pattern: string) {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    const { rows } = await admin.query<{ datname: string }>('select datname from pg_database where datname like $1', [pattern]);
    for (const r of rows) await admin.query(`DROP DATABASE IF EXISTS "${r.datname}" WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

declare module 'vitest' {
  export interface ProvidedContext {
    /** A connection string to the test server's maintenance database, for CREATE DATABASE. */
    dbAdminUrl: string;
    /** The migrated template each test file's database is copied from. */
    dbTemplate: string;
  }
}

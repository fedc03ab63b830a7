// The upgrade from the release whose embedded database was PGlite: a DATA_DIR that release wrote
// (its `npm run seed`, kept in fixtures/) is imported at the first start into the embedded PostgreSQL, every row kept, the old folder aside.
import { PGlite } from '@electric-sql/pglite';
import { btree_gist } from '@electric-sql/pglite/contrib/btree_gist';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDbKind } from '../helpers/database.js';
import { api, buildServer, postgresPids, signIn, sql, startServer, tempDataDir } from './operator.js';

const FIXTURE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'pglite-data-dir-42068e5.tgz');
const COUNTED = [
  'labs',
  'machines',
  'users',
  'bookings',
  'usage_sessions',
  'closures',
  'certifications',
  'notifications',
  'audit_log',
];

describe.runIf(testDbKind === 'embedded')('upgrade from the PGlite release', () => {
  let dir: string;
  beforeAll(() => buildServer(), 300_000);
  afterAll(async () => {
    for (const pid of postgresPids(dir)) process.kill(pid, 'SIGQUIT');
    await rm(dir, { recursive: true, force: true });
  });

  it('imports every row once, keeps the old folder aside, and signs the demo accounts in as before', async () => {
    dir = await tempDataDir('fablab-upgrade-');
    // DATA_DIR/pglite exactly as the PGlite release left it: `npm run seed` of commit 42068e5, packed.
    expect(spawnSync('tar', ['xzf', FIXTURE, '-C', dir]).status).toBe(0);
    const client = await PGlite.create({ dataDir: path.join(dir, 'pglite'), extensions: { btree_gist } });
    const tables = (
      await client.query<{ t: string }>(`select tablename as t from pg_tables where schemaname = 'public'`)
    ).rows.map((r) => r.t);
    expect(tables).toEqual(expect.arrayContaining(COUNTED));
    const before: Record<string, number> = {};
    for (const t of tables)
      before[t] = (await client.query<{ n: number }>(`select count(*)::int as n from "${t}"`)).rows[0]!.n;
    const bookingsBefore = (
      await client.query<{ id: string; status: string }>('select id, status from bookings order by id')
    ).rows;
    await client.close();
    expect(bookingsBefore.length).toBeGreaterThan(50);

    const server = await startServer(dir);
    try {
      expect(server.output()).toMatch(/Imported \d+ rows; the old folder is kept at /);
      expect(server.output()).not.toMatch(/demo data seeded/);
      const after: Record<string, number> = {};
      for (const t of tables) after[t] = (await sql<{ n: number }>(dir, `select count(*)::int as n from "${t}"`))[0]!.n;
      expect(after).toEqual(before);
      expect(await sql(dir, 'select id, status from bookings order by id')).toEqual(bookingsBefore);
      expect(existsSync(path.join(dir, 'pglite'))).toBe(false);
      expect(readdirSync(dir).filter((f) => f.startsWith('pglite.imported-'))).toHaveLength(1);
      const token = await signIn(server.base, 'maker1@fablab.local');
      expect((await api(server.base, 'GET', '/bookings?mine=true', undefined, token)).status).toBe(200);
    } finally {
      expect(await server.stop()).toBe(0);
    }

    // Imported once: the next start neither imports nor seeds again.
    const again = await startServer(dir);
    try {
      expect(again.output()).not.toMatch(/Importing|demo data seeded/);
      expect((await sql<{ n: number }>(dir, 'select count(*)::int as n from bookings'))[0]!.n).toBe(
        bookingsBefore.length,
      );
    } finally {
      await again.stop();
    }
  });
});

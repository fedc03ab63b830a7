// A fingerprint of everything in the database: per table, its row count and the md5 of its rows
// in a fixed order. Two equal digests mean no row was added, removed or changed in between.
// Throttle counters are left out: counting a refused attempt is what a throttle is for.
import type { Database } from '../../src/db/client.js';

let digestQuery: string | undefined;
const COUNTERS = new Set(['throttle_events']);

async function buildQuery(database: Database): Promise<string> {
  const tables = await database.query<{ name: string }>(
    "select table_name as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by table_name",
  );
  if (tables.length === 0) throw new Error('No tables to digest');
  return tables
    .filter(({ name }) => !COUNTERS.has(name))
    .map(
      ({ name }) =>
        `select '${name}' as name, count(*)::int as n, md5(coalesce(string_agg(t::text, '|' order by t::text), '')) as h from "${name}" t`,
    )
    .join(' union all ');
}

export async function databaseDigest(database: Database): Promise<string> {
  digestQuery ??= await buildQuery(database);
  const rows = await database.query<{ name: string; n: number; h: string }>(digestQuery);
  return rows.map((r) => `${r.name}:${r.n}:${r.h}`).join(',');
}

/** Which tables differ between two digests, for a readable failure. */
export function digestDiff(before: string, after: string): string[] {
  const a = new Map(before.split(',').map((p) => [p.slice(0, p.indexOf(':')), p]));
  return after
    .split(',')
    .filter((p) => a.get(p.slice(0, p.indexOf(':'))) !== p)
    .map((p) => p.slice(0, p.indexOf(':')));
}

/**
 * The next transaction id PostgreSQL would assign. It moves only when some transaction wrote (or
 * began to write), so while it stands still the full digest need not be computed again.
 */
export async function writeMarker(database: Database): Promise<string> {
  const [row] = await database.query<{ xmax: string }>('select pg_snapshot_xmax(pg_current_snapshot())::text as xmax');
  return row!.xmax;
}

/**
 * Installs, in this test file's own database, a counter of every row written to the digested
 * tables: a trigger on each of them draws from a sequence. Sequences are not transactional, so a
 * write that was rolled back still counts (the digest then shows nothing changed), but a write can
 * never happen without moving it; unlike the transaction ids of writeMarker, other databases on
 * the same server (other suites, other runs) do not move it.
 */
export async function installWriteCounter(database: Database): Promise<void> {
  const tables = await database.query<{ name: string }>(
    "select table_name as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by table_name",
  );
  const statements = [
    'create sequence if not exists test_row_writes',
    `create or replace function test_count_write() returns trigger language plpgsql as $$
       begin perform nextval('test_row_writes'); return null; end $$`,
    ...tables
      .filter(({ name }) => !COUNTERS.has(name))
      .flatMap(({ name }) => [
        `create trigger test_count_row_write after insert or update or delete on "${name}" for each row execute function test_count_write()`,
        `create trigger test_count_truncate after truncate on "${name}" for each statement execute function test_count_write()`,
      ]),
  ];
  for (const statement of statements) await database.query(statement);
}

/** How many rows the counter of installWriteCounter has seen written so far. */
export async function writeCount(database: Database): Promise<string> {
  const [row] = await database.query<{ n: string }>(
    'select case when is_called then last_value else 0 end::text as n from test_row_writes',
  );
  return row!.n;
}

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

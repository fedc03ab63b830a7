// How much of a table a query reads, from its plan as PostgreSQL ran it: the measure of "reads a
// bounded range, however long the history", which no timing on a small test database can show.
import type { Database } from '../../src/db/client.js';

interface PlanNode {
  'Node Type': string;
  'Actual Rows'?: number;
  'Actual Loops'?: number;
  'Rows Removed by Filter'?: number;
  'Rows Removed by Index Recheck'?: number;
  Plans?: PlanNode[];
}

function scanned(node: PlanNode): number {
  const own = /Scan/.test(node['Node Type'])
    ? ((node['Actual Rows'] ?? 0) +
        (node['Rows Removed by Filter'] ?? 0) +
        (node['Rows Removed by Index Recheck'] ?? 0)) *
      (node['Actual Loops'] ?? 1)
    : 0;
  return own + (node.Plans ?? []).reduce((sum, child) => sum + scanned(child), 0);
}

/** Rows the scans of the statement handed over when it ran, whether kept or then filtered out. */
export async function rowsRead(database: Pick<Database, 'pool'>, text: string, params: unknown[]): Promise<number> {
  const explained = await database.pool.query(`explain (analyze, format json) ${text}`, params);
  const plan = (explained.rows[0] as { 'QUERY PLAN': Array<{ Plan: PlanNode }> })['QUERY PLAN'][0]!.Plan;
  return scanned(plan);
}

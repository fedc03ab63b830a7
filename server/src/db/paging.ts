// A page of a list with the size of the whole list, as every paged endpoint answers it.
import { count, type SQL } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import type { DbOrTx } from './client.js';

export interface Page {
  limit: number;
  offset: number;
}

export interface Paged<Row> {
  rows: Row[];
  total: number;
}

/** The page a list query asks for; a list without a limit shows 50. */
export function pageOf(q: { limit?: number; offset?: number }): Page {
  return { limit: q.limit ?? 50, offset: q.offset ?? 0 };
}

/**
 * The page of `rows` (an ordered select over `table` filtered by `where`, with what it joins for
 * show) and the count of every row of `table` that `where` matches, the two queries side by side.
 */
export async function pagedQuery<Row>(
  tx: DbOrTx,
  rows: { limit(limit: number): { offset(offset: number): PromiseLike<Row[]> } },
  counted: { table: PgTable; where: SQL | undefined },
  page: Page,
): Promise<Paged<Row>> {
  const [found, [total]] = await Promise.all([
    rows.limit(page.limit).offset(page.offset),
    tx.select({ n: count() }).from(counted.table).where(counted.where),
  ]);
  return { rows: found, total: Number(total?.n ?? 0) };
}

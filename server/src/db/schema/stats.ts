import { customType, index, integer, jsonb, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core';
import { instant } from './columns.js';

// PostgreSQL types drizzle has no builder for; only the statistics' SQL reads them, as text.
const pgSnapshot = customType<{ data: string }>({ dataType: () => 'pg_snapshot' });
const xid8 = customType<{ data: string }>({ dataType: () => 'xid8' });
const tstzrange = customType<{ data: string }>({ dataType: () => 'tstzrange' });

/**
 * Stored totals of closed months, per scope (every lab, or a set of labs), read by the trend while
 * no change noted in statsChanges may have escaped their computation (migration 0014). UNLOGGED:
 * nothing here that cannot be computed again.
 */
export const statsMonthTotals = pgTable(
  'stats_month_totals',
  {
    scopeKey: text('scope_key').notNull(),
    month: text('month').notNull(),
    labIds: uuid('lab_ids').array().notNull(),
    span: tstzrange('span').notNull(),
    snapshot: pgSnapshot('snapshot').notNull(),
    postmasterStarted: instant('postmaster_started').notNull(),
    totals: jsonb('totals').notNull(),
  },
  (t) => [primaryKey({ columns: [t.scopeKey, t.month] })],
);

/** What a write touched, noted by triggers on every table a figure reads; lab null: every lab. */
export const statsChanges = pgTable(
  'stats_changes',
  {
    xid: xid8('xid').notNull(),
    labId: uuid('lab_id'),
    during: tstzrange('during').notNull(),
  },
  (t) => [index('stats_changes_xid_idx').on(t.xid)],
);

/** The transaction horizon of the last pruning of statsChanges. */
export const statsPrune = pgTable('stats_prune', {
  id: integer('id').primaryKey(),
  horizon: xid8('horizon').notNull(),
});

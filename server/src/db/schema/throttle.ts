import { index, pgTable, text } from 'drizzle-orm/pg-core';
import { instant } from './columns.js';

/**
 * Recent events of every throttle (sign-ins, registrations, new bookings…), one row each, so that
 * every server process on one database counts against the same budgets. Rows older than the
 * longest window are purged by a job; losing them all would only reset the budgets.
 */
export const throttleEvents = pgTable(
  'throttle_events',
  {
    key: text('key').notNull(),
    at: instant('at').notNull(),
  },
  (t) => [index('throttle_events_key_at_idx').on(t.key, t.at)],
);

// Background work on bookings' real use. Each job claims its rows with one conditional UPDATE …
// RETURNING over rows picked FOR UPDATE SKIP LOCKED, so two server processes running it at once
// act on each booking once, without waiting on (or deadlocking with) each other. The status
// changes themselves are the bookings module's transitions.
import { DEFAULT_LAB_SETTINGS } from '@fablab/shared';
import { and, eq, isNull, sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import type { Tx } from '../../db/client.js';
import { bookings, labs, usageSessions } from '../../db/schema/index.js';
import { inTransaction } from '../../lib/transaction.js';

/** The noShowGraceMinutes of the booking's lab as an interval, in a query over bookings. */
const noShowGrace = sql`make_interval(mins => coalesce((select (${labs.settings} ->> 'noShowGraceMinutes')::int from ${labs} where ${labs.id} = ${bookings.labId}), ${DEFAULT_LAB_SETTINGS.noShowGraceMinutes}::int))`;

const at = (now: Date) => sql`${now.toISOString()}::timestamptz`;

/** Bookings in `status` whose `column` plus the lab's grace has passed, locked for this transaction. */
function claimable(tx: Tx, status: 'approved' | 'checked_in', column: typeof bookings.startAt | typeof bookings.endAt, now: Date) {
  return tx
    .select({ id: bookings.id })
    .from(bookings)
    .where(and(eq(bookings.status, status), sql`${column} + ${noShowGrace} <= ${at(now)}`))
    .for('update', { skipLocked: true });
}

/**
 * Someone else's session on the booking's machine during its check-in grace: the member could
 * not have started, so they are no no-show.
 */
const blockedBySession = sql`exists (select 1 from ${usageSessions} where ${usageSessions.machineId} = ${bookings.machineId}
  and ${usageSessions.bookingId} is distinct from ${bookings.id}
  and ${usageSessions.startAt} < ${bookings.startAt} + ${noShowGrace}
  and coalesce(${usageSessions.endAt}, 'infinity'::timestamptz) > ${bookings.startAt})`;

/**
 * An approved booking nobody checked in by its start plus the lab's grace period becomes a
 * no-show; it stops holding its slot, and its owner is told. Not while someone else's session
 * kept the member from the machine.
 */
export async function markNoShows(app: FastifyInstance, now: Date): Promise<{ marked: number; bookingIds: string[] }> {
  const marked = await inTransaction(app.db, (tx) =>
    app.bookings.transitions.markNoShows(
      tx,
      sql`${tx.select({ id: bookings.id }).from(bookings).where(and(eq(bookings.status, 'approved'), sql`${bookings.startAt} + ${noShowGrace} <= ${at(now)}`, sql`not ${blockedBySession}`)).for('update', { skipLocked: true })}`,
      now,
    ),
  );
  return { marked: marked.length, bookingIds: marked.map((b) => b.id) };
}

/**
 * A checked-in booking still open at its end plus the lab's grace period is checked out by the
 * system: the session ends at the booking's end (when the member was due to leave; the real
 * moment is unknown) and is flagged closedBySystem.
 */
export async function autoCheckOut(app: FastifyInstance, now: Date): Promise<{ closed: number; bookingIds: string[] }> {
  const completed = await inTransaction(app.db, async (tx) => {
    const rows = await app.bookings.transitions.completeOverdue(tx, sql`${claimable(tx, 'checked_in', bookings.endAt, now)}`, now);
    for (const b of rows) {
      await tx
        .update(usageSessions)
        .set({
          endAt: sql`greatest(${b.endAt.toISOString()}::timestamptz, ${usageSessions.startAt} + interval '1 second')`,
          closedBySystem: true,
        })
        .where(and(eq(usageSessions.bookingId, b.id), isNull(usageSessions.endAt)));
    }
    return rows;
  });
  return { closed: completed.length, bookingIds: completed.map((b) => b.id) };
}

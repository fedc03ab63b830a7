// Background work on bookings' real use. Each job claims its rows with one conditional UPDATE …
// RETURNING over rows picked FOR UPDATE SKIP LOCKED, so two server processes running it at once
// act on each booking once, without waiting on (or deadlocking with) each other. The status
// changes themselves are the bookings module's transitions.
import type { FastifyInstance } from 'fastify';
import { inTransaction } from '../../lib/transaction.js';
import { createUsageRepository } from './usage.repository.js';

/**
 * An approved booking nobody checked in by its start plus the lab's grace period becomes a
 * no-show; it stops holding its slot, and its owner is told. Not while someone else's session
 * kept the member from the machine.
 */
export async function markNoShows(app: FastifyInstance, now: Date): Promise<{ marked: number; bookingIds: string[] }> {
  const repo = createUsageRepository(app.db);
  const marked = await inTransaction(app.db, (tx) => app.bookings.transitions.markNoShows(tx, repo.noShowsDue(now, tx), now));
  return { marked: marked.length, bookingIds: marked.map((b) => b.id) };
}

/**
 * A checked-in booking still open at its end plus the lab's grace period is checked out by the
 * system: the session ends at the booking's end (when the member was due to leave; the real
 * moment is unknown) and is flagged closedBySystem.
 */
export async function autoCheckOut(app: FastifyInstance, now: Date): Promise<{ closed: number; bookingIds: string[] }> {
  const repo = createUsageRepository(app.db);
  const completed = await inTransaction(app.db, async (tx) => {
    const rows = await app.bookings.transitions.completeOverdue(tx, repo.checkOutsDue(now, tx), now);
    for (const b of rows) await repo.closeOpenSessionsOfBooking(b.id, b.endAt, tx);
    return rows;
  });
  return { closed: completed.length, bookingIds: completed.map((b) => b.id) };
}

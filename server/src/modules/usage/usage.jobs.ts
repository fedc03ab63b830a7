// Background work on bookings' real use. Each job claims its rows with one conditional UPDATE …
// RETURNING over rows picked FOR UPDATE SKIP LOCKED, so two server processes running it at once
// act on each booking once, without waiting on (or deadlocking with) each other.
import { DEFAULT_LAB_SETTINGS } from '@fablab/shared';
import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import type { Tx } from '../../db/client.js';
import { bookings, labs, machines, usageSessions } from '../../db/schema/index.js';
import { writeAudit } from '../../lib/audit.js';
import { notify } from '../../lib/notify.js';

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

function publishByLab(app: FastifyInstance, kind: string, rows: Array<{ labId: string; machineId: string }>): void {
  const byLab = new Map<string, Set<string>>();
  for (const r of rows) {
    const set = byLab.get(r.labId) ?? new Set<string>();
    set.add(r.machineId);
    byLab.set(r.labId, set);
  }
  for (const [labId, machineIds] of byLab) app.labEvents.publish({ labId, kind, machineIds: [...machineIds] });
}

/**
 * An approved booking nobody checked in by its start plus the lab's grace period becomes a
 * no-show; it stops holding its slot, and its owner is told.
 */
export async function markNoShows(app: FastifyInstance, now: Date): Promise<{ marked: number; bookingIds: string[] }> {
  const marked = await app.db.transaction(async (tx) => {
    const rows = await tx
      .update(bookings)
      .set({ status: 'no_show', updatedAt: now })
      .where(and(eq(bookings.status, 'approved'), inArray(bookings.id, claimable(tx, 'approved', bookings.startAt, now))))
      .returning();
    if (rows.length === 0) return rows;
    const names = await tx
      .select({ id: machines.id, name: machines.name })
      .from(machines)
      .where(inArray(machines.id, [...new Set(rows.map((r) => r.machineId))]));
    const machineName = new Map(names.map((m) => [m.id, m.name]));
    await notify(
      tx,
      rows
        .filter((b) => b.userId)
        .map((b) => ({
          userId: b.userId as string,
          kind: 'booking_no_show',
          data: {
            bookingId: b.id,
            machineId: b.machineId,
            machineName: machineName.get(b.machineId) ?? null,
            labId: b.labId,
            start: b.startAt.toISOString(),
            end: b.endAt.toISOString(),
          },
        })),
    );
    await writeAudit(
      tx,
      rows.map((b) => ({ actorId: null, action: 'booking.no_show', entityType: 'booking' as const, entityId: b.id, labId: b.labId })),
    );
    return rows;
  });
  publishByLab(app, 'booking', marked);
  return { marked: marked.length, bookingIds: marked.map((b) => b.id) };
}

/**
 * A checked-in booking still open at its end plus the lab's grace period is checked out by the
 * system: the session ends at the booking's end (when the member was due to leave; the real
 * moment is unknown) and is flagged closedBySystem.
 */
export async function autoCheckOut(app: FastifyInstance, now: Date): Promise<{ closed: number; bookingIds: string[] }> {
  const completed = await app.db.transaction(async (tx) => {
    const rows = await tx
      .update(bookings)
      .set({ status: 'completed', updatedAt: now })
      .where(and(eq(bookings.status, 'checked_in'), inArray(bookings.id, claimable(tx, 'checked_in', bookings.endAt, now))))
      .returning();
    for (const b of rows) {
      await tx
        .update(usageSessions)
        .set({
          endAt: sql`greatest(${b.endAt.toISOString()}::timestamptz, ${usageSessions.startAt} + interval '1 second')`,
          closedBySystem: true,
        })
        .where(and(eq(usageSessions.bookingId, b.id), isNull(usageSessions.endAt)));
    }
    await writeAudit(
      tx,
      rows.map((b) => ({
        actorId: null,
        action: 'booking.check_out',
        entityType: 'booking' as const,
        entityId: b.id,
        labId: b.labId,
        details: { closedBySystem: true },
      })),
    );
    return rows;
  });
  publishByLab(app, 'usage', completed);
  return { closed: completed.length, bookingIds: completed.map((b) => b.id) };
}

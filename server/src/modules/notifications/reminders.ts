// The 'booking-reminders' job: an approved booking's member is reminded before its start, once per
// offset (24 hours and 1 hour by default). The reminders already sent are the record: each carries
// { bookingId, start, offsetMinutes } in its data, and the booking row is locked while checking,
// so a second run (or a second process) finds them and sends nothing again.
import { and, eq, gt, inArray, isNotNull, lte, sql } from 'drizzle-orm';
import type { Db, DbOrTx } from '../../db/client.js';
import type { Notifier } from '../../lib/notify.js';
import { bookings, machines, notifications } from '../../db/schema/index.js';

const BATCH = 500;

/**
 * Which offset is due for a booking `msToStart` away: the smallest offset that has been reached.
 * A booking made 3 hours ahead gets the 24-hour reminder at once and the 1-hour one later; one
 * found only 30 minutes ahead gets just the 1-hour one.
 */
export function dueOffset(msToStart: number, offsetsMinutes: readonly number[]): number | undefined {
  const reached = offsetsMinutes.filter((m) => msToStart <= m * 60_000);
  return reached.length ? Math.min(...reached) : undefined;
}

interface SentReminder {
  bookingId: string;
  start: string;
  offsetMinutes: number;
}

async function sentReminders(db: DbOrTx, bookingIds: string[]): Promise<SentReminder[]> {
  if (bookingIds.length === 0) return [];
  const rows = await db
    .select({ data: notifications.data })
    .from(notifications)
    .where(
      and(
        eq(notifications.kind, 'booking_reminder'),
        inArray(sql<string>`${notifications.data}->>'bookingId'`, bookingIds),
      ),
    );
  return rows.map((r) => r.data as unknown as SentReminder);
}

/** True when this booking, at this start, already got the due offset's reminder or a closer one. */
function alreadyReminded(sent: SentReminder[], bookingId: string, start: string, offset: number): boolean {
  return sent.some((s) => s.bookingId === bookingId && s.start === start && Number(s.offsetMinutes) <= offset);
}

export async function runBookingReminders(
  db: Db,
  notifier: Notifier,
  now: Date,
  offsetsMinutes: readonly number[],
): Promise<{ created: number }> {
  const offsets = offsetsMinutes.filter((m) => Number.isInteger(m) && m > 0);
  if (offsets.length === 0) return { created: 0 };
  const horizon = new Date(now.getTime() + Math.max(...offsets) * 60_000);
  const candidates = await db
    .select({
      id: bookings.id,
      userId: bookings.userId,
      labId: bookings.labId,
      machineId: bookings.machineId,
      startAt: bookings.startAt,
      endAt: bookings.endAt,
      machineName: machines.name,
    })
    .from(bookings)
    .innerJoin(machines, eq(machines.id, bookings.machineId))
    .where(
      and(
        eq(bookings.status, 'approved'),
        isNotNull(bookings.userId),
        gt(bookings.startAt, now),
        lte(bookings.startAt, horizon),
      ),
    )
    .orderBy(bookings.startAt)
    .limit(BATCH);

  const sent = await sentReminders(
    db,
    candidates.map((c) => c.id),
  );
  let created = 0;
  for (const b of candidates) {
    const offset = dueOffset(b.startAt.getTime() - now.getTime(), offsets);
    const start = b.startAt.toISOString();
    if (offset === undefined || alreadyReminded(sent, b.id, start, offset)) continue;
    const made = await db.transaction(async (tx) => {
      // Locks the booking, so a concurrent run waits here and then sees this run's reminder.
      const [locked] = await tx
        .select({ status: bookings.status, startAt: bookings.startAt, userId: bookings.userId })
        .from(bookings)
        .where(eq(bookings.id, b.id))
        .for('update');
      if (
        !locked ||
        locked.status !== 'approved' ||
        !locked.userId ||
        locked.startAt.getTime() !== b.startAt.getTime()
      ) {
        return false;
      }
      if (alreadyReminded(await sentReminders(tx, [b.id]), b.id, start, offset)) return false;
      await notifier.notify(tx, {
        userId: locked.userId,
        kind: 'booking_reminder',
        data: {
          bookingId: b.id,
          machineId: b.machineId,
          machineName: b.machineName,
          labId: b.labId,
          start,
          end: b.endAt.toISOString(),
          offsetMinutes: offset,
        },
      });
      return true;
    });
    if (made) created++;
  }
  return { created };
}

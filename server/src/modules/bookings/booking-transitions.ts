// The only code that changes a booking's status. Each transition checks its guard, writes, audits,
// notifies (one payload per kind of notification) and queues the lab event, all in the caller's
// transaction; the event goes out once that transaction has committed (lib/transaction.ts).
//
//   pending  → approved | rejected | expired | cancelled
//   approved → cancelled | checked_in | no_show      (and back to pending when moved, where needed)
//   checked_in → completed
import { CANCELLABLE_STATUSES, type BookingStatus } from '@fablab/shared';
import { and, eq, gt, inArray, lt, lte, or, sql, type SQL } from 'drizzle-orm';
import type { DbOrTx, Tx } from '../../db/client.js';
import { bookings, machines } from '../../db/schema/index.js';
import type { AuditEntry, AuditLog } from '../../lib/audit.js';
import type { Clock } from '../../lib/clock.js';
import { conflict } from '../../lib/errors.js';
import type { LabEvents } from '../../lib/events.js';
import type { Notifier } from '../../lib/notify.js';
import { afterCommit } from '../../lib/transaction.js';
import { labManagerIds } from '../../plugins/policy.js';
import { insertHoldingBooking, openingHoursRefusal, type OpenTime } from './booking-rules.js';
import { createBookingRepository, type BookingRow, type MachineRow, type NewBookingRow } from './bookings.repository.js';

/** Why a booking was cancelled; the owner's notification and the audit entry say which. */
export type CancelCause =
  | 'owner'
  | 'manager'
  | 'series'
  | 'maintenance'
  | 'closure'
  | 'opening_hours'
  | 'machine_unavailable'
  | 'account_deleted';

export interface TransitionDeps {
  clock: Clock;
  labEvents: LabEvents;
  audit: AuditLog;
  notifier: Notifier;
}

/** The ids of bookings a job picked (a subquery, FOR UPDATE SKIP LOCKED). */
export type DueBookings = SQL;

/** Which slot-holding bookings a system cancellation takes. */
export interface CancelSelection {
  machineIds?: string[];
  labId?: string;
  userId?: string;
  /** Bookings whose occupied time [start, end + buffer) meets one of these ranges. */
  overlapping?: Array<{ from: Date; to: Date }>;
  /** Bookings that start after this instant. */
  startingAfter?: Date;
  /** Only these (found by the caller). */
  ids?: string[];
  /**
   * Of those, the bookings this open time refuses (booking-rules' openingHoursRefusal, with their
   * machine's mayRunUnattended as it is now): what a new closure or shorter hours leave outside.
   */
  refusedBy?: OpenTime;
}

function isCancellable(status: BookingStatus): boolean {
  return (CANCELLABLE_STATUSES as readonly BookingStatus[]).includes(status);
}

function invalidState(row: BookingRow, action: string) {
  return conflict('INVALID_STATE', `A ${row.status} booking cannot be ${action}`);
}

/** Every booking notification carries the same facts; `extra` adds what only its kind has. */
export function bookingNotice(row: BookingRow, machineName: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    bookingId: row.id,
    machineId: row.machineId,
    machineName,
    labId: row.labId,
    start: row.startAt.toISOString(),
    end: row.endAt.toISOString(),
    ...extra,
  };
}

export function createBookingTransitions(deps: TransitionDeps) {
  const { audit, notifier, labEvents } = deps;

  function publish(tx: DbOrTx, rows: Array<{ labId: string; machineId: string }>, kind = 'booking'): void {
    if (rows.length === 0) return;
    const byLab = new Map<string, Set<string>>();
    for (const r of rows) byLab.set(r.labId, (byLab.get(r.labId) ?? new Set()).add(r.machineId));
    afterCommit(tx, () => {
      for (const [labId, ids] of byLab) labEvents.publish({ labId, kind, machineIds: [...ids] });
    });
  }

  /** Tells owners (other than the one who acted) of something that happened to their bookings. */
  async function tellOwners(tx: Tx, rows: BookingRow[], kind: string, actorId: string | null, extra: (r: BookingRow) => Record<string, unknown> = () => ({})) {
    const told = rows.filter((r) => r.userId && r.userId !== actorId);
    if (told.length === 0) return;
    const names = await createBookingRepository(tx).machineNames([...new Set(told.map((r) => r.machineId))], tx);
    await notifier.notify(
      tx,
      told.map((r) => ({ userId: r.userId!, kind, data: bookingNotice(r, names.get(r.machineId) ?? '', extra(r)) })),
    );
  }

  async function tellManagersOfPending(tx: Tx, row: BookingRow, machineName: string) {
    const managerIds = await labManagerIds(tx, row.labId);
    await notifier.notify(
      tx,
      managerIds.map((userId) => ({ userId, kind: 'booking_pending', data: bookingNotice(row, machineName) })),
    );
  }

  function createdAudit(actorId: string, r: BookingRow): AuditEntry {
    return {
      actorId,
      action: 'booking.create',
      entityType: 'booking',
      entityId: r.id,
      labId: r.labId,
      details: {
        machineId: r.machineId,
        userId: r.userId,
        start: r.startAt.toISOString(),
        end: r.endAt.toISOString(),
        status: r.status,
        ...(r.seriesId ? { seriesId: r.seriesId } : {}),
        ...(r.classSessionId ? { classSessionId: r.classSessionId } : {}),
      },
    };
  }

  /** Marks the selected slot-holding bookings cancelled; they come back locked and changed. */
  async function cancelRows(
    tx: Tx,
    rows: BookingRow[],
    how: { by: string | null; reason: string | null; cause: CancelCause; details?: Record<string, unknown> },
  ): Promise<BookingRow[]> {
    for (const r of rows) if (!isCancellable(r.status)) throw invalidState(r, 'cancelled');
    if (rows.length === 0) return [];
    const now = deps.clock.now();
    const updated = await tx
      .update(bookings)
      .set({ status: 'cancelled', cancelledAt: now, cancelledBy: how.by, reason: how.reason, updatedAt: now })
      .where(and(inArray(bookings.id, rows.map((r) => r.id)), inArray(bookings.status, [...CANCELLABLE_STATUSES])))
      .returning();
    updated.sort((a, b) => a.startAt.getTime() - b.startAt.getTime() || a.id.localeCompare(b.id));
    const before = new Map(rows.map((r) => [r.id, r.status]));
    await audit.write(
      tx,
      updated.map((r) => ({
        actorId: how.by,
        action: 'booking.cancel',
        entityType: 'booking' as const,
        entityId: r.id,
        labId: r.labId,
        details: { reason: how.reason, cause: how.cause, previousStatus: before.get(r.id), ...how.details },
      })),
    );
    await tellOwners(tx, updated, 'booking_cancelled', how.by, () => ({
      ...(how.reason ? { reason: how.reason } : {}),
      cause: how.cause,
      ...(how.cause === 'maintenance' ? { byMaintenance: true } : {}),
    }));
    publish(tx, updated);
    return updated;
  }

  function selectionWhere(s: CancelSelection): SQL {
    const where: SQL[] = [inArray(bookings.status, [...CANCELLABLE_STATUSES])];
    if (s.machineIds) where.push(inArray(bookings.machineId, s.machineIds));
    if (s.labId) where.push(eq(bookings.labId, s.labId));
    if (s.userId) where.push(eq(bookings.userId, s.userId));
    if (s.ids) where.push(inArray(bookings.id, s.ids));
    if (s.startingAfter) where.push(gt(bookings.startAt, s.startingAfter));
    if (s.overlapping) {
      const ranges = s.overlapping.map((r) => and(lt(bookings.startAt, r.to), gt(bookings.occupiedUntil, r.from))!);
      where.push(ranges.length > 0 ? or(...ranges)! : sql`false`);
    }
    return and(...where)!;
  }

  /**
   * The bookings a selection picks, in start order, locked FOR UPDATE with `lock`. What SQL cannot
   * say (refusedBy) is checked on the rows read, and again on the rows once locked: only the
   * bookings it picks are locked, not every one it had to look at.
   */
  async function select(tx: DbOrTx, s: CancelSelection, lock: boolean): Promise<BookingRow[]> {
    if (!s.refusedBy) {
      const q = tx.select().from(bookings).where(selectionWhere(s)).orderBy(bookings.startAt, bookings.id);
      return lock ? q.for('update') : q;
    }
    const open = s.refusedBy;
    const refused = async (where: SQL, locked: boolean) => {
      const q = tx
        .select({ booking: bookings, mayRunUnattended: machines.mayRunUnattended })
        .from(bookings)
        .innerJoin(machines, eq(machines.id, bookings.machineId))
        .where(where)
        .orderBy(bookings.startAt, bookings.id);
      const rows = locked ? await q.for('update', { of: bookings }) : await q;
      return rows.filter((r) => openingHoursRefusal(open, r, r.booking.startAt, r.booking.endAt) !== null).map((r) => r.booking);
    };
    const found = await refused(selectionWhere(s), false);
    if (!lock || found.length === 0) return found;
    return refused(and(selectionWhere(s), inArray(bookings.id, found.map((b) => b.id)))!, true);
  }

  return {
    /** A new slot-holding booking (pending, or approved at once), audited; managers hear of pending ones. */
    async request(tx: Tx, actorId: string, machine: MachineRow, values: NewBookingRow, opts: { savepoint?: boolean; quiet?: boolean } = {}): Promise<BookingRow> {
      if (values.status !== 'pending' && values.status !== 'approved') throw new Error(`A booking is requested pending or approved, not ${values.status}`);
      // A savepoint keeps the transaction usable after PostgreSQL refused the overlap.
      const row = opts.savepoint
        ? await tx.transaction((sp) => insertHoldingBooking(sp, machine, values))
        : await insertHoldingBooking(tx, machine, values);
      if (!opts.quiet) await audit.write(tx, createdAudit(actorId, row));
      if (row.status === 'pending') await tellManagersOfPending(tx, row, machine.name);
      publish(tx, [row]);
      return row;
    },

    /** The audit entries of bookings requested quietly (a class, a series: written with their group's). */
    createdAudit,

    async approve(tx: Tx, actorId: string, b: BookingRow): Promise<BookingRow> {
      if (b.status !== 'pending') throw invalidState(b, 'approved');
      const now = deps.clock.now();
      if (b.startAt <= now) throw conflict('INVALID_STATE', 'The booking’s start has passed without a decision; it expires');
      const [row] = await tx
        .update(bookings)
        .set({ status: 'approved', approvedAt: b.approvedAt ?? now, decidedAt: now, decidedBy: actorId, updatedAt: now })
        .where(and(eq(bookings.id, b.id), eq(bookings.status, 'pending')))
        .returning();
      if (!row) throw invalidState(b, 'approved');
      await audit.write(tx, { actorId, action: 'booking.approve', entityType: 'booking', entityId: b.id, labId: b.labId });
      await tellOwners(tx, [row], 'booking_approved', actorId);
      publish(tx, [row]);
      return row;
    },

    async reject(tx: Tx, actorId: string, b: BookingRow, reason: string): Promise<BookingRow> {
      if (b.status !== 'pending') throw invalidState(b, 'rejected');
      const now = deps.clock.now();
      const [row] = await tx
        .update(bookings)
        .set({ status: 'rejected', decidedAt: now, decidedBy: actorId, reason, updatedAt: now })
        .where(and(eq(bookings.id, b.id), eq(bookings.status, 'pending')))
        .returning();
      if (!row) throw invalidState(b, 'rejected');
      await audit.write(tx, { actorId, action: 'booking.reject', entityType: 'booking', entityId: b.id, labId: b.labId, details: { reason } });
      await tellOwners(tx, [row], 'booking_rejected', actorId, () => ({ reason }));
      publish(tx, [row]);
      return row;
    },

    /** Cancels one booking its owner or a manager gave up (rows locked by the caller). */
    async cancel(tx: Tx, actorId: string, b: BookingRow, reason: string | null, cause: 'owner' | 'manager'): Promise<BookingRow> {
      const [row] = await cancelRows(tx, [b], { by: actorId, reason, cause });
      return row!;
    },

    /** Cancels these locked rows for a reason of the system's or a manager's (a series, say). */
    cancelRows,

    /**
     * The slot-holding bookings a change would cancel, locked (dry runs read them without a lock
     * and change nothing). Ordered by start.
     */
    async colliding(tx: DbOrTx, selection: CancelSelection, opts: { lock: boolean }): Promise<BookingRow[]> {
      return select(tx, selection, opts.lock);
    },

    /** Cancels what `selection` picks, with the reason; the owners are told. */
    async cancelSelected(
      tx: Tx,
      selection: CancelSelection,
      how: { by: string | null; reason: string | null; cause: CancelCause; details?: Record<string, unknown> },
    ): Promise<BookingRow[]> {
      return cancelRows(tx, await select(tx, selection, true), how);
    },

    /**
     * Writes a booking's new times (and note); an approved booking of a machine that needs approval,
     * moved by its member, goes back to pending and the managers are asked again.
     */
    async move(
      tx: Tx,
      actorId: string,
      b: BookingRow,
      machine: MachineRow,
      change: { set: Partial<NewBookingRow>; moved: boolean; backToPending: boolean },
    ): Promise<BookingRow> {
      if (!isCancellable(b.status)) throw invalidState(b, 'changed');
      const now = deps.clock.now();
      const set: Partial<NewBookingRow> = { ...change.set, updatedAt: now };
      if (change.backToPending && b.status === 'approved') Object.assign(set, { status: 'pending', decidedAt: null, decidedBy: null });
      const [row] = await tx.update(bookings).set(set).where(eq(bookings.id, b.id)).returning();
      const updated = row!;
      await audit.write(tx, {
        actorId,
        action: change.moved ? 'booking.reschedule' : 'booking.update',
        entityType: 'booking',
        entityId: b.id,
        labId: b.labId,
        details: change.moved
          ? {
              from: { start: b.startAt.toISOString(), end: b.endAt.toISOString() },
              to: { start: updated.startAt.toISOString(), end: updated.endAt.toISOString() },
              status: updated.status,
            }
          : { note: true },
      });
      if (updated.status === 'pending' && b.status === 'approved') await tellManagersOfPending(tx, updated, machine.name);
      // The owner hears of every move, their own included: the mail carries the event's new time
      // for their calendar, which would otherwise keep the old one.
      if (change.moved && updated.userId) {
        await notifier.notify(tx, {
          userId: updated.userId,
          kind: 'booking_rescheduled',
          data: bookingNotice(updated, machine.name, {
            previousStart: b.startAt.toISOString(),
            previousEnd: b.endAt.toISOString(),
            ...(actorId !== updated.userId ? { byManager: true } : {}),
          }),
        });
      }
      if (change.moved) publish(tx, [updated]);
      return updated;
    },

    /** Pending bookings nobody decided by their start become expired and free their slot. */
    async expire(tx: Tx, now: Date): Promise<BookingRow[]> {
      const expired = await tx
        .update(bookings)
        .set({ status: 'expired', updatedAt: now })
        .where(and(eq(bookings.status, 'pending'), lte(bookings.startAt, now)))
        .returning();
      await tellOwners(tx, expired, 'booking_expired', null);
      await audit.write(
        tx,
        expired.map((r) => ({ actorId: null, action: 'booking.expire', entityType: 'booking' as const, entityId: r.id, labId: r.labId, details: { start: r.startAt.toISOString() } })),
      );
      publish(tx, expired);
      return expired;
    },

    /** approved → checked_in; the state guard in the WHERE makes a racing cancel or no-show lose cleanly. */
    async checkIn(tx: Tx, actorId: string, b: BookingRow, details: Record<string, unknown>): Promise<BookingRow> {
      const now = deps.clock.now();
      const [row] = await tx
        .update(bookings)
        .set({ status: 'checked_in', updatedAt: now })
        .where(and(eq(bookings.id, b.id), eq(bookings.status, 'approved')))
        .returning();
      if (!row) throw conflict('INVALID_STATE', 'The booking is no longer approved');
      await audit.write(tx, { actorId, action: 'booking.check_in', entityType: 'booking', entityId: b.id, labId: b.labId, details });
      publish(tx, [row], 'usage');
      return row;
    },

    /** checked_in → completed, by the member or a manager (actorId) or by the system (null). */
    async checkOut(tx: Tx, actorId: string | null, b: BookingRow, details: Record<string, unknown>): Promise<BookingRow> {
      const now = deps.clock.now();
      const [row] = await tx
        .update(bookings)
        .set({ status: 'completed', updatedAt: now })
        .where(and(eq(bookings.id, b.id), eq(bookings.status, 'checked_in')))
        .returning();
      if (!row) throw conflict('INVALID_STATE', 'The booking is no longer checked in');
      await audit.write(tx, { actorId, action: 'booking.check_out', entityType: 'booking', entityId: b.id, labId: b.labId, details });
      publish(tx, [row], 'usage');
      return row;
    },

    /**
     * Approved bookings nobody checked in by their start plus the lab's grace period (`due`, picked
     * FOR UPDATE SKIP LOCKED by the caller) become no-shows; they stop holding their slot, owners are told.
     */
    async markNoShows(tx: Tx, due: DueBookings, now: Date): Promise<BookingRow[]> {
      const rows = await tx
        .update(bookings)
        .set({ status: 'no_show', updatedAt: now })
        .where(and(eq(bookings.status, 'approved'), inArray(bookings.id, due)))
        .returning();
      await tellOwners(tx, rows, 'booking_no_show', null);
      await audit.write(
        tx,
        rows.map((b) => ({ actorId: null, action: 'booking.no_show', entityType: 'booking' as const, entityId: b.id, labId: b.labId })),
      );
      publish(tx, rows);
      return rows;
    },

    /** Checked-in bookings the system closes (their end plus grace passed); sessions are the caller's. */
    async completeOverdue(tx: Tx, due: DueBookings, now: Date): Promise<BookingRow[]> {
      const rows = await tx
        .update(bookings)
        .set({ status: 'completed', updatedAt: now })
        .where(and(eq(bookings.status, 'checked_in'), inArray(bookings.id, due)))
        .returning();
      await audit.write(
        tx,
        rows.map((b) => ({ actorId: null, action: 'booking.check_out', entityType: 'booking' as const, entityId: b.id, labId: b.labId, details: { closedBySystem: true } })),
      );
      publish(tx, rows, 'usage');
      return rows;
    },
  };
}

export type BookingTransitions = ReturnType<typeof createBookingTransitions>;


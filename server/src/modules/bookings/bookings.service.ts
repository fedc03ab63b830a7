// The booking engine: creating, changing and reading bookings, class sessions and weekly series.
// Every change runs in one transaction (rules, insert or update, audit, notifications) and is
// announced to live calendars only after it committed.
import type {
  Booking,
  BookingListQuery,
  BookingStatus,
  CancelBookingBody,
  ClassBody,
  ClassResponse,
  CreateBookingBody,
  SeriesBody,
  SeriesCancelBody,
  SeriesResponse,
  SkippedOccurrence,
  UpdateBookingBody,
} from '@fablab/shared';
import { plusLocalDays } from '@fablab/shared';
import type { AppConfig } from '../../config.js';
import type { Db, DbOrTx, Tx } from '../../db/client.js';
import { writeAudit, type AuditEntry } from '../../lib/audit.js';
import type { Clock } from '../../lib/clock.js';
import { DomainError, badRequest, conflict, forbidden, notFound, unprocessable, sqlState } from '../../lib/errors.js';
import type { LabEvents } from '../../lib/events.js';
import type { LabCache } from '../../lib/lab-cache.js';
import { notify, type NotificationInput } from '../../lib/notify.js';
import { SYSTEM_REASONS } from '../../lib/system-reasons.js';
import { managesLab, type Actor } from '../../plugins/auth.js';
import {
  bookingConflict,
  checkBookingRules,
  insertHoldingBooking,
  isOverlapError,
  loadLabContext,
  loadSubject,
  occupiedUntil,
  refuseNonMakerAccount,
  type BookingSubject,
  type LabContext,
} from './booking-rules.js';
import {
  createBookingRepository,
  type BookingRow,
  type BookingScope,
  type MachineRow,
  type NewBookingRow,
} from './bookings.repository.js';

export interface BookingServiceDeps {
  db: Db;
  clock: Clock;
  events: LabEvents;
  config: Pick<AppConfig, 'rateLimits'>;
  /** Labs' opening hours, closures and settings, kept until the lab changes (lib/lab-cache.ts). */
  labContexts: LabCache<LabContext>;
}

export interface Owner {
  userName: string | null;
  userEmail: string | null;
}

/** The API's booking; the owner's name and email only when given (callers allowed to see them). */
export function toApiBooking(row: BookingRow, owner?: Owner): Booking {
  return {
    id: row.id,
    machineId: row.machineId,
    labId: row.labId,
    userId: row.userId,
    start: row.startAt.toISOString(),
    end: row.endAt.toISOString(),
    status: row.status,
    purpose: row.purpose,
    note: row.note,
    createdAt: row.createdAt.toISOString(),
    decidedAt: row.decidedAt ? row.decidedAt.toISOString() : null,
    decidedBy: row.decidedBy,
    reason: row.reason,
    seriesId: row.seriesId,
    classSessionId: row.classSessionId,
    ...(owner ? { userName: owner.userName, userEmail: owner.userEmail } : {}),
  };
}

/** Who may read a booking: its owner, the lab's managers, department staff and admins. */
export function canSeeBooking(actor: Actor, booking: Pick<BookingRow, 'userId' | 'labId'>): boolean {
  return (
    booking.userId === actor.id ||
    managesLab(actor, booking.labId) ||
    actor.role === 'department' ||
    actor.role === 'admin'
  );
}

/** Who may see the owner's name (Decree 13/2023): the owner, the lab's managers, admins. */
export function canSeeOwnerName(actor: Actor, booking: Pick<BookingRow, 'userId' | 'labId'>): boolean {
  return booking.userId === actor.id || managesLab(actor, booking.labId);
}

/**
 * Who may read the member's id and the free text of a booking (note, reason: they may name
 * people): everyone who may read the booking but department staff, who report without personal data.
 */
export function canSeePersonalData(actor: Actor, booking: Pick<BookingRow, 'userId' | 'labId'>): boolean {
  return actor.role !== 'department' || booking.userId === actor.id;
}

/** A booking as this caller may read it: the one place that applies the two rules above. */
export function bookingFor(actor: Actor, row: BookingRow, owner?: Owner): Booking {
  const booking = toApiBooking(row, canSeeOwnerName(actor, row) ? owner : undefined);
  return canSeePersonalData(actor, row) ? booking : { ...booking, userId: null, note: null, reason: null };
}

const HOLDING_BEFORE_CHECK_IN: BookingStatus[] = ['pending', 'approved'];

function invalidState(row: BookingRow, action: string) {
  return conflict('INVALID_STATE', `A ${row.status} booking cannot be ${action}`);
}

function notificationData(row: BookingRow, machineName: string, reason?: string | null): Record<string, unknown> {
  return {
    bookingId: row.id,
    machineId: row.machineId,
    machineName,
    labId: row.labId,
    start: row.startAt.toISOString(),
    end: row.endAt.toISOString(),
    ...(reason ? { reason } : {}),
  };
}

/**
 * The cancellation cut-off: a member may give up a booking's slot (cancel it, or move it away)
 * until cancelCutoffMinutes before its start; after that, only the lab's managers may.
 */
function refuseAfterCutoff(b: BookingRow, lab: LabContext, now: Date, what: 'cancelled' | 'moved') {
  const cutoff = b.startAt.getTime() - lab.settings.cancelCutoffMinutes * 60_000;
  if (now.getTime() > cutoff) {
    throw unprocessable(
      'CANCELLATION_TOO_LATE',
      `Bookings can be ${what} until ${lab.settings.cancelCutoffMinutes} minutes before the start; ask the lab`,
    );
  }
}

export function createBookingService(deps: BookingServiceDeps) {
  const { db, clock, events } = deps;
  const repo = createBookingRepository(db);

  /**
   * Runs fn in a transaction; an overlap the database refused anywhere in it is BOOKING_CONFLICT.
   * The lock order (repo.lockMachine) leaves racing bookings nothing to deadlock on; should
   * PostgreSQL still abort one (40P01, 40001: a last resort, not the plan), it runs again after a
   * random pause, so the race is decided by the rules, not by chance.
   */
  async function inTransaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await db.transaction(fn);
      } catch (err) {
        if (isOverlapError(err)) throw bookingConflict();
        const state = sqlState(err);
        if ((state === '40P01' || state === '40001') && attempt < 5) {
          await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 20 * attempt));
          continue;
        }
        throw err;
      }
    }
  }

  /** Not shared between requests: each computes inside its own transaction. */
  function labContext(tx: Tx, labId: string): Promise<LabContext> {
    return deps.labContexts.get(labId, labId, () => loadLabContext(tx, labId), { share: false });
  }

  function publish(labId: string, machineIds: string[]): void {
    events.publish({ labId, kind: 'booking', machineIds: [...new Set(machineIds)] });
  }

  async function withOwner(row: BookingRow, tx: DbOrTx = db): Promise<Booking> {
    return toApiBooking(row, await repo.ownerOf(row.userId, tx));
  }

  async function notifyManagersOfPending(tx: Tx, row: BookingRow, machine: MachineRow): Promise<void> {
    const managerIds = await repo.labManagerIds(row.labId, tx);
    await notify(
      tx,
      managerIds.map((userId) => ({ userId, kind: 'booking_pending', data: notificationData(row, machine.name) })),
    );
  }

  /** The booking as the caller may see it, or 404 as if it did not exist. */
  async function visibleBooking(actor: Actor, id: string): Promise<BookingRow> {
    const row = await repo.findBooking(id);
    if (!row || !canSeeBooking(actor, row)) throw notFound('Booking');
    return row;
  }

  function approvalFields(now: Date, decidedBy: string | null) {
    return { status: 'approved' as const, approvedAt: now, decidedAt: now, decidedBy };
  }

  /**
   * The rules, then the insert of one slot-holding booking of a manager's class or series:
   * approved at once, owned by the manager.
   */
  async function bookForManager(
    tx: Tx,
    actor: Actor,
    machine: MachineRow,
    lab: LabContext,
    slot: { start: Date; end: Date },
    extra: Pick<NewBookingRow, 'purpose' | 'note' | 'seriesId' | 'classSessionId'>,
    now: Date,
    opts: { savepoint: boolean },
  ): Promise<BookingRow> {
    const subject: BookingSubject = { id: actor.id, managesLab: true };
    await checkBookingRules(tx, { machine, lab, subject, start: slot.start, end: slot.end }, now);
    const values: NewBookingRow = {
      machineId: machine.id,
      labId: lab.id,
      userId: actor.id,
      startAt: slot.start,
      endAt: slot.end,
      occupiedUntil: occupiedUntil(machine, slot.end),
      purpose: extra.purpose,
      note: extra.note ?? null,
      seriesId: extra.seriesId ?? null,
      classSessionId: extra.classSessionId ?? null,
      createdBy: actor.id,
      createdAt: now,
      updatedAt: now,
      ...approvalFields(now, actor.id),
    };
    // A savepoint keeps the transaction usable after PostgreSQL refused the overlap.
    return opts.savepoint
      ? tx.transaction((sp) => insertHoldingBooking(sp, machine, values))
      : insertHoldingBooking(tx, machine, values);
  }

  /** Locks the machines (in id order, so that two requests never wait on each other in a circle). */
  async function lockMachines(tx: Tx, ids: string[]): Promise<Map<string, MachineRow>> {
    const map = new Map<string, MachineRow>();
    for (const id of [...ids].sort()) {
      const m = await repo.lockMachine(id, tx);
      if (!m) throw notFound('Machine');
      map.set(id, m);
    }
    return map;
  }

  return {
    async create(actor: Actor, body: CreateBookingBody): Promise<Booking> {
      const now = clock.now();
      const start = new Date(body.start);
      const end = new Date(body.end);
      const row = await inTransaction(async (tx) => {
        const machine = await repo.lockMachine(body.machineId, tx);
        if (!machine) throw notFound('Machine');
        const actorManages = managesLab(actor, machine.labId);
        const forSomeoneElse = body.userId !== undefined && body.userId !== actor.id;
        if (forSomeoneElse && !actorManages) throw forbidden('Only this lab’s managers may book for someone else');
        if (!forSomeoneElse) refuseNonMakerAccount(actor.role, true);
        const subject: BookingSubject = forSomeoneElse
          ? await loadSubject(tx, body.userId!, machine.labId, { mustBeActive: true })
          : { id: actor.id, managesLab: actorManages };
        const lab = await labContext(tx, machine.labId);

        await checkBookingRules(tx, { machine, lab, subject, start, end }, now);

        const approved = actorManages || !machine.requiresApproval;
        const inserted = await insertHoldingBooking(tx, machine, {
          machineId: machine.id,
          labId: machine.labId,
          userId: subject.id,
          startAt: start,
          endAt: end,
          occupiedUntil: occupiedUntil(machine, end),
          purpose: body.purpose,
          note: body.note ?? null,
          createdBy: actor.id,
          createdAt: now,
          updatedAt: now,
          // Approved by a manager's hand, or by the machine's rule (nobody decided).
          ...(approved ? approvalFields(now, actorManages ? actor.id : null) : { status: 'pending' as const }),
        });
        await writeAudit(tx, {
          actorId: actor.id,
          action: 'booking.create',
          entityType: 'booking',
          entityId: inserted.id,
          labId: inserted.labId,
          details: {
            machineId: machine.id,
            userId: subject.id,
            start: inserted.startAt.toISOString(),
            end: inserted.endAt.toISOString(),
            status: inserted.status,
          },
        });
        if (inserted.status === 'pending') await notifyManagersOfPending(tx, inserted, machine);
        return inserted;
      });
      publish(row.labId, [row.machineId]);
      // Booking for oneself, the owner is the caller, whose name and email the sign-in already read.
      if (row.userId === actor.id) return toApiBooking(row, { userName: actor.fullName, userEmail: actor.email });
      return withOwner(row);
    },

    async get(actor: Actor, id: string): Promise<Booking> {
      const found = await repo.findWithOwner(id);
      if (!found || !canSeeBooking(actor, found.booking)) throw notFound('Booking');
      return bookingFor(actor, found.booking, found);
    },

    async list(actor: Actor, query: BookingListQuery): Promise<{ items: Booking[]; total: number }> {
      const scope: BookingScope =
        actor.role === 'admin' || actor.role === 'department'
          ? { all: true }
          : { all: false, ownerId: actor.id, labIds: actor.role === 'manager' ? actor.managedLabIds : [] };
      const from = query.from ? new Date(query.from) : undefined;
      const to = query.to ? new Date(query.to) : undefined;
      if (from && to && to < from) throw badRequest('VALIDATION_ERROR', '`to` is before `from`');
      const statuses =
        query.status === undefined ? undefined : Array.isArray(query.status) ? query.status : [query.status];
      const { rows, total } = await repo.list(
        scope,
        {
          labId: query.labId,
          machineId: query.machineId,
          from,
          to,
          statuses,
          userId: query.mine ? actor.id : undefined,
        },
        { limit: query.limit ?? 50, offset: query.offset ?? 0 },
      );
      return {
        items: rows.map((r) => bookingFor(actor, r.booking, r)),
        total,
      };
    },

    async approve(actor: Actor, id: string): Promise<Booking> {
      const now = clock.now();
      const current = await visibleBooking(actor, id);
      if (!managesLab(actor, current.labId)) throw forbidden('Only this lab’s managers may approve bookings');
      const row = await inTransaction(async (tx) => {
        const b = (await repo.lockBooking(id, tx))!;
        if (b.status !== 'pending') throw invalidState(b, 'approved');
        if (b.startAt <= now)
          throw conflict('INVALID_STATE', 'The booking’s start has passed without a decision; it expires');
        const updated = await repo.updateBooking(
          id,
          { ...approvalFields(now, actor.id), approvedAt: b.approvedAt ?? now, updatedAt: now },
          tx,
        );
        await writeAudit(tx, {
          actorId: actor.id,
          action: 'booking.approve',
          entityType: 'booking',
          entityId: id,
          labId: b.labId,
        });
        await notifyOwner(tx, actor, updated, 'booking_approved');
        return updated;
      });
      publish(row.labId, [row.machineId]);
      return withOwner(row);
    },

    async reject(actor: Actor, id: string, reason: string): Promise<Booking> {
      const now = clock.now();
      const current = await visibleBooking(actor, id);
      if (!managesLab(actor, current.labId)) throw forbidden('Only this lab’s managers may reject bookings');
      const row = await inTransaction(async (tx) => {
        const b = (await repo.lockBooking(id, tx))!;
        if (b.status !== 'pending') throw invalidState(b, 'rejected');
        const updated = await repo.updateBooking(
          id,
          { status: 'rejected', decidedAt: now, decidedBy: actor.id, reason, updatedAt: now },
          tx,
        );
        await writeAudit(tx, {
          actorId: actor.id,
          action: 'booking.reject',
          entityType: 'booking',
          entityId: id,
          labId: b.labId,
          details: { reason },
        });
        await notifyOwner(tx, actor, updated, 'booking_rejected', reason);
        return updated;
      });
      publish(row.labId, [row.machineId]);
      return withOwner(row);
    },

    async cancel(actor: Actor, id: string, body: CancelBookingBody): Promise<Booking> {
      const now = clock.now();
      const current = await visibleBooking(actor, id);
      const isManager = managesLab(actor, current.labId);
      if (!isManager && current.userId !== actor.id) throw forbidden('Only the owner or the lab’s managers may cancel');
      const reason = body.reason?.trim() || null;
      const row = await inTransaction(async (tx) => {
        const b = (await repo.lockBooking(id, tx))!;
        if (!HOLDING_BEFORE_CHECK_IN.includes(b.status)) throw invalidState(b, 'cancelled');
        if (!isManager) refuseAfterCutoff(b, await labContext(tx, b.labId), now, 'cancelled');
        const updated = await repo.updateBooking(
          id,
          { status: 'cancelled', cancelledAt: now, cancelledBy: actor.id, reason, updatedAt: now },
          tx,
        );
        await writeAudit(tx, {
          actorId: actor.id,
          action: 'booking.cancel',
          entityType: 'booking',
          entityId: id,
          labId: b.labId,
          details: { reason, previousStatus: b.status },
        });
        await notifyOwner(tx, actor, updated, 'booking_cancelled', reason);
        return updated;
      });
      publish(row.labId, [row.machineId]);
      return withOwner(row);
    },

    /**
     * Moves a booking (same rules as a new one, the booking itself left out of conflicts and
     * quota) and/or edits its note. An approved booking of a machine that needs approval goes
     * back to pending, unless the lab's manager moved it.
     */
    async reschedule(actor: Actor, id: string, body: UpdateBookingBody): Promise<Booking> {
      const now = clock.now();
      const current = await visibleBooking(actor, id);
      const isManager = managesLab(actor, current.labId);
      if (!isManager && current.userId !== actor.id)
        throw forbidden('Only the owner or the lab’s managers may change a booking');
      const result = await inTransaction(async (tx) => {
        // Machine first, then the booking: the order every other writer of both uses.
        const machine = (await repo.lockMachine(current.machineId, tx))!;
        const b = (await repo.lockBooking(id, tx))!;
        if (!HOLDING_BEFORE_CHECK_IN.includes(b.status)) throw invalidState(b, 'changed');
        const start = body.start ? new Date(body.start) : b.startAt;
        const end = body.end ? new Date(body.end) : b.endAt;
        const moved = start.getTime() !== b.startAt.getTime() || end.getTime() !== b.endAt.getTime();
        const set: Partial<NewBookingRow> = { updatedAt: now };
        if (body.note !== undefined) set.note = body.note;
        let backToPending = false;
        if (moved) {
          const lab = await labContext(tx, b.labId);
          // Moving a booking frees its slot as a cancel does: past the cut-off only the lab may.
          if (!isManager) refuseAfterCutoff(b, lab, now, 'moved');
          const subject = b.userId ? await loadSubject(tx, b.userId, b.labId, { mustBeActive: false }) : null;
          await checkBookingRules(tx, { machine, lab, subject, start, end, excludeBookingId: id }, now);
          Object.assign(set, { startAt: start, endAt: end, occupiedUntil: occupiedUntil(machine, end) });
          if (b.status === 'approved' && machine.requiresApproval && !isManager) {
            backToPending = true;
            Object.assign(set, { status: 'pending', decidedAt: null, decidedBy: null });
          }
        }
        let updated: BookingRow;
        try {
          updated = await repo.updateBooking(id, set, tx);
        } catch (err) {
          if (isOverlapError(err)) throw bookingConflict(machine.name);
          throw err;
        }
        await writeAudit(tx, {
          actorId: actor.id,
          action: moved ? 'booking.reschedule' : 'booking.update',
          entityType: 'booking',
          entityId: id,
          labId: b.labId,
          details: moved
            ? {
                from: { start: b.startAt.toISOString(), end: b.endAt.toISOString() },
                to: { start: start.toISOString(), end: end.toISOString() },
                status: updated.status,
              }
            : { note: true },
        });
        if (backToPending) await notifyManagersOfPending(tx, updated, machine);
        // The owner hears of every move, their own included: the mail carries the event's new
        // time for their calendar, which would otherwise keep the old one.
        if (moved && updated.userId) {
          await notify(tx, {
            userId: updated.userId,
            kind: 'booking_rescheduled',
            data: {
              ...notificationData(updated, machine.name),
              previousStart: b.startAt.toISOString(),
              previousEnd: b.endAt.toISOString(),
              ...(actor.id !== updated.userId ? { byManager: true } : {}),
            },
          });
        }
        return { updated, moved };
      });
      if (result.moved) publish(result.updated.labId, [result.updated.machineId]);
      return withOwner(result.updated);
    },

    /** A class: several machines of one lab at once for a group, approved, all or nothing. */
    async createClass(actor: Actor, body: ClassBody): Promise<ClassResponse> {
      const now = clock.now();
      const start = new Date(body.start);
      const end = new Date(body.end);
      if (!(await repo.findLab(body.labId))) throw notFound('Lab');
      if (!managesLab(actor, body.labId)) throw forbidden('Only this lab’s managers may book a class');
      const { classSessionId, rows } = await inTransaction(async (tx) => {
        const machines = await lockMachines(tx, body.machineIds);
        for (const m of machines.values()) {
          if (m.labId !== body.labId) throw badRequest('VALIDATION_ERROR', `${m.name} is not a machine of this lab`);
        }
        const lab = await labContext(tx, body.labId);
        const classSessionId = await repo.insertClassSession(
          {
            labId: body.labId,
            title: body.title,
            participants: body.participants,
            startAt: start,
            endAt: end,
            createdBy: actor.id,
          },
          tx,
        );
        const rows: BookingRow[] = [];
        for (const id of body.machineIds) {
          rows.push(
            await bookForManager(
              tx,
              actor,
              machines.get(id)!,
              lab,
              { start, end },
              { purpose: 'stem_class', note: body.note ?? body.title, classSessionId },
              now,
              { savepoint: false },
            ),
          );
        }
        await writeAudit(tx, [
          {
            actorId: actor.id,
            action: 'class_session.create',
            entityType: 'class_session',
            entityId: classSessionId,
            labId: body.labId,
            details: { title: body.title, participants: body.participants, machineIds: body.machineIds },
          },
          ...rows.map((r) => bookingCreatedAudit(actor, r)),
        ]);
        return { classSessionId, rows };
      });
      publish(body.labId, body.machineIds);
      const owner = await repo.ownerOf(actor.id);
      return { classSessionId, bookings: rows.map((r) => toApiBooking(r, owner)) };
    },

    /**
     * A weekly series on one or more machines of one lab. Occurrences repeat at the same local
     * time (so a change of UTC offset does not move them). With onConflict 'skip' an occurrence
     * that breaks a rule is left out and reported; with 'fail' nothing is booked.
     */
    async createSeries(actor: Actor, body: SeriesBody): Promise<SeriesResponse> {
      const now = clock.now();
      const found = await repo.findMachines(body.machineIds);
      if (found.length !== body.machineIds.length) throw notFound('Machine');
      const labId = found[0]!.labId;
      if (found.some((m) => m.labId !== labId))
        throw badRequest('VALIDATION_ERROR', 'All machines of a series must be in one lab');
      if (!managesLab(actor, labId)) throw forbidden('Only this lab’s managers may book a series');
      const skip = body.onConflict === 'skip';

      const { seriesId, created, skipped } = await inTransaction(async (tx) => {
        const machines = await lockMachines(tx, body.machineIds);
        const lab = await labContext(tx, labId);
        const seriesId = await repo.insertSeries({ labId, title: body.title, createdBy: actor.id }, tx);
        // Each week at the same wall-clock times, also across a change of the lab's clock.
        const firstStart = new Date(body.firstStart);
        const firstEnd = new Date(body.firstEnd);
        const created: BookingRow[] = [];
        const skipped: SkippedOccurrence[] = [];
        for (let i = 0; i < body.repeat.count; i++) {
          const slot = {
            start: plusLocalDays(firstStart, 7 * i, lab.zone),
            end: plusLocalDays(firstEnd, 7 * i, lab.zone),
          };
          for (const machineId of body.machineIds) {
            try {
              created.push(
                await bookForManager(
                  tx,
                  actor,
                  machines.get(machineId)!,
                  lab,
                  slot,
                  { purpose: body.purpose, note: body.note ?? body.title, seriesId },
                  now,
                  { savepoint: skip },
                ),
              );
            } catch (err) {
              if (!skip || !(err instanceof DomainError)) throw err;
              skipped.push({ machineId, start: slot.start.toISOString(), end: slot.end.toISOString(), code: err.code });
            }
          }
        }
        await writeAudit(tx, [
          {
            actorId: actor.id,
            action: 'series.create',
            entityType: 'series',
            entityId: seriesId,
            labId,
            details: {
              title: body.title,
              machineIds: body.machineIds,
              count: body.repeat.count,
              created: created.length,
              skipped: skipped.length,
            },
          },
          ...created.map((r) => bookingCreatedAudit(actor, r)),
        ]);
        return { seriesId, created, skipped };
      });
      if (created.length)
        publish(
          labId,
          created.map((r) => r.machineId),
        );
      const owner = await repo.ownerOf(actor.id);
      return { seriesId, created: created.map((r) => toApiBooking(r, owner)), skipped };
    },

    /** Cancels a series' occurrences from `from` on (default: every future one). */
    async cancelSeries(actor: Actor, seriesId: string, body: SeriesCancelBody): Promise<{ cancelled: Booking[] }> {
      const now = clock.now();
      const series = await repo.findSeries(seriesId);
      if (!series) throw notFound('Series');
      if (!managesLab(actor, series.labId)) {
        if (actor.role === 'department') throw forbidden('Only this lab’s managers may cancel a series');
        throw notFound('Series');
      }
      // Occurrences that already started are history (used, or no-shows), not cancellable.
      const requested = body.from ? new Date(body.from) : now;
      const from = requested > now ? requested : now;
      const rows = await inTransaction(async (tx) => {
        const targets = await repo.lockSeriesOccurrences(seriesId, from, tx);
        const updated = await repo.updateBookings(
          targets.map((t) => t.id),
          { status: 'cancelled', cancelledAt: now, cancelledBy: actor.id, reason: SYSTEM_REASONS.seriesCancelled, updatedAt: now },
          tx,
        );
        updated.sort((a, b) => a.startAt.getTime() - b.startAt.getTime() || a.id.localeCompare(b.id));
        const names = await repo.machineNames([...new Set(updated.map((r) => r.machineId))], tx);
        await notify(
          tx,
          updated
            .filter((r) => r.userId && r.userId !== actor.id)
            .map((r) => ({
              userId: r.userId!,
              kind: 'booking_cancelled',
              data: notificationData(r, names.get(r.machineId) ?? '', SYSTEM_REASONS.seriesCancelled),
            })),
        );
        await writeAudit(tx, [
          {
            actorId: actor.id,
            action: 'series.cancel',
            entityType: 'series',
            entityId: seriesId,
            labId: series.labId,
            details: { from: from.toISOString(), cancelled: updated.length },
          },
          ...updated.map((r) => ({
            actorId: actor.id,
            action: 'booking.cancel',
            entityType: 'booking' as const,
            entityId: r.id,
            labId: r.labId,
            details: { reason: SYSTEM_REASONS.seriesCancelled },
          })),
        ]);
        return updated;
      });
      if (rows.length)
        publish(
          series.labId,
          rows.map((r) => r.machineId),
        );
      const owners = new Map<string, Owner>();
      const cancelled: Booking[] = [];
      for (const r of rows) {
        const key = r.userId ?? '';
        if (!owners.has(key)) owners.set(key, await repo.ownerOf(r.userId));
        cancelled.push(toApiBooking(r, owners.get(key)));
      }
      return { cancelled };
    },

    /** Pending bookings nobody decided by their start become expired and free their slot. */
    async expirePending(now: Date): Promise<{ expired: number }> {
      const rows = await db.transaction(async (tx) => {
        const expired = await repo.expirePending(now, tx);
        if (expired.length === 0) return expired;
        const names = await repo.machineNames([...new Set(expired.map((r) => r.machineId))], tx);
        await notify(
          tx,
          expired
            .filter((r) => r.userId)
            .map((r) => ({
              userId: r.userId!,
              kind: 'booking_expired',
              data: notificationData(r, names.get(r.machineId) ?? ''),
            })),
        );
        await writeAudit(
          tx,
          expired.map((r) => ({
            actorId: null,
            action: 'booking.expire',
            entityType: 'booking' as const,
            entityId: r.id,
            labId: r.labId,
            details: { start: r.startAt.toISOString() },
          })),
        );
        return expired;
      });
      const byLab = new Map<string, string[]>();
      for (const r of rows) byLab.set(r.labId, [...(byLab.get(r.labId) ?? []), r.machineId]);
      for (const [labId, machineIds] of byLab) publish(labId, machineIds);
      return { expired: rows.length };
    },
  };

  /** Tells the owner about a decision someone else made on their booking. */
  async function notifyOwner(
    tx: Tx,
    actor: Actor,
    row: BookingRow,
    kind: string,
    reason?: string | null,
  ): Promise<void> {
    if (!row.userId || row.userId === actor.id) return;
    const machine = await repo.findMachine(row.machineId, tx);
    const input: NotificationInput = {
      userId: row.userId,
      kind,
      data: notificationData(row, machine?.name ?? '', reason),
    };
    await notify(tx, input);
  }
}

function bookingCreatedAudit(actor: Actor, r: BookingRow): AuditEntry {
  return {
    actorId: actor.id,
    action: 'booking.create',
    entityType: 'booking',
    entityId: r.id,
    labId: r.labId,
    details: {
      machineId: r.machineId,
      start: r.startAt.toISOString(),
      end: r.endAt.toISOString(),
      status: r.status,
      seriesId: r.seriesId,
      classSessionId: r.classSessionId,
    },
  };
}

export type BookingService = ReturnType<typeof createBookingService>;

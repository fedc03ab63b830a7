// Bookings a lab's manager makes for a group: a class on several machines at once, and weekly series.
import type { Booking, ClassBody, ClassResponse, SeriesBody, SeriesCancelBody, SeriesResponse, SkippedOccurrence } from '@fablab/shared';
import { plusLocalDays } from '@fablab/shared';
import type { Tx } from '../../db/client.js';
import { DomainError, badRequest, forbidden, notFound } from '../../lib/errors.js';
import { SYSTEM_REASONS } from '../../lib/system-reasons.js';
import { can, type Actor } from '../../plugins/policy.js';
import type { BookingCore } from './booking-core.js';
import { checkBookingRules, occupiedUntil, type LabContext } from './booking-rules.js';
import { toApiBooking } from './booking-view.js';
import type { BookingRow, MachineRow, NewBookingRow } from './bookings.repository.js';

export function createBookingGroups(core: BookingCore) {
  const { repo, transitions, clock } = core;

  /**
   * The rules, then the insert of one slot-holding booking of a manager's class or series:
   * approved at once, owned by the manager (the manager's exemptions apply).
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
    await checkBookingRules(tx, { machine, lab, subject: { id: actor.id, managesLab: true }, start: slot.start, end: slot.end, group: true }, now, core.certified);
    return transitions.request(
      tx,
      actor.id,
      machine,
      {
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
        status: 'approved',
        approvedAt: now,
        decidedAt: now,
        decidedBy: actor.id,
      },
      { savepoint: opts.savepoint, quiet: true },
    );
  }

  return {
    /** A class: several machines of one lab at once for a group, approved, all or nothing. */
    async createClass(actor: Actor, body: ClassBody): Promise<ClassResponse> {
      const now = clock.now();
      const start = new Date(body.start);
      const end = new Date(body.end);
      if (!(await repo.findLab(body.labId))) throw notFound('Lab');
      if (!can(actor, 'booking.decide', { labId: body.labId })) throw forbidden('Only this lab’s managers may book a class');
      const { classSessionId, rows } = await core.transaction(async (tx) => {
        const machines = await core.lockMachines(tx, body.machineIds);
        for (const m of machines.values()) {
          if (m.labId !== body.labId) throw badRequest('VALIDATION_ERROR', `${m.name} is not a machine of this lab`);
        }
        const lab = await core.labContext(tx, body.labId);
        const classSessionId = await repo.insertClassSession(
          { labId: body.labId, title: body.title, participants: body.participants, startAt: start, endAt: end, createdBy: actor.id },
          tx,
        );
        const rows: BookingRow[] = [];
        for (const id of body.machineIds) {
          rows.push(
            await bookForManager(tx, actor, machines.get(id)!, lab, { start, end }, { purpose: 'stem_class', note: body.note ?? body.title, classSessionId }, now, {
              savepoint: false,
            }),
          );
        }
        await core.audit.write(tx, [
          {
            actorId: actor.id,
            action: 'class_session.create',
            entityType: 'class_session',
            entityId: classSessionId,
            labId: body.labId,
            details: { title: body.title, participants: body.participants, machineIds: body.machineIds },
          },
          ...rows.map((r) => transitions.createdAudit(actor.id, r)),
        ]);
        return { classSessionId, rows };
      });
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
      if (found.some((m) => m.labId !== labId)) throw badRequest('VALIDATION_ERROR', 'All machines of a series must be in one lab');
      if (!can(actor, 'booking.decide', { labId })) throw forbidden('Only this lab’s managers may book a series');
      const skip = body.onConflict === 'skip';

      const { seriesId, created, skipped } = await core.transaction(async (tx) => {
        const machines = await core.lockMachines(tx, body.machineIds);
        const lab = await core.labContext(tx, labId);
        const seriesId = await repo.insertSeries({ labId, title: body.title, createdBy: actor.id }, tx);
        // Each week at the same wall-clock times, also across a change of the lab's clock.
        const firstStart = new Date(body.firstStart);
        const firstEnd = new Date(body.firstEnd);
        const created: BookingRow[] = [];
        const skipped: SkippedOccurrence[] = [];
        for (let i = 0; i < body.repeat.count; i++) {
          const slot = { start: plusLocalDays(firstStart, 7 * i, lab.zone), end: plusLocalDays(firstEnd, 7 * i, lab.zone) };
          for (const machineId of body.machineIds) {
            try {
              created.push(
                await bookForManager(tx, actor, machines.get(machineId)!, lab, slot, { purpose: body.purpose, note: body.note ?? body.title, seriesId }, now, {
                  savepoint: skip,
                }),
              );
            } catch (err) {
              if (!skip || !(err instanceof DomainError)) throw err;
              skipped.push({ machineId, start: slot.start.toISOString(), end: slot.end.toISOString(), code: err.code });
            }
          }
        }
        await core.audit.write(tx, [
          {
            actorId: actor.id,
            action: 'series.create',
            entityType: 'series',
            entityId: seriesId,
            labId,
            details: { title: body.title, machineIds: body.machineIds, count: body.repeat.count, created: created.length, skipped: skipped.length },
          },
          ...created.map((r) => transitions.createdAudit(actor.id, r)),
        ]);
        return { seriesId, created, skipped };
      });
      const owner = await repo.ownerOf(actor.id);
      return { seriesId, created: created.map((r) => toApiBooking(r, owner)), skipped };
    },

    /** Cancels a series' occurrences from `from` on (default: every future one). */
    async cancelSeries(actor: Actor, seriesId: string, body: SeriesCancelBody): Promise<{ cancelled: Booking[] }> {
      const now = clock.now();
      const series = await repo.findSeries(seriesId);
      if (!series) throw notFound('Series');
      if (!can(actor, 'booking.decide', series)) {
        if (can(actor, 'lab.read_records', series)) throw forbidden('Only this lab’s managers may cancel a series');
        throw notFound('Series');
      }
      // Occurrences that already started are history (used, or no-shows), not cancellable.
      const requested = body.from ? new Date(body.from) : now;
      const from = requested > now ? requested : now;
      const rows = await core.transaction(async (tx) => {
        const targets = await repo.lockSeriesOccurrences(seriesId, from, tx);
        const updated = await transitions.cancelRows(tx, targets, { by: actor.id, reason: SYSTEM_REASONS.seriesCancelled, cause: 'series', details: { seriesId } });
        await core.audit.write(tx, {
          actorId: actor.id,
          action: 'series.cancel',
          entityType: 'series',
          entityId: seriesId,
          labId: series.labId,
          details: { from: from.toISOString(), cancelled: updated.length },
        });
        return updated;
      });
      return { cancelled: await core.viewWithOwners(rows) };
    },
  };
}

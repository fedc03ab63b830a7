// A member's (or a manager's) booking: asking for a slot, and moving it or editing its note.
import type { Booking, CreateBookingBody, UpdateBookingBody } from '@fablab/shared';
import { forbidden, notFound, unauthorized } from '../../lib/errors.js';
import { can, type Actor } from '../../plugins/policy.js';
import type { BookingCore } from './booking-core.js';
import { checkBookingRules, isOverlapError, bookingConflict, loadSubject, occupiedUntil, refuseAfterCutoff, type BookingSubject } from './booking-rules.js';
import { bookingFor, toApiBooking } from './booking-view.js';
import type { BookingRow, NewBookingRow } from './bookings.repository.js';

export function createBookingRequests(core: BookingCore, visibleBooking: (actor: Actor, id: string) => Promise<BookingRow>) {
  const { repo, transitions, clock } = core;

  return {
    async create(actor: Actor, body: CreateBookingBody): Promise<Booking> {
      const now = clock.now();
      const start = new Date(body.start);
      const end = new Date(body.end);
      const row = await core.transaction(async (tx) => {
        const machine = await repo.lockMachine(body.machineId, tx);
        if (!machine) throw notFound('Machine');
        const actorManages = can(actor, 'booking.decide', { labId: machine.labId });
        const forSomeoneElse = body.userId !== undefined && body.userId !== actor.id;
        if (forSomeoneElse && !actorManages) throw forbidden('Only this lab’s managers may book for someone else');
        if (!forSomeoneElse && !can(actor, 'booking.for_self')) {
          throw forbidden('Department and administrator accounts do not book for themselves');
        }
        // The member's row is locked before anything is read of them: a deletion of the account
        // (which locks it first too) and this booking take turns, so none outlives its owner.
        const subjectId = forSomeoneElse ? body.userId! : actor.id;
        await repo.lockMember(subjectId, tx);
        const subject: BookingSubject = await loadSubject(tx, subjectId, machine.labId, {
          mustBeActive: true,
          forSelf: !forSomeoneElse,
          // The caller's own account was deleted or disabled while this request waited.
          gone: forSomeoneElse ? undefined : () => unauthorized('This sign-in is no longer valid'),
        });
        const lab = await core.labContext(tx, machine.labId);

        await checkBookingRules(tx, { machine, lab, subject, start, end }, now, core.certified);

        const approved = actorManages || !machine.requiresApproval;
        const values: NewBookingRow = {
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
          ...(approved
            ? { status: 'approved' as const, approvedAt: now, decidedAt: now, decidedBy: actorManages ? actor.id : null }
            : { status: 'pending' as const }),
        };
        return transitions.request(tx, actor.id, machine, values);
      });
      // Booking for oneself, the owner is the caller, whose name and email the sign-in already read.
      if (row.userId === actor.id) return toApiBooking(row, { userName: actor.fullName, userEmail: actor.email });
      return toApiBooking(row, await repo.ownerOf(row.userId));
    },

    /**
     * Moves a booking (same rules as a new one, the booking itself left out of conflicts and
     * quota) and/or edits its note. An approved booking of a machine that needs approval goes
     * back to pending, unless the lab's manager moved it.
     */
    async reschedule(actor: Actor, id: string, body: UpdateBookingBody): Promise<Booking> {
      const now = clock.now();
      const current = await visibleBooking(actor, id);
      const isManager = can(actor, 'booking.decide', current);
      if (!can(actor, 'booking.act', current)) throw forbidden('Only the owner or the lab’s managers may change a booking');
      const updated = await core.transaction(async (tx) => {
        // Machine first, then the booking: the order every other writer of both uses.
        const machine = (await repo.lockMachine(current.machineId, tx))!;
        const b = (await repo.lockBooking(id, tx))!;
        const start = body.start ? new Date(body.start) : b.startAt;
        const end = body.end ? new Date(body.end) : b.endAt;
        const moved = start.getTime() !== b.startAt.getTime() || end.getTime() !== b.endAt.getTime();
        const set: Partial<NewBookingRow> = {};
        if (body.note !== undefined) set.note = body.note;
        if (moved) {
          const lab = await core.labContext(tx, b.labId);
          // Moving a booking frees its slot as a cancel does: past the cut-off only the lab may.
          if (!isManager) refuseAfterCutoff(b, lab, now, 'moved');
          const subject = b.userId ? await loadSubject(tx, b.userId, b.labId, { mustBeActive: false }) : null;
          await checkBookingRules(tx, { machine, lab, subject, start, end, excludeBookingId: id }, now, core.certified);
          Object.assign(set, { startAt: start, endAt: end, occupiedUntil: occupiedUntil(machine, end) });
        }
        try {
          return await transitions.move(tx, actor.id, b, machine, {
            set,
            moved,
            backToPending: moved && b.status === 'approved' && machine.requiresApproval && !isManager,
          });
        } catch (err) {
          if (isOverlapError(err)) throw bookingConflict(machine.name);
          throw err;
        }
      });
      return bookingFor(actor, updated, await repo.ownerOf(updated.userId));
    },
  };
}

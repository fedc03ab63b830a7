// A booking's real use: its member (or the lab's manager) checks it in, which opens a usage
// session, and checks it out, which closes it; the status changes are the bookings' transitions.
import { labSettings, type BookingWithUsage, type CheckOutBody } from '@fablab/shared';
import type { Tx } from '../../db/client.js';
import { conflict, forbidden, notFound, unprocessable } from '../../lib/errors.js';
import { inTransaction } from '../../lib/transaction.js';
import { can, userManagesLab, type Actor } from '../../plugins/policy.js';
import { appendNote, endingNow, refuseOverlap, type UsageCore } from './usage-core.js';
import type { BookingRow, LabRow, MachineRow, SessionMember } from './usage.repository.js';
import { toApiUsage } from './usage-view.js';

export function createCheckInOut(core: UsageCore) {
  const { db, clock, audit, repo, bookings: bookingService } = core;

  async function bookingContext(bookingId: string): Promise<{ booking: BookingRow; machine: MachineRow; lab: LabRow }> {
    const row = await repo.findBookingWithMachineAndLab(bookingId);
    if (!row) throw notFound('Booking');
    return row;
  }

  /** The owner and the lab's managers act on a booking; others who may read it get 403, the rest 404. */
  function bookingRole(actor: Actor, booking: BookingRow): void {
    if (can(actor, 'booking.act', booking)) return;
    if (can(actor, 'booking.read', booking)) throw forbidden('Only the member or the lab’s managers may do this');
    throw notFound('Booking');
  }

  const ownerOf = (member: SessionMember | undefined) => (member ? { userName: member.fullName, userEmail: member.email } : undefined);

  /**
   * The machine's open session of someone else, closed as the next booking's member checks in:
   * a session of a booking whose time is over (they forgot to check out), or a walk-in (which
   * holds the machine only until the next slot). Another booking's session still in its time is
   * a real conflict and stays (USAGE_CONFLICT).
   */
  async function closeOverrun(tx: Tx, booking: BookingRow, now: Date): Promise<void> {
    const open = await repo.lockOpenSessionOnMachine(booking.machineId, tx);
    if (!open || open.session.bookingId === booking.id) return;
    if (open.bookingEnd && open.bookingEnd > now) return;
    const endAt = endingNow(open.session.startAt, now);
    await repo.updateSession(open.session.id, { endAt, closedBySystem: true }, tx);
    if (open.session.bookingId) {
      const previous = await bookingService.lock(open.session.bookingId, tx);
      if (previous?.status === 'checked_in') {
        await bookingService.transitions.checkOut(tx, null, previous, { usageSessionId: open.session.id, closedBySystem: true, closedFor: booking.id });
      }
    } else {
      await audit.write(tx, {
        actorId: null,
        action: 'usage.end',
        entityType: 'usage',
        entityId: open.session.id,
        labId: open.session.labId,
        details: { end: endAt.toISOString(), closedBySystem: true, closedFor: booking.id },
      });
    }
  }

  return {
    async checkIn(actor: Actor, bookingId: string): Promise<BookingWithUsage> {
      const now = clock.now();
      const { booking, machine, lab } = await bookingContext(bookingId);
      bookingRole(actor, booking);
      if (booking.status !== 'approved' || !booking.userId) {
        throw conflict('INVALID_STATE', `A ${booking.status} booking cannot be checked in`);
      }
      const settings = labSettings(lab.settings);
      if (now >= booking.endAt) throw unprocessable('CHECK_IN_WINDOW', 'The booking has already ended');
      // The window holds for managers too: a session opened weeks early would hold the machine, and
      // show it in use, until the booking's day.
      const opensAt = new Date(booking.startAt.getTime() - settings.checkInEarlyMinutes * 60_000);
      if (now < opensAt) {
        throw unprocessable('CHECK_IN_WINDOW', `Check-in opens ${settings.checkInEarlyMinutes} minutes before the start`);
      }
      if (machine.status !== 'available') throw unprocessable('MACHINE_UNAVAILABLE', 'The machine is out of service');
      // The managers' exemption holds at check-in as it did at booking: a class or series a
      // manager booked (and holds) is checked in without a certification of the manager's own.
      if (machine.requiresCertification && !(await userManagesLab(db, booking.userId, booking.labId))) {
        const valid = await core.certifications.hasValid(db, {
          userId: booking.userId,
          labId: booking.labId,
          machineType: machine.type,
          at: now,
          lapseMonths: settings.certificationLapseMonths,
        });
        if (!valid) throw forbidden('The member holds no valid certification for this machine type', 'CERTIFICATION_REQUIRED');
      }
      const owner = await repo.findMember(booking.userId);
      if (!owner) throw conflict('INVALID_STATE', 'The booking’s member no longer exists');

      const { updated, session } = await refuseOverlap(() =>
        inTransaction(db, async (tx) => {
          await closeOverrun(tx, booking, now);
          const updated = await bookingService.transitions.checkIn(tx, actor.id, booking, {});
          const session = await repo.insertSession(
            {
              machineId: booking.machineId,
              labId: booking.labId,
              bookingId: booking.id,
              userId: booking.userId,
              // The session is reported as its booking was (a class's is the group's).
              category: booking.category ?? owner.category,
              gender: booking.gender ?? owner.gender,
              purpose: booking.purpose,
              startAt: now,
              createdBy: actor.id,
              createdAt: now,
            },
            tx,
          );
          return { updated, session };
        }),
      );
      return {
        ...bookingService.view(updated, ownerOf(owner)),
        usageSession: toApiUsage(session, [], { show: true, userName: owner.fullName }),
      };
    },

    async checkOut(actor: Actor, bookingId: string, body: CheckOutBody): Promise<BookingWithUsage> {
      const now = clock.now();
      const { booking } = await bookingContext(bookingId);
      bookingRole(actor, booking);
      if (booking.status !== 'checked_in') {
        throw conflict('INVALID_STATE', `A ${booking.status} booking cannot be checked out`);
      }
      const { updated, session } = await inTransaction(db, async (tx) => {
        const open = await repo.lockOpenSessionOfBooking(booking.id, tx);
        if (!open) throw conflict('INVALID_STATE', 'The booking has no open usage session');
        const closed = await repo.updateSession(open.id, { endAt: endingNow(open.startAt, now), note: appendNote(open.note, body.note) }, tx);
        const materials = await core.recordMaterials(tx, actor, booking.labId, open.id, body.materials);
        const updated = await bookingService.transitions.checkOut(tx, actor.id, booking, { usageSessionId: open.id, materials });
        return { updated, session: closed! };
      });
      const owner = updated.userId ? await repo.findMember(updated.userId) : undefined;
      return { ...bookingService.view(updated, ownerOf(owner)), usageSession: await core.viewSession(session, actor) };
    },
  };
}

// What happens to a booking after it was asked for: a manager's decision, a cancellation by its
// owner or the lab, and the expiry of requests nobody decided.
import type { Booking, CancelBookingBody } from '@fablab/shared';
import { forbidden } from '../../lib/errors.js';
import { can, type Actor } from '../../plugins/policy.js';
import type { BookingCore } from './booking-core.js';
import { refuseAfterCutoff } from './booking-rules.js';
import { toApiBooking } from './booking-view.js';
import type { BookingRow } from './bookings.repository.js';

export function createBookingDecisions(core: BookingCore, visibleBooking: (actor: Actor, id: string) => Promise<BookingRow>) {
  const { repo, transitions, clock } = core;
  const withOwner = async (row: BookingRow) => toApiBooking(row, await repo.ownerOf(row.userId));

  return {
    async approve(actor: Actor, id: string): Promise<Booking> {
      const current = await visibleBooking(actor, id);
      if (!can(actor, 'booking.decide', current)) throw forbidden('Only this lab’s managers may approve bookings');
      const row = await core.transaction(async (tx) => transitions.approve(tx, actor.id, (await repo.lockBooking(id, tx))!));
      return withOwner(row);
    },

    async reject(actor: Actor, id: string, reason: string): Promise<Booking> {
      const current = await visibleBooking(actor, id);
      if (!can(actor, 'booking.decide', current)) throw forbidden('Only this lab’s managers may reject bookings');
      const row = await core.transaction(async (tx) => transitions.reject(tx, actor.id, (await repo.lockBooking(id, tx))!, reason));
      return withOwner(row);
    },

    async cancel(actor: Actor, id: string, body: CancelBookingBody): Promise<Booking> {
      const now = clock.now();
      const current = await visibleBooking(actor, id);
      const isManager = can(actor, 'booking.decide', current);
      if (!can(actor, 'booking.act', current)) throw forbidden('Only the owner or the lab’s managers may cancel');
      const reason = body.reason?.trim() || null;
      const row = await core.transaction(async (tx) => {
        const b = (await repo.lockBooking(id, tx))!;
        if (!isManager && (b.status === 'pending' || b.status === 'approved')) {
          refuseAfterCutoff(b, await core.labContext(tx, b.labId), now, 'cancelled');
        }
        return transitions.cancel(tx, actor.id, b, reason, isManager && b.userId !== actor.id ? 'manager' : 'owner');
      });
      return withOwner(row);
    },

    /** Pending bookings nobody decided by their start become expired and free their slot. */
    async expirePending(now: Date): Promise<{ expired: number }> {
      const rows = await core.transaction((tx) => transitions.expire(tx, now));
      return { expired: rows.length };
    },
  };
}

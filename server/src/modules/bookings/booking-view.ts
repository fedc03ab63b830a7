// A booking as the API shows it, and as a given caller may read it (Decree 13: names, member ids
// and free text only for those the policy allows).
import type { Booking } from '@fablab/shared';
import { can, type Actor } from '../../plugins/policy.js';
import type { BookingRow } from './bookings.repository.js';

export interface Owner {
  userName: string | null;
  userEmail: string | null;
  /** Whether the member is under 16, where it was read (shown only to the lab's managers). */
  under16?: boolean | null;
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
    ...(typeof owner?.under16 === 'boolean' ? { under16: owner.under16 } : {}),
  };
}

/** A booking as this caller may read it: the one place that applies the policy's field rules to bookings. */
export function bookingFor(actor: Actor, row: BookingRow, owner?: Owner): Booking {
  const shown = can(actor, 'person.see_name', row) ? owner : undefined;
  const booking = toApiBooking(
    row,
    shown && { userName: shown.userName, userEmail: shown.userEmail, under16: can(actor, 'person.see_minor', row) ? shown.under16 : undefined },
  );
  return can(actor, 'person.see_personal_data', row) ? booking : { ...booking, userId: null, note: null, reason: null };
}

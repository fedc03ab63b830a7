// The bookings module's Booking view, with the owner looked up by name, for the answers of this
// slice: check-in, check-out and the bookings a maintenance window cancelled.
import type { Booking } from '@fablab/shared';
import { toApiBooking as bookingView } from '../bookings/bookings.service.js';
import { eq, inArray } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { bookings, users } from '../../db/schema/index.js';

export type BookingRow = typeof bookings.$inferSelect;

export interface PersonName {
  fullName: string;
  email: string | null;
}

/** `owner` is given only where the caller may see the member's name (owner, lab's managers, admins). */
export function toApiBooking(row: BookingRow, owner?: PersonName | null): Booking {
  if (owner === undefined) return bookingView(row);
  return bookingView(row, { userName: owner?.fullName ?? null, userEmail: owner?.email ?? null });
}

/** The names of the members who own these bookings, by user id. */
export async function ownerNames(db: DbOrTx, rows: Array<{ userId: string | null }>): Promise<Map<string, PersonName>> {
  const ids = [...new Set(rows.map((r) => r.userId).filter((id): id is string => id !== null))];
  if (ids.length === 0) return new Map();
  const found = await db.select({ id: users.id, fullName: users.fullName, email: users.email }).from(users).where(inArray(users.id, ids));
  return new Map(found.map((u) => [u.id, { fullName: u.fullName, email: u.email }]));
}

export async function findBookingRow(db: DbOrTx, bookingId: string): Promise<BookingRow | undefined> {
  const [row] = await db.select().from(bookings).where(eq(bookings.id, bookingId));
  return row;
}

// Rows inserted straight into the database, so these suites need nothing from the bookings slice.
import type { TestContext } from '../helpers/app.js';
import { bookings, certifications, usageSessions } from '../../src/db/schema/index.js';

type BookingStatus = (typeof bookings.$inferInsert)['status'];

export async function insertBooking(
  ctx: TestContext,
  input: {
    machine: { id: string; labId: string; bufferMinutes?: number };
    userId: string | null;
    start: string;
    end: string;
    status?: BookingStatus;
    purpose?: (typeof bookings.$inferInsert)['purpose'];
  },
) {
  const startAt = new Date(input.start);
  const endAt = new Date(input.end);
  const [row] = await ctx.db
    .insert(bookings)
    .values({
      machineId: input.machine.id,
      labId: input.machine.labId,
      userId: input.userId,
      startAt,
      endAt,
      occupiedUntil: new Date(endAt.getTime() + (input.machine.bufferMinutes ?? 0) * 60_000),
      status: input.status ?? 'approved',
      purpose: input.purpose ?? 'personal_project',
      createdBy: input.userId,
    })
    .returning();
  return row!;
}

export async function insertSession(
  ctx: TestContext,
  input: { machine: { id: string; labId: string }; userId?: string | null; start: string; end: string | null; bookingId?: string },
) {
  const [row] = await ctx.db
    .insert(usageSessions)
    .values({
      machineId: input.machine.id,
      labId: input.machine.labId,
      userId: input.userId ?? null,
      bookingId: input.bookingId ?? null,
      guestName: input.userId ? null : 'Khách',
      category: 'community',
      startAt: new Date(input.start),
      endAt: input.end ? new Date(input.end) : null,
    })
    .returning();
  return row!;
}

export async function insertCertification(
  ctx: TestContext,
  input: { userId: string; labId: string; machineType: string; grantedAt: string; expiresAt?: string; revokedAt?: string },
) {
  const [row] = await ctx.db
    .insert(certifications)
    .values({
      userId: input.userId,
      labId: input.labId,
      machineType: input.machineType,
      grantedAt: new Date(input.grantedAt),
      expiresAt: input.expiresAt ? new Date(input.expiresAt) : null,
      revokedAt: input.revokedAt ? new Date(input.revokedAt) : null,
    })
    .returning();
  return row!;
}

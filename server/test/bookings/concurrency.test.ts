import { and, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bookings } from '../../src/db/schema/index.js';
import { createTestContext, fixedClock, type TestContext } from '../helpers/app.js';
import { NOW, book, local, setupLab } from './fixtures.js';

describe('racing for one slot', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext({ clock: fixedClock(NOW) });
  });
  afterAll(() => ctx.close());

  it('gives the slot to exactly one of 50 members asking at once; the others get 409 BOOKING_CONFLICT', async () => {
    const s = await setupLab(ctx, { machine: { bufferMinutes: 15 } });
    const members = await Promise.all(Array.from({ length: 50 }, () => ctx.createUser()));
    // Overlapping but not identical requests, so the buffer and the range logic both take part.
    const responses = await Promise.all(
      members.map((m, i) =>
        book(ctx, m, {
          machineId: s.machine.id,
          start: local(i % 2 ? '2026-06-02T09:00' : '2026-06-02T09:30'),
          end: local(i % 2 ? '2026-06-02T10:00' : '2026-06-02T10:30'),
        }),
      ),
    );
    const codes = responses.map((r) => r.statusCode);
    expect(codes.filter((c) => c >= 500)).toEqual([]);
    expect(codes.filter((c) => c === 201)).toHaveLength(1);
    expect(codes.filter((c) => c === 409)).toHaveLength(49);
    for (const r of responses.filter((x) => x.statusCode === 409)) expect(r.json().code).toBe('BOOKING_CONFLICT');
    const active = await ctx.db
      .select()
      .from(bookings)
      .where(
        and(eq(bookings.machineId, s.machine.id), inArray(bookings.status, ['pending', 'approved', 'checked_in'])),
      );
    expect(active).toHaveLength(1);
  });

  it('lets 20 racing requests for 20 different slots all succeed', async () => {
    const s = await setupLab(ctx, { machine: { slotMinutes: 15, minMinutes: 15 } });
    const members = await Promise.all(Array.from({ length: 20 }, () => ctx.createUser()));
    const responses = await Promise.all(
      members.map((m, i) => {
        const start = new Date(new Date(local('2026-06-02T09:00')).getTime() + i * 15 * 60_000);
        return book(ctx, m, {
          machineId: s.machine.id,
          start: start.toISOString(),
          end: new Date(start.getTime() + 15 * 60_000).toISOString(),
        });
      }),
    );
    expect(responses.map((r) => r.statusCode)).toEqual(Array(20).fill(201));
  });

  it('counts one member’s racing requests against the weekly quota one after the other', async () => {
    const s = await setupLab(ctx, { settings: { weeklyQuotaHours: 3 } });
    const machines = await Promise.all(Array.from({ length: 10 }, () => ctx.createMachine(s.lab.id)));
    const responses = await Promise.all(
      machines.map((m) =>
        book(ctx, s.member, { machineId: m.id, start: local('2026-06-02T09:00'), end: local('2026-06-02T10:00') }),
      ),
    );
    const codes = responses.map((r) => r.statusCode).sort();
    expect(codes).toEqual([...Array(3).fill(201), ...Array(7).fill(422)]);
    for (const r of responses.filter((x) => x.statusCode === 422)) expect(r.json().code).toBe('QUOTA_EXCEEDED');
  });
});

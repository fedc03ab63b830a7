import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, bookings, notifications } from '../../src/db/schema/index.js';
import { createTestContext, fixedClock, type TestContext } from '../helpers/app.js';
import { NOW, act, book, local, setupLab } from './fixtures.js';

describe('the expire-pending-bookings job', () => {
  let ctx: TestContext;
  const clock = fixedClock(NOW);
  beforeAll(async () => {
    ctx = await createTestContext({ clock });
  });
  afterAll(() => ctx.close());

  it('expires pending bookings nobody decided by their start, tells the owner and frees the slot', async () => {
    const s = await setupLab(ctx, { machine: { requiresApproval: true } });
    const undecided = (
      await book(ctx, s.member, {
        machineId: s.machine.id,
        start: local('2026-06-02T09:00'),
        end: local('2026-06-02T11:00'),
      })
    ).json();
    const later = (
      await book(ctx, s.other, {
        machineId: s.machine.id,
        start: local('2026-06-02T13:00'),
        end: local('2026-06-02T14:00'),
      })
    ).json();
    const approved = (
      await book(ctx, s.manager, {
        machineId: s.machine.id,
        start: local('2026-06-02T08:00'),
        end: local('2026-06-02T09:00'),
        userId: s.other.id,
      })
    ).json();
    expect([undecided.status, later.status, approved.status]).toEqual(['pending', 'pending', 'approved']);

    clock.set(local('2026-06-02T08:59'));
    expect(await ctx.app.jobs.run('expire-pending-bookings')).toEqual({ expired: 0 });

    clock.set(local('2026-06-02T09:00'));
    expect(await ctx.app.jobs.run('expire-pending-bookings')).toEqual({ expired: 1 });
    const status = async (id: string) => (await ctx.db.select().from(bookings).where(eq(bookings.id, id)))[0]!.status;
    expect(await status(undecided.id)).toBe('expired');
    expect(await status(later.id)).toBe('pending');
    expect(await status(approved.id)).toBe('approved');

    const told = await ctx.db
      .select()
      .from(notifications)
      .where(and(eq(notifications.userId, s.member.id), eq(notifications.kind, 'booking_expired')));
    expect(told).toHaveLength(1);
    expect(told[0]!.data).toMatchObject({
      bookingId: undecided.id,
      machineName: s.machine.name,
      labId: s.lab.id,
      start: undecided.start,
      end: undecided.end,
    });
    const audit = await ctx.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.entityId, undecided.id), eq(auditLog.action, 'booking.expire')));
    expect(audit).toEqual([expect.objectContaining({ actorId: null, labId: s.lab.id })]);

    // The rest of its time is free again, and an expired booking can no longer be approved.
    expect(
      (
        await book(ctx, s.other, {
          machineId: s.machine.id,
          start: local('2026-06-02T10:00'),
          end: local('2026-06-02T11:00'),
        })
      ).statusCode,
    ).toBe(201);
    expect((await act(ctx, s.manager, 'POST', `/api/bookings/${undecided.id}/approve`)).json().code).toBe(
      'INVALID_STATE',
    );
    // Running again finds nothing more to do.
    expect(await ctx.app.jobs.run('expire-pending-bookings')).toEqual({ expired: 0 });
  });
});

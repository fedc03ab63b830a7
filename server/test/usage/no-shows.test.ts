import { and, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { auditLog, bookings, notifications } from '../../src/db/schema/index.js';
import { markNoShows } from '../../src/modules/usage/usage.jobs.js';
import { createTestContext, fixedClock, testConfig, type TestContext } from '../helpers/app.js';
import { insertBooking } from './fixtures.js';

const local = (hhmm: string, day = '2026-03-02') => new Date(`${day}T${hhmm}:00+07:00`).toISOString();

describe('no-shows', () => {
  const clock = fixedClock(local('08:00'));
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext({ clock });
  });
  afterAll(() => ctx.close());

  it('marks an approved booking not checked in by its start plus the grace period, tells the owner and frees the slot', async () => {
    const lab = await ctx.createLab({ settings: { noShowGraceMinutes: 15 } });
    const machine = await ctx.createMachine(lab.id);
    const member = await ctx.createUser();
    const late = await insertBooking(ctx, { machine, userId: member.id, start: local('10:00'), end: local('12:00') });
    const checkedIn = await insertBooking(ctx, { machine: await ctx.createMachine(lab.id), userId: member.id, start: local('10:00'), end: local('12:00') });
    const pending = await insertBooking(ctx, { machine: await ctx.createMachine(lab.id), userId: member.id, start: local('10:00'), end: local('12:00'), status: 'pending' });
    const later = await insertBooking(ctx, { machine, userId: member.id, start: local('13:00'), end: local('14:00') });

    clock.set(local('10:00'));
    expect((await ctx.injectAs(member, { method: 'POST', url: `/api/bookings/${checkedIn.id}/check-in` })).statusCode).toBe(200);

    clock.set(local('10:14'));
    expect(await ctx.app.jobs.run('mark-no-shows')).toMatchObject({ marked: 0 });

    clock.set(local('10:15'));
    const result = (await ctx.app.jobs.run('mark-no-shows')) as { bookingIds: string[] };
    expect(result.bookingIds).toEqual([late.id]);
    const rows = await ctx.db.select().from(bookings).where(inArray(bookings.id, [late.id, checkedIn.id, pending.id, later.id]));
    const status = new Map(rows.map((r) => [r.id, r.status]));
    expect(status.get(late.id)).toBe('no_show');
    expect(status.get(checkedIn.id)).toBe('checked_in');
    expect(status.get(pending.id)).toBe('pending');
    expect(status.get(later.id)).toBe('approved');

    const told = await ctx.db.select().from(notifications).where(and(eq(notifications.userId, member.id), eq(notifications.kind, 'booking_no_show')));
    expect(told).toHaveLength(1);
    expect(told[0]!.data).toMatchObject({ bookingId: late.id, machineId: machine.id, labId: lab.id, start: local('10:00') });

    // The rest of its time is free again: another member's booking may take it.
    const other = await ctx.createUser();
    await expect(insertBooking(ctx, { machine, userId: other.id, start: local('10:30'), end: local('12:00') })).resolves.toBeTruthy();

    // Too late to check in now.
    const refused = await ctx.injectAs(member, { method: 'POST', url: `/api/bookings/${late.id}/check-in` });
    expect(refused.json().code).toBe('INVALID_STATE');
    expect(await ctx.app.jobs.run('mark-no-shows')).toMatchObject({ marked: 0 });
  });

  it('uses each lab’s own grace period', async () => {
    const strict = await ctx.createLab({ settings: { noShowGraceMinutes: 0 } });
    const relaxed = await ctx.createLab({ settings: { noShowGraceMinutes: 60 } });
    const member = await ctx.createUser();
    const a = await insertBooking(ctx, { machine: await ctx.createMachine(strict.id), userId: member.id, start: local('09:00', '2026-03-03'), end: local('10:00', '2026-03-03') });
    const b = await insertBooking(ctx, { machine: await ctx.createMachine(relaxed.id), userId: member.id, start: local('09:00', '2026-03-03'), end: local('10:00', '2026-03-03') });
    clock.set(local('09:30', '2026-03-03'));
    const result = (await ctx.app.jobs.run('mark-no-shows')) as { bookingIds: string[] };
    expect(result.bookingIds).toContain(a.id);
    expect(result.bookingIds).not.toContain(b.id);
  });
});

describe('no-shows with two server processes on one PostgreSQL', () => {
  const clock = fixedClock(local('08:00', '2026-03-04'));
  let ctx: TestContext;
  let second: Awaited<ReturnType<typeof buildApp>>;
  beforeAll(async () => {
    ctx = await createTestContext({ clock });
    second = await buildApp({ config: testConfig(), database: ctx.database, clock });
    await second.ready();
  });
  afterAll(async () => {
    await second.close();
    await ctx.close();
  });

  async function dueBookings(n: number, day: string) {
    const lab = await ctx.createLab();
    const member = await ctx.createUser();
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      const machine = await ctx.createMachine(lab.id);
      ids.push((await insertBooking(ctx, { machine, userId: member.id, start: local('09:00', day), end: local('10:00', day) })).id);
    }
    return { ids, member };
  }

  async function expectMarkedOnce(ids: string[], userId: string) {
    const rows = await ctx.db.select().from(bookings).where(inArray(bookings.id, ids));
    expect(rows.every((r) => r.status === 'no_show')).toBe(true);
    const told = await ctx.db.select().from(notifications).where(and(eq(notifications.userId, userId), eq(notifications.kind, 'booking_no_show')));
    expect(told).toHaveLength(ids.length);
    expect(new Set(told.map((n) => n.data.bookingId)).size).toBe(ids.length);
    const audits = await ctx.db.select().from(auditLog).where(and(inArray(auditLog.entityId, ids), eq(auditLog.action, 'booking.no_show')));
    expect(audits).toHaveLength(ids.length);
  }

  it('marks each booking once when both run the job at the same moment', async () => {
    const { ids, member } = await dueBookings(30, '2026-03-04');
    clock.set(local('09:30', '2026-03-04'));
    const results = (await Promise.all([ctx.app.jobs.run('mark-no-shows'), second.jobs.run('mark-no-shows')])) as Array<{ marked?: number; skipped?: boolean }>;
    expect(results.reduce((sum, r) => sum + (r.marked ?? 0), 0)).toBe(30);
    await expectMarkedOnce(ids, member.id);
  });

  it('marks each booking once even without the job lock, by its conditional UPDATE … RETURNING', async () => {
    const { ids, member } = await dueBookings(30, '2026-03-05');
    const now = new Date(local('09:30', '2026-03-05'));
    const results = await Promise.all([markNoShows(ctx.app, now), markNoShows(second, now), markNoShows(second, now)]);
    expect(results.reduce((sum, r) => sum + r.marked, 0)).toBe(30);
    const claimed = results.flatMap((r) => r.bookingIds);
    expect(new Set(claimed).size).toBe(claimed.length);
    await expectMarkedOnce(ids, member.id);
  });
});

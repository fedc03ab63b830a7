// Promises that broke at the seams between bookings, usage and accounts (issue 13: items 1, 4, 5
// and 8), each through the API as members and managers meet them.
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bookings, machines, notifications, usageSessions } from '../../src/db/schema/index.js';
import { createTestContext, fixedClock, TEST_PASSWORD, type TestContext } from '../helpers/app.js';
import { insertBooking, insertSession } from './fixtures.js';

// Monday 4 March 2030 in the lab's zone (opening hours 08:00–17:00 on weekdays).
const local = (hhmm: string, day = '2030-03-04') => new Date(`${day}T${hhmm}:00+07:00`).toISOString();

describe('lifecycle seams', () => {
  const clock = fixedClock(local('08:00'));
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext({ clock });
  });
  afterAll(() => ctx.close());

  async function world(machine: Partial<typeof machines.$inferInsert> = {}) {
    const lab = await ctx.createLab();
    const laser = await ctx.createMachine(lab.id, { name: 'Laser CO2', ...machine });
    const manager = await ctx.createUser({ role: 'manager', manages: [lab.id] });
    return { lab, laser, manager };
  }

  it('closes a session that ran over when the next booking’s member checks in, and marks nobody no-show for it (4)', async () => {
    clock.set(local('09:00'));
    const { laser } = await world();
    const a = await ctx.createUser();
    const b = await ctx.createUser();
    const first = await insertBooking(ctx, { machine: laser, userId: a.id, start: local('09:00'), end: local('10:00') });
    const next = await insertBooking(ctx, { machine: laser, userId: b.id, start: local('10:00'), end: local('11:00') });
    expect((await ctx.injectAs(a, { method: 'POST', url: `/api/bookings/${first.id}/check-in` })).statusCode).toBe(200);

    // A forgets to check out; B arrives on time.
    clock.set(local('10:02'));
    const checkIn = await ctx.injectAs(b, { method: 'POST', url: `/api/bookings/${next.id}/check-in` });
    expect(checkIn.statusCode).toBe(200);
    expect(checkIn.json()).toMatchObject({ status: 'checked_in', usageSession: { start: local('10:02') } });
    const [aSession] = await ctx.db.select().from(usageSessions).where(eq(usageSessions.bookingId, first.id));
    expect(aSession).toMatchObject({ endAt: new Date(local('10:02')), closedBySystem: true });
    expect((await ctx.db.select().from(bookings).where(eq(bookings.id, first.id)))[0]!.status).toBe('completed');

    clock.set(local('10:30'));
    await ctx.app.jobs.runAll();
    expect((await ctx.db.select().from(bookings).where(eq(bookings.id, next.id)))[0]!.status).toBe('checked_in');
    const told = await ctx.db.select().from(notifications).where(and(eq(notifications.userId, b.id), eq(notifications.kind, 'booking_no_show')));
    expect(told).toEqual([]);
  });

  it('marks nobody no-show while someone else’s session kept them from the machine (4)', async () => {
    clock.set(local('09:00'));
    const { laser } = await world();
    const b = await ctx.createUser();
    // A visitor at the machine from 09:50 with no end recorded; B's booking at 10:00 never checks in.
    await insertSession(ctx, { machine: laser, userId: null, start: local('09:50'), end: null });
    const blocked = await insertBooking(ctx, { machine: laser, userId: b.id, start: local('10:00'), end: local('11:00') });
    clock.set(local('10:30'));
    await ctx.app.jobs.run('mark-no-shows');
    expect((await ctx.db.select().from(bookings).where(eq(bookings.id, blocked.id)))[0]!.status).toBe('approved');
  });

  it('checks in a manager’s class on a machine that needs certification: the managers’ exemption holds at check-in (5)', async () => {
    clock.set(local('08:00'));
    const { lab, laser, manager } = await world({ requiresCertification: true, maxMinutes: 240 });
    const created = await ctx.injectAs(manager, {
      method: 'POST',
      url: '/api/bookings/class',
      payload: { labId: lab.id, machineIds: [laser.id], start: local('09:00'), end: local('11:00'), title: 'Lớp STEM 7A', participants: 24 },
    });
    expect(created.statusCode).toBe(201);
    const bookingId = created.json().bookings[0].id;
    clock.set(local('09:00'));
    const checkIn = await ctx.injectAs(manager, { method: 'POST', url: `/api/bookings/${bookingId}/check-in` });
    expect(checkIn.statusCode).toBe(200);
    expect(checkIn.json().status).toBe('checked_in');
  });

  it('holds the machine of an open walk-in on the calendar and against a booking of the same time (8)', async () => {
    clock.set(local('09:00'));
    const { laser, manager } = await world();
    const maker = await ctx.createUser();
    const walkIn = await ctx.injectAs(manager, { method: 'POST', url: '/api/usage', payload: { machineId: laser.id, start: local('08:50'), guest: { name: 'Khách', category: 'community' } } });
    expect(walkIn.statusCode).toBe(201);

    const free = await ctx.app.inject({ method: 'GET', url: `/api/machines/${laser.id}/availability?from=${local('08:00')}&to=${local('12:00')}` });
    expect(free.json().busy).toContainEqual({ start: local('08:50'), end: local('09:30'), kind: 'booking' });

    const same = await ctx.injectAs(maker, { method: 'POST', url: '/api/bookings', payload: { machineId: laser.id, start: local('09:00'), end: local('09:30'), purpose: 'personal_project' } });
    expect(same.statusCode).toBe(409);
    expect(same.json().code).toBe('BOOKING_CONFLICT');
    // The next slot is the walk-in's to give up: its member checks in and the walk-in closes.
    const next = await ctx.injectAs(maker, { method: 'POST', url: '/api/bookings', payload: { machineId: laser.id, start: local('09:30'), end: local('10:00'), purpose: 'personal_project' } });
    expect(next.statusCode).toBe(201);
  });

  it('records the next visitor from the minute the previous walk-in ended (8)', async () => {
    clock.set(local('10:00'));
    const { laser, manager } = await world();
    const first = await ctx.injectAs(manager, { method: 'POST', url: '/api/usage', payload: { machineId: laser.id, start: local('10:00'), guest: { name: 'Khách A', category: 'community' } } });
    expect(first.statusCode).toBe(201);
    clock.set(new Date(new Date(local('10:05')).getTime() + 37_000));
    expect((await ctx.injectAs(manager, { method: 'POST', url: `/api/usage/${first.json().id}/end`, payload: {} })).statusCode).toBe(200);
    const second = await ctx.injectAs(manager, { method: 'POST', url: '/api/usage', payload: { machineId: laser.id, start: local('10:05'), guest: { name: 'Khách B', category: 'community' } } });
    expect(second.statusCode).toBe(201);
    expect(second.json().start).toBe(new Date(new Date(local('10:05')).getTime() + 37_000).toISOString());
  });

  it('never leaves a booking owned by a deleted account: deletion and booking take turns on the member (1)', async () => {
    clock.set(local('08:00'));
    const { laser } = await world();
    const member = await ctx.createUser();
    // Hold the machine, so that the booking request waits after its sign-in was checked.
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let taken!: () => void;
    const lockTaken = new Promise<void>((resolve) => (taken = resolve));
    const holder = ctx.db.transaction(async (tx) => {
      await tx.select({ id: machines.id }).from(machines).where(eq(machines.id, laser.id)).for('update');
      taken();
      await released;
    });
    await lockTaken;
    const booking = ctx.injectAs(member, {
      method: 'POST',
      url: '/api/bookings',
      payload: { machineId: laser.id, start: local('14:00'), end: local('15:00'), purpose: 'personal_project' },
    });
    // Wait until the request is waiting on the machine's lock (no fixed pause).
    for (;;) {
      const { rows } = await ctx.database.pool.query<{ n: number }>(
        "select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'",
      );
      if (rows[0]!.n > 0) break;
      await new Promise((resolve) => setImmediate(resolve));
    }
    const deleted = await ctx.injectAs(member, { method: 'DELETE', url: '/api/me', payload: { currentPassword: TEST_PASSWORD } });
    expect(deleted.statusCode).toBe(204);
    release();
    await holder;
    const answer = await booking;
    expect(answer.statusCode).toBe(401);
    const left = await ctx.db
      .select({ n: sql<number>`count(*)::int` })
      .from(bookings)
      .where(and(eq(bookings.userId, member.id), sql`${bookings.status} in ('pending', 'approved')`));
    expect(left[0]!.n).toBe(0);
  });
});

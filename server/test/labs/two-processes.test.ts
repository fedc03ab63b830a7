// Two server processes on one database, each with its own cache of the labs' rules. A change of a
// lab on one (a closure, opening hours, settings) binds a booking on the other at once: the
// booking's transaction checks the lab's version, so nothing waits on the change notice, which
// here is held back altogether (the other process hears of nothing).
import { and, eq, gte, inArray, lt } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type App } from '../../src/app.js';
import { connect, type Database } from '../../src/db/client.js';
import { bookings } from '../../src/db/schema/index.js';
import { fixedClock } from '../../src/lib/clock.js';
import { createTestContext, testConfig, type TestContext, type TestUser } from '../helpers/app.js';
import { NOW, local } from '../bookings/fixtures.js';

describe('a lab changed on one server process binds bookings on another at once', () => {
  let ctx: TestContext;
  /** The second process: its own pool, its own LabEvents and caches. */
  let b: { app: App; db: Database };
  /** Change notices process A sent, kept from process B. */
  const held: string[] = [];

  beforeAll(async () => {
    ctx = await createTestContext({ clock: fixedClock(NOW) });
    const db = await connect({ databaseUrl: ctx.database.url, poolSize: 10 });
    const app = await buildApp({ config: testConfig({ databaseUrl: ctx.database.url }), database: db, clock: fixedClock(NOW) });
    await app.ready();
    b = { app, db };
    // Process A's notices never reach B: B learns of a change only from the database.
    ctx.app.labEvents.attachRelay({ send: (payload) => held.push(payload) });
  });
  afterAll(async () => {
    await b?.app.close();
    await b?.db.close();
    await ctx?.close();
  });

  const onA = (user: TestUser, method: 'POST' | 'PATCH', url: string, payload: unknown) => ctx.injectAs(user, { method, url, payload: payload as object });
  const bookOnB = (user: TestUser, body: { machineId: string; start: string; end: string }) =>
    b.app.inject({ method: 'POST', url: '/api/bookings', headers: { authorization: `Bearer ${user.token}` }, payload: { ...body, purpose: 'research' } });

  async function world() {
    const lab = await ctx.createLab();
    const manager = await ctx.createUser({ role: 'manager', manages: [lab.id] });
    const member = await ctx.createUser();
    const machine = await ctx.createMachine(lab.id);
    // B reads the lab's rules and keeps them.
    const warm = await bookOnB(member, { machineId: machine.id, start: local('2026-06-02T08:00'), end: local('2026-06-02T08:30') });
    expect(warm.statusCode).toBe(201);
    return { lab, manager, member, machine };
  }

  it('refuses a booking on B for a day A has just closed', async () => {
    const w = await world();
    const closure = await onA(w.manager, 'POST', `/api/labs/${w.lab.id}/closures`, { from: '2026-06-03', to: '2026-06-03', reason: 'Cúp điện' });
    expect(closure.statusCode).toBe(201);
    const res = await bookOnB(w.member, { machineId: w.machine.id, start: local('2026-06-03T09:00'), end: local('2026-06-03T10:00') });
    expect(res.statusCode).toBe(422);
    expect(res.json().code).toBe('OUTSIDE_OPENING_HOURS');
    // The day after is open as before.
    expect((await bookOnB(w.member, { machineId: w.machine.id, start: local('2026-06-04T09:00'), end: local('2026-06-04T10:00') })).statusCode).toBe(201);
    // Opened again on A: B books that day at once.
    const removed = await ctx.injectAs(w.manager, { method: 'DELETE', url: `/api/labs/${w.lab.id}/closures/${closure.json().id}` });
    expect(removed.statusCode).toBe(204);
    expect((await bookOnB(w.member, { machineId: w.machine.id, start: local('2026-06-03T09:00'), end: local('2026-06-03T10:00') })).statusCode).toBe(201);
  });

  it('refuses a booking on B outside the opening hours A has just shortened, and past the advance A has just shortened', async () => {
    const w = await world();
    const admin = await ctx.createUser({ role: 'admin' });
    const hours = await onA(admin, 'PATCH', `/api/labs/${w.lab.id}`, {
      openingHours: { mon: [['08:00', '17:00']], tue: [['08:00', '12:00']], wed: [['08:00', '17:00']], thu: [['08:00', '17:00']], fri: [['08:00', '17:00']], sat: [], sun: [] },
    });
    expect(hours.statusCode).toBe(200);
    const afternoon = await bookOnB(w.member, { machineId: w.machine.id, start: local('2026-06-09T14:00'), end: local('2026-06-09T15:00') });
    expect(afternoon.statusCode).toBe(422);
    expect(afternoon.json().code).toBe('OUTSIDE_OPENING_HOURS');

    const settings = await onA(admin, 'PATCH', `/api/labs/${w.lab.id}`, { settings: { maxAdvanceDays: 3 } });
    expect(settings.statusCode).toBe(200);
    const farAhead = await bookOnB(w.member, { machineId: w.machine.id, start: local('2026-06-10T09:00'), end: local('2026-06-10T10:00') });
    expect(farAhead.statusCode).toBe(422);
    expect(farAhead.json().code).toBe('TOO_FAR_AHEAD');
  });

  it('never leaves a slot-holding booking on a day closed while bookings for it raced in through B', async () => {
    const lab = await ctx.createLab();
    const manager = await ctx.createUser({ role: 'manager', manages: [lab.id] });
    const machines = await Promise.all(Array.from({ length: 4 }, () => ctx.createMachine(lab.id)));
    const members = await Promise.all(Array.from({ length: 4 }, () => ctx.createUser()));
    const warm = await bookOnB(members[0]!, { machineId: machines[0]!.id, start: local('2026-06-01T16:00'), end: local('2026-06-01T16:30') });
    expect(warm.statusCode).toBe(201);
    // Weekdays of the next weeks, one closure each, with bookings for that day sent just before,
    // with and just after it.
    const days = ['2026-06-02', '2026-06-03', '2026-06-04', '2026-06-05', '2026-06-08', '2026-06-09', '2026-06-10', '2026-06-11'];
    const cancelledByClosure = new Set<string>();
    const accepted: string[] = [];
    for (const day of days) {
      const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
      const racers = machines.map(async (machine, i) => {
        await pause(i * 4);
        const res = await bookOnB(members[i]!, { machineId: machine.id, start: local(`${day}T09:00`), end: local(`${day}T10:00`) });
        expect([201, 422], JSON.stringify(res.json())).toContain(res.statusCode);
        if (res.statusCode === 201) accepted.push(res.json().id);
        else expect(res.json().code).toBe('OUTSIDE_OPENING_HOURS');
      });
      const closing = (async () => {
        await pause(2);
        const res = await onA(manager, 'POST', `/api/labs/${lab.id}/closures`, { from: day, to: day, reason: 'Nghỉ đột xuất' });
        expect(res.statusCode).toBe(201);
        for (const c of (res.json().cancelledBookings ?? []) as Array<{ id: string }>) cancelledByClosure.add(c.id);
      })();
      await Promise.all([...racers, closing]);
    }
    const holding = await ctx.db
      .select({ id: bookings.id, start: bookings.startAt })
      .from(bookings)
      .where(
        and(
          eq(bookings.labId, lab.id),
          inArray(bookings.status, ['pending', 'approved', 'checked_in']),
          gte(bookings.startAt, new Date(local('2026-06-02T00:00'))),
          lt(bookings.startAt, new Date(local('2026-06-12T00:00'))),
        ),
      );
    expect(holding).toEqual([]);
    // Every booking that got in before its day closed was cancelled by that closure (and its owner told).
    for (const id of accepted) expect(cancelledByClosure.has(id)).toBe(true);
  });
});

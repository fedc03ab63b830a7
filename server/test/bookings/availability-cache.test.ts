// Calendars' availability answers are kept per process (availability-cache.ts). Every change of a
// lab that a calendar shows must reach the next answer at once, whichever module made it.
import type { LabAvailability } from '@fablab/shared';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type App } from '../../src/app.js';
import { connect, type Database } from '../../src/db/client.js';
import { createLabEvents } from '../../src/lib/events.js';
import { createLabCache } from '../../src/lib/lab-cache.js';
import { TEST_PASSWORD, WEEKDAY_HOURS, createTestContext, fixedClock, testConfig, type TestContext } from '../helpers/app.js';
import { NOW, act, book, local, setupLab } from './fixtures.js';

const tue = (hhmm: string) => local(`2026-06-02T${hhmm}`);
const DAY = `from=${tue('00:00')}&to=${local('2026-06-03T00:00')}`;

type Busy = LabAvailability['machines'][number]['busy'];

describe('availability answers kept between requests', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext({ clock: fixedClock(NOW) });
  });
  afterAll(() => ctx.close());

  async function labDay(labId: string): Promise<LabAvailability> {
    // Twice: the second answer comes from the cache when nothing changed in between.
    const first = await ctx.app.inject({ method: 'GET', url: `/api/labs/${labId}/availability?${DAY}` });
    const second = await ctx.app.inject({ method: 'GET', url: `/api/labs/${labId}/availability?${DAY}` });
    expect(first.statusCode).toBe(200);
    expect(first.headers['content-type']).toMatch(/^application\/json/);
    expect(second.body).toBe(first.body);
    return first.json();
  }
  const of = (answer: LabAvailability, machineId: string): Busy =>
    answer.machines.find((m) => m.machineId === machineId)?.busy ?? [];
  const kinds = (busy: Busy, kind: string) => busy.filter((b) => b.kind === kind).map((b) => [b.start, b.end]);

  it('shows a booking made, cancelled, and the bookings of a deleted account freed, at once', async () => {
    const s = await setupLab(ctx);
    expect(kinds(of(await labDay(s.lab.id), s.machine.id), 'booking')).toEqual([]);

    const made = await book(ctx, s.member, { machineId: s.machine.id, start: tue('09:00'), end: tue('10:00') });
    expect(made.statusCode).toBe(201);
    expect(kinds(of(await labDay(s.lab.id), s.machine.id), 'booking')).toEqual([[tue('09:00'), tue('10:00')]]);

    const cancelled = await act(ctx, s.member, 'POST', `/api/bookings/${made.json().id}/cancel`, {});
    expect(cancelled.statusCode).toBe(200);
    expect(kinds(of(await labDay(s.lab.id), s.machine.id), 'booking')).toEqual([]);

    expect((await book(ctx, s.other, { machineId: s.machine.id, start: tue('14:00'), end: tue('15:00') })).statusCode).toBe(201);
    expect(kinds(of(await labDay(s.lab.id), s.machine.id), 'booking')).toEqual([[tue('14:00'), tue('15:00')]]);
    const gone = await act(ctx, s.other, 'DELETE', '/api/me', { currentPassword: TEST_PASSWORD });
    expect(gone.statusCode).toBe(204);
    expect(kinds(of(await labDay(s.lab.id), s.machine.id), 'booking')).toEqual([]);
  });

  it('shows closures, opening hours, maintenance and machines changed through the API at once', async () => {
    const s = await setupLab(ctx);
    const admin = await ctx.createUser({ role: 'admin' });
    const open = of(await labDay(s.lab.id), s.machine.id);
    // Weekdays 08:00–17:00: closed before and after.
    expect(kinds(open, 'closed')).toEqual([
      [tue('00:00'), tue('08:00')],
      [tue('17:00'), local('2026-06-03T00:00')],
    ]);

    const closure = await act(ctx, s.manager, 'POST', `/api/labs/${s.lab.id}/closures`, {
      from: '2026-06-02',
      to: '2026-06-02',
      reason: 'Nghỉ lễ',
    });
    expect(closure.statusCode).toBe(201);
    expect(kinds(of(await labDay(s.lab.id), s.machine.id), 'closed')).toEqual([[tue('00:00'), local('2026-06-03T00:00')]]);
    const removed = await act(ctx, s.manager, 'DELETE', `/api/labs/${s.lab.id}/closures/${closure.json().id}`);
    expect(removed.statusCode).toBe(204);
    expect(kinds(of(await labDay(s.lab.id), s.machine.id), 'closed')).toHaveLength(2);

    const hours = await act(ctx, admin, 'PATCH', `/api/labs/${s.lab.id}`, {
      openingHours: { ...WEEKDAY_HOURS, tue: [['10:00', '12:00']] },
    });
    expect(hours.statusCode).toBe(200);
    expect(kinds(of(await labDay(s.lab.id), s.machine.id), 'closed')).toEqual([
      [tue('00:00'), tue('10:00')],
      [tue('12:00'), local('2026-06-03T00:00')],
    ]);

    const window = await act(ctx, s.manager, 'POST', `/api/machines/${s.machine.id}/maintenance`, {
      start: tue('10:00'),
      end: tue('11:00'),
      reason: 'Thay ống laser',
    });
    expect(window.statusCode).toBe(201);
    expect(kinds(of(await labDay(s.lab.id), s.machine.id), 'maintenance')).toEqual([[tue('10:00'), tue('11:00')]]);

    const created = await act(ctx, s.manager, 'POST', `/api/labs/${s.lab.id}/machines`, {
      name: 'Máy in 3D mới',
      type: 'fdm_printer',
      requiresApproval: false,
      requiresCertification: false,
      minMinutes: 30,
      maxMinutes: 240,
      slotMinutes: 30,
    });
    expect(created.statusCode).toBe(201);
    expect((await labDay(s.lab.id)).machines.map((m) => m.machineId)).toContain(created.json().id);
    const retired = await act(ctx, s.manager, 'PATCH', `/api/machines/${created.json().id}`, { status: 'retired' });
    expect(retired.statusCode).toBe(200);
    expect((await labDay(s.lab.id)).machines.map((m) => m.machineId)).not.toContain(created.json().id);
  });

  it('applies a lab’s new closures and opening hours to the very next booking (its kept lab context dropped)', async () => {
    const s = await setupLab(ctx);
    const admin = await ctx.createUser({ role: 'admin' });
    const slot = { machineId: s.machine.id, start: tue('09:00'), end: tue('10:00') };
    // A first booking loads and keeps the lab's context.
    expect((await book(ctx, s.member, { ...slot, start: tue('14:00'), end: tue('15:00') })).statusCode).toBe(201);

    const closure = await act(ctx, s.manager, 'POST', `/api/labs/${s.lab.id}/closures`, {
      from: '2026-06-02',
      to: '2026-06-02',
      reason: 'Mất điện',
    });
    expect(closure.statusCode).toBe(201);
    const refused = await book(ctx, s.member, slot);
    expect(refused.statusCode).toBe(422);
    expect(refused.json().code).toBe('OUTSIDE_OPENING_HOURS');
    expect((await act(ctx, s.manager, 'DELETE', `/api/labs/${s.lab.id}/closures/${closure.json().id}`)).statusCode).toBe(204);

    expect(
      (await act(ctx, admin, 'PATCH', `/api/labs/${s.lab.id}`, { openingHours: { ...WEEKDAY_HOURS, tue: [['10:00', '12:00']] } }))
        .statusCode,
    ).toBe(200);
    const early = await book(ctx, s.member, slot);
    expect(early.statusCode).toBe(422);
    expect(early.json().code).toBe('OUTSIDE_OPENING_HOURS');
    expect((await book(ctx, s.member, { ...slot, start: tue('10:00'), end: tue('11:00') })).statusCode).toBe(201);

    expect((await act(ctx, admin, 'PATCH', `/api/labs/${s.lab.id}`, { settings: { maxAdvanceDays: 0 } })).statusCode).toBe(200);
    const far = await book(ctx, s.member, { ...slot, start: tue('11:00'), end: tue('12:00') });
    expect(far.statusCode).toBe(422);
    expect(far.json().code).toBe('TOO_FAR_AHEAD');
  });

  it('keeps one machine’s answers apart from its lab’s and refreshes both', async () => {
    const s = await setupLab(ctx);
    const url = `/api/machines/${s.machine.id}/availability?${DAY}`;
    const before = await ctx.app.inject({ method: 'GET', url });
    expect(before.statusCode).toBe(200);
    expect(before.json().busy.filter((b: { kind: string }) => b.kind === 'booking')).toEqual([]);
    await labDay(s.lab.id);
    expect((await book(ctx, s.member, { machineId: s.machine.id, start: tue('09:00'), end: tue('10:00') })).statusCode).toBe(201);
    const after = await ctx.app.inject({ method: 'GET', url });
    expect(after.json().busy.filter((b: { kind: string }) => b.kind === 'booking')).toHaveLength(1);
    expect(kinds(of(await labDay(s.lab.id), s.machine.id), 'booking')).toHaveLength(1);
  });
});

describe('the lab cache itself', () => {
  const deferred = () => {
    let resolve!: (value: unknown) => void;
    const promise = new Promise<unknown>((r) => (resolve = r));
    return { promise, resolve };
  };

  it('does not keep an answer computed while its lab changed, nor after a resync', async () => {
    const events = createLabEvents();
    const cache = createLabCache<unknown>({ events, maxEntries: 10, ttlMs: 60_000 });
    let computed = 0;
    const slow = deferred();
    const racing = cache.get('lab-a', 'k', async () => {
      computed++;
      return slow.promise;
    });
    events.publish({ labId: 'lab-a', kind: 'booking' });
    slow.resolve({ v: 'before the change' });
    expect(await racing).toEqual({ v: 'before the change' });
    // Not kept: the next read computes again.
    expect(await cache.get('lab-a', 'k', async () => (computed++, { v: 'after' }))).toEqual({ v: 'after' });
    expect(computed).toBe(2);
    expect(await cache.get('lab-a', 'k', async () => (computed++, { v: 'never' }))).toEqual({ v: 'after' });
    expect(computed).toBe(2);

    // Another lab's change leaves it; a resync (the relay was down) drops everything.
    events.publish({ labId: 'lab-b', kind: 'booking' });
    expect(await cache.get('lab-a', 'k', async () => (computed++, { v: 'never' }))).toEqual({ v: 'after' });
    events.resync();
    expect(cache.size).toBe(0);
    expect(await cache.get('lab-a', 'k', async () => (computed++, { v: 'fresh' }))).toEqual({ v: 'fresh' });
    expect(computed).toBe(3);
    cache.close();
  });

  it('shares one computation between requests that miss together, but not across a change nor when told not to', async () => {
    const events = createLabEvents();
    const cache = createLabCache<unknown>({ events, maxEntries: 10, ttlMs: 60_000 });
    let computed = 0;
    const slow = deferred();
    const compute = async () => {
      computed++;
      return slow.promise;
    };
    const first = cache.get('lab-a', 'k', compute);
    const second = cache.get('lab-a', 'k', compute);
    expect(computed).toBe(1);
    events.publish({ labId: 'lab-a', kind: 'booking' });
    // Asked after the change: it must not get the answer begun before it.
    const third = cache.get('lab-a', 'k', async () => (computed++, { v: 'after the change' }));
    expect(computed).toBe(2);
    slow.resolve({ v: 'before' });
    expect(await first).toEqual({ v: 'before' });
    expect(await second).toEqual({ v: 'before' });
    expect(await third).toEqual({ v: 'after the change' });
    // Computations inside a caller's transaction are not shared.
    const own = deferred();
    const inTx = cache.get('lab-c', 'y', async () => own.promise, { share: false });
    expect(await cache.get('lab-c', 'y', async () => 'mine', { share: false })).toBe('mine');
    own.resolve('theirs');
    expect(await inTx).toBe('theirs');
    // A failed computation is not kept, and the next request tries again.
    await expect(cache.get('lab-b', 'x', async () => Promise.reject(new Error('db down')))).rejects.toThrow('db down');
    expect(await cache.get('lab-b', 'x', async () => 'ok')).toBe('ok');
    cache.close();
  });

  it('keeps at most maxEntries answers, least recently used out first, and none for 0', async () => {
    const events = createLabEvents();
    const cache = createLabCache<unknown>({ events, maxEntries: 2, ttlMs: 60_000 });
    await cache.get('l', 'a', async () => 1);
    await cache.get('l', 'b', async () => 2);
    await cache.get('l', 'a', async () => -1); // a is now the most recent
    await cache.get('l', 'c', async () => 3); // b goes
    expect(cache.size).toBe(2);
    expect(await cache.get('l', 'a', async () => -1)).toBe(1);
    expect(await cache.get('l', 'b', async () => 20)).toBe(20);
    const off = createLabCache<unknown>({ events, maxEntries: 0, ttlMs: 60_000 });
    await off.get('l', 'a', async () => 1);
    expect(off.size).toBe(0);
  });

  it('lets entries expire after their time to live', async () => {
    let t = 0;
    const cache = createLabCache<unknown>({ events: createLabEvents(), maxEntries: 5, ttlMs: 1_000, now: () => t });
    await cache.get('l', 'a', async () => 'old');
    t = 999;
    expect(await cache.get('l', 'a', async () => 'new')).toBe('old');
    t = 2_000;
    expect(await cache.get('l', 'a', async () => 'new')).toBe('new');
  });
});

describe('availability answers across two server processes', () => {
  const replicas: Array<{ app: App; db: Database }> = [];
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext({ clock: fixedClock(NOW) });
    const url = ctx.database.url!;
    for (let i = 0; i < 2; i++) {
      const db = await connect({ databaseUrl: url, poolSize: 4 });
      const app = await buildApp({ config: testConfig({ databaseUrl: url }), database: db, clock: fixedClock(NOW) });
      await app.listen({ port: 0, host: '127.0.0.1' });
      expect((app.server.address() as AddressInfo).port).toBeGreaterThan(0);
      replicas.push({ app, db });
    }
  });
  afterAll(async () => {
    for (const r of replicas) {
      await r.app.close();
      await r.db.close();
    }
    await ctx?.close();
  });

  it('drops a kept answer when another process books on that lab', async () => {
    const s = await setupLab(ctx);
    const a = replicas[0]!;
    const b = replicas[1]!;
    const read = async () =>
      (await a.app.inject({ method: 'GET', url: `/api/labs/${s.lab.id}/availability?${DAY}` })).json() as LabAvailability;
    const bookings = async () => (await read()).machines[0]!.busy.filter((x) => x.kind === 'booking');
    // The relay's LISTEN is up once it has resynced; give it a moment on a loaded machine.
    await new Promise((r) => setTimeout(r, 300));
    expect(await bookings()).toEqual([]);
    expect(await bookings()).toEqual([]);
    const made = await b.app.inject({
      method: 'POST',
      url: '/api/bookings',
      headers: { authorization: `Bearer ${s.member.token}` },
      payload: { machineId: s.machine.id, start: tue('09:00'), end: tue('10:00'), purpose: 'research' },
    });
    expect(made.statusCode).toBe(201);
    let seen: Busy = [];
    for (let waited = 0; waited < 5_000 && seen.length === 0; waited += 50) {
      seen = await bookings();
      if (seen.length === 0) await new Promise((r) => setTimeout(r, 50));
    }
    expect(seen.map((x) => [x.start, x.end])).toEqual([[tue('09:00'), tue('10:00')]]);
  });
});

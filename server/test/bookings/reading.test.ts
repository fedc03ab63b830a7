import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maintenanceWindows } from '../../src/db/schema/index.js';
import { createTestContext, fixedClock, type TestContext } from '../helpers/app.js';
import { LUNCH_HOURS, NOW, act, book, local, setupLab } from './fixtures.js';

const tue = (hhmm: string) => local(`2026-06-02T${hhmm}`);

describe('reading bookings and availability', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext({ clock: fixedClock(NOW) });
  });
  afterAll(() => ctx.close());

  async function scene() {
    const s = await setupLab(ctx);
    const otherLab = await setupLab(ctx);
    const mine = (
      await book(ctx, s.member, { machineId: s.machine.id, start: tue('09:00'), end: tue('10:00') })
    ).json();
    const theirs = (
      await book(ctx, s.other, { machineId: s.machine.id, start: tue('10:00'), end: tue('11:00') })
    ).json();
    const elsewhere = (
      await book(ctx, s.member, { machineId: otherLab.machine.id, start: tue('13:00'), end: tue('14:00') })
    ).json();
    return { s, otherLab, mine, theirs, elsewhere };
  }

  it('shows members only their own bookings; another member’s is 404', async () => {
    const { s, mine, theirs, elsewhere } = await scene();
    const list = await act(ctx, s.member, 'GET', '/api/bookings');
    expect(list.statusCode).toBe(200);
    expect(
      list
        .json()
        .items.map((b: { id: string }) => b.id)
        .sort(),
    ).toEqual([mine.id, elsewhere.id].sort());
    expect(list.json().total).toBe(2);
    expect(list.json().items[0]).toMatchObject({ userName: 'Nguyễn Văn An', userEmail: s.member.email });
    // Filters cannot widen the view.
    const byLab = await act(ctx, s.member, 'GET', `/api/bookings?labId=${s.lab.id}`);
    expect(byLab.json().items.map((b: { id: string }) => b.id)).toEqual([mine.id]);
    expect((await act(ctx, s.member, 'GET', `/api/bookings/${mine.id}`)).statusCode).toBe(200);
    const hidden = await act(ctx, s.member, 'GET', `/api/bookings/${theirs.id}`);
    expect(hidden.statusCode).toBe(404);
    expect(hidden.json().code).toBe('NOT_FOUND');
    expect((await act(ctx, null, 'GET', '/api/bookings')).statusCode).toBe(401);
    expect((await act(ctx, s.member, 'GET', '/api/bookings/00000000-0000-4000-8000-000000000000')).statusCode).toBe(
      404,
    );
  });

  it('shows managers their labs’ bookings with names (and their own elsewhere), not other labs’', async () => {
    const { s, otherLab, mine, theirs, elsewhere } = await scene();
    const list = await act(ctx, s.manager, 'GET', '/api/bookings');
    const ids = list.json().items.map((b: { id: string }) => b.id);
    expect(ids.sort()).toEqual([mine.id, theirs.id].sort());
    expect(list.json().items.find((b: { id: string }) => b.id === theirs.id)).toMatchObject({
      userName: 'Trần Thị Bình',
      userEmail: s.other.email,
    });
    expect((await act(ctx, s.manager, 'GET', `/api/bookings/${elsewhere.id}`)).statusCode).toBe(404);
    expect((await act(ctx, otherLab.manager, 'GET', `/api/bookings/${elsewhere.id}`)).json()).toMatchObject({
      userName: 'Nguyễn Văn An',
    });
    // A manager booking in another lab is a member there, and sees that booking as its owner.
    const own = await book(ctx, s.manager, { machineId: otherLab.machine.id, start: tue('15:00'), end: tue('16:00') });
    const withOwn = await act(ctx, s.manager, 'GET', '/api/bookings');
    expect(withOwn.json().items.map((b: { id: string }) => b.id)).toContain(own.json().id);
    const onlyMine = await act(ctx, s.manager, 'GET', '/api/bookings?mine=true');
    expect(onlyMine.json().items.map((b: { id: string }) => b.id)).toEqual([own.json().id]);
  });

  it('shows department staff everything without names, emails or member ids; admins with them', async () => {
    const { s, mine, theirs, elsewhere } = await scene();
    const department = await ctx.createUser({ role: 'department' });
    const list = await act(ctx, department, 'GET', `/api/bookings?labId=${s.lab.id}`);
    expect(
      list
        .json()
        .items.map((b: { id: string }) => b.id)
        .sort(),
    ).toEqual([mine.id, theirs.id].sort());
    for (const b of list.json().items) {
      expect(b.userId).toBeNull();
      expect(b).not.toHaveProperty('userName');
      expect(b).not.toHaveProperty('userEmail');
    }
    const one = await act(ctx, department, 'GET', `/api/bookings/${elsewhere.id}`);
    expect(one.statusCode).toBe(200);
    expect(one.json().userId).toBeNull();
    expect(one.json()).not.toHaveProperty('userName');
    expect(JSON.stringify(one.json())).not.toContain(s.member.email);

    const admin = await ctx.createUser({ role: 'admin' });
    expect((await act(ctx, admin, 'GET', `/api/bookings/${elsewhere.id}`)).json()).toMatchObject({
      userName: 'Nguyễn Văn An',
      userEmail: s.member.email,
    });
  });

  it('filters by machine, time range and status, and pages with limit and offset', async () => {
    const s = await setupLab(ctx, { machine: { requiresApproval: true } });
    const m2 = await ctx.createMachine(s.lab.id);
    const a = (await book(ctx, s.member, { machineId: s.machine.id, start: tue('09:00'), end: tue('10:00') })).json();
    const b = (await book(ctx, s.member, { machineId: m2.id, start: tue('10:00'), end: tue('11:00') })).json();
    const c = (
      await book(ctx, s.member, { machineId: m2.id, start: local('2026-06-03T09:00'), end: local('2026-06-03T10:00') })
    ).json();
    const ids = async (query: string) =>
      (await act(ctx, s.manager, 'GET', `/api/bookings?labId=${s.lab.id}&${query}`))
        .json()
        .items.map((x: { id: string }) => x.id);
    expect(await ids(`machineId=${m2.id}`)).toEqual([b.id, c.id]);
    expect(await ids(`from=${tue('09:30')}&to=${tue('10:30')}`)).toEqual([a.id, b.id]);
    expect(await ids(`from=${tue('10:00')}`)).toEqual([b.id, c.id]);
    expect(await ids('status=pending')).toEqual([a.id]);
    expect(await ids('status=pending&status=approved')).toEqual([a.id, b.id, c.id]);
    const page = await act(ctx, s.manager, 'GET', `/api/bookings?labId=${s.lab.id}&limit=2&offset=1`);
    expect(page.json()).toMatchObject({ total: 3 });
    expect(page.json().items.map((x: { id: string }) => x.id)).toEqual([b.id, c.id]);
    for (const bad of ['limit=0', 'limit=501', 'offset=-1', 'status=lost', 'from=yesterday', 'machineId=42']) {
      expect((await act(ctx, s.manager, 'GET', `/api/bookings?${bad}`)).statusCode, bad).toBe(400);
    }
  });

  it('answers availability to anyone: bookings with their buffer, maintenance and closed time, no personal data', async () => {
    const s = await setupLab(ctx, { openingHours: LUNCH_HOURS, machine: { bufferMinutes: 30 } });
    const idle = await ctx.createMachine(s.lab.id);
    await book(ctx, s.member, {
      machineId: s.machine.id,
      start: tue('09:00'),
      end: tue('10:00'),
      note: 'Secret prototype',
    });
    const cancelled = await book(ctx, s.other, { machineId: s.machine.id, start: tue('14:00'), end: tue('15:00') });
    await act(ctx, s.other, 'POST', `/api/bookings/${cancelled.json().id}/cancel`);
    await ctx.db
      .insert(maintenanceWindows)
      .values({
        machineId: s.machine.id,
        labId: s.lab.id,
        startAt: new Date(tue('15:00')),
        endAt: new Date(tue('16:00')),
        reason: 'Belt',
      });

    const res = await ctx.app.inject({
      method: 'GET',
      url: `/api/machines/${s.machine.id}/availability?from=${tue('00:00')}&to=${local('2026-06-03T00:00')}`,
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().busy).toEqual([
      { start: tue('00:00'), end: tue('08:00'), kind: 'closed' },
      { start: tue('09:00'), end: tue('10:30'), kind: 'booking' },
      { start: tue('11:30'), end: tue('13:00'), kind: 'closed' },
      { start: tue('15:00'), end: tue('16:00'), kind: 'maintenance' },
      { start: tue('17:00'), end: local('2026-06-03T00:00'), kind: 'closed' },
    ]);
    const text = res.body;
    expect(text).not.toContain(s.member.id);
    expect(text).not.toContain('Nguyễn');
    expect(text).not.toContain('Secret');

    const lab = await ctx.app.inject({
      method: 'GET',
      url: `/api/labs/${s.lab.id}/availability?from=${tue('08:00')}&to=${tue('12:00')}`,
    });
    expect(lab.statusCode).toBe(200);
    const machinesBusy = lab.json().machines;
    expect(machinesBusy).toHaveLength(2);
    expect(machinesBusy.find((m: { machineId: string }) => m.machineId === idle.id).busy).toEqual([
      { start: tue('11:30'), end: tue('12:00'), kind: 'closed' },
    ]);
    expect(machinesBusy.find((m: { machineId: string }) => m.machineId === s.machine.id).busy).toEqual([
      { start: tue('09:00'), end: tue('10:30'), kind: 'booking' },
      { start: tue('11:30'), end: tue('12:00'), kind: 'closed' },
    ]);
    expect(lab.body).not.toContain(s.member.id);
  });

  it('caps the availability range and checks it', async () => {
    const s = await setupLab(ctx);
    const url = (from: string, to: string) => `/api/machines/${s.machine.id}/availability?from=${from}&to=${to}`;
    expect(
      (await ctx.app.inject({ method: 'GET', url: url(tue('00:00'), local('2026-08-02T00:00')) })).statusCode,
    ).toBe(200);
    expect(
      (await ctx.app.inject({ method: 'GET', url: url(tue('00:00'), local('2026-08-03T01:00')) })).statusCode,
    ).toBe(400);
    expect((await ctx.app.inject({ method: 'GET', url: url(tue('10:00'), tue('09:00')) })).statusCode).toBe(400);
    expect(
      (await ctx.app.inject({ method: 'GET', url: `/api/machines/${s.machine.id}/availability?from=${tue('10:00')}` }))
        .statusCode,
    ).toBe(400);
    expect(
      (
        await ctx.app.inject({
          method: 'GET',
          url: `/api/machines/00000000-0000-4000-8000-000000000000/availability?from=${tue('00:00')}&to=${tue('10:00')}`,
        })
      ).statusCode,
    ).toBe(404);
    expect(
      (
        await ctx.app.inject({
          method: 'GET',
          url: `/api/labs/00000000-0000-4000-8000-000000000000/availability?from=${tue('00:00')}&to=${tue('10:00')}`,
        })
      ).statusCode,
    ).toBe(404);
    const lab = await ctx.app.inject({
      method: 'GET',
      url: `/api/labs/${s.lab.id}/availability?from=${tue('00:00')}&to=${local('2026-09-01T00:00')}`,
    });
    expect(lab.statusCode).toBe(400);
  });

  it('documents the booking routes in the OpenAPI document', async () => {
    const doc = await ctx.app.inject({ method: 'GET', url: '/api/docs/json' });
    expect(doc.statusCode).toBe(200);
    expect(Object.keys(doc.json().paths)).toEqual(
      expect.arrayContaining([
        '/api/bookings',
        '/api/bookings/{id}',
        '/api/bookings/{id}/cancel',
        '/api/bookings/class',
        '/api/bookings/series',
        '/api/bookings/series/{seriesId}/cancel',
        '/api/machines/{machineId}/availability',
        '/api/labs/{labId}/availability',
      ]),
    );
  });
});

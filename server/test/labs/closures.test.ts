// A new closure and shorter opening hours cancel the future bookings they leave outside the lab's
// open time (the opening-hours rule a new booking is checked against), with the reason, and tell
// the owners; a dry run lists them and changes nothing. A lab's managers may change its opening
// hours and settings, not what identifies it.
import { and, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, bookings, closures, labs, notifications } from '../../src/db/schema/index.js';
import { createTestContext, fixedClock, WEEKDAY_HOURS, type TestContext, type TestUser } from '../helpers/app.js';
import { NOW, local } from '../bookings/fixtures.js';
import { insertBooking } from '../usage/fixtures.js';

type Row = Awaited<ReturnType<typeof insertBooking>>;
const ids = (list: Array<{ id: string }>) => list.map((b) => b.id);

describe('closures and opening hours cancel the bookings they leave outside', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    // Monday 1 June 2026, 08:00 in Ho Chi Minh City.
    ctx = await createTestContext({ clock: fixedClock(NOW) });
  });
  afterAll(() => ctx.close());

  async function world() {
    const lab = await ctx.createLab();
    const otherLab = await ctx.createLab();
    const manager = await ctx.createUser({ role: 'manager', manages: [lab.id], fullName: 'Lab Manager' });
    const laser = await ctx.createMachine(lab.id, { name: 'Laser CO2', bufferMinutes: 30 });
    const printer = await ctx.createMachine(lab.id, { name: 'Prusa MK4', type: 'fdm_printer', mayRunUnattended: true, maxMinutes: 720 });
    // Cools overnight: its buffer runs past closing time, which the booking rules allow.
    const kiln = await ctx.createMachine(lab.id, { name: 'Lò nung gốm', type: 'kiln', bufferMinutes: 480 });
    const elsewhere = await ctx.createMachine(otherLab.id);
    const members: TestUser[] = [];
    for (let i = 0; i < 8; i++) members.push(await ctx.createUser({ fullName: `Maker ${i}` }));
    let next = 0;
    const b = (machine: typeof laser, start: string, end: string, status: 'pending' | 'approved' | 'cancelled' | 'rejected' = 'approved') =>
      insertBooking(ctx, { machine, userId: members[next++ % members.length]!.id, start: local(start), end: local(end), status });
    return { lab, otherLab, manager, laser, printer, kiln, elsewhere, members, b };
  }

  async function statuses(rows: Row[]) {
    const found = await ctx.db.select({ id: bookings.id, status: bookings.status, reason: bookings.reason }).from(bookings).where(inArray(bookings.id, ids(rows)));
    return Object.fromEntries(found.map((r) => [r.id, r.status]));
  }

  async function cancelNotices(rows: Row[]) {
    return ctx.db
      .select()
      .from(notifications)
      .where(and(eq(notifications.kind, 'booking_cancelled'), inArray(notifications.userId, rows.map((r) => r.userId!))));
  }

  it('a closure cancels the pending and approved bookings on its local days, tells each owner once and answers with them', async () => {
    const w = await world();
    // Closed Wednesday 3 and Thursday 4 June (local dates).
    const wednesday = await w.b(w.laser, '2026-06-03T09:00', '2026-06-03T10:00');
    const thursdayPending = await w.b(w.laser, '2026-06-04T14:00', '2026-06-04T15:00', 'pending');
    const printerOnClosedDay = await w.b(w.printer, '2026-06-04T10:00', '2026-06-04T12:00');
    // Kept: the day before, even where the machine's buffer (cooling) runs into the closed day (a
    // buffer may run past any closing time), the day after, a print started on the open Tuesday
    // that runs into the night (a new booking like it would be accepted too), bookings no longer
    // holding their slot, another lab's.
    const tuesdayLate = await w.b(w.laser, '2026-06-02T16:00', '2026-06-02T17:00');
    const kilnCoolingOvernight = await w.b(w.kiln, '2026-06-02T15:00', '2026-06-02T17:00');
    const friday = await w.b(w.laser, '2026-06-05T08:00', '2026-06-05T09:00');
    const overnightPrint = await w.b(w.printer, '2026-06-02T16:00', '2026-06-03T02:00');
    const rejected = await w.b(w.laser, '2026-06-03T11:00', '2026-06-03T12:00', 'rejected');
    const otherLab = await w.b(w.elsewhere, '2026-06-03T09:00', '2026-06-03T10:00');
    const all = [wednesday, thursdayPending, printerOnClosedDay, tuesdayLate, kilnCoolingOvernight, friday, overnightPrint, rejected, otherLab];

    const res = await ctx.injectAs(w.manager, {
      method: 'POST',
      url: `/api/labs/${w.lab.id}/closures`,
      payload: { from: '2026-06-03', to: '2026-06-04', reason: 'Mất điện toàn khu' },
    });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body).toMatchObject({ labId: w.lab.id, from: '2026-06-03', to: '2026-06-04', reason: 'Mất điện toàn khu' });
    expect(ids(body.cancelledBookings)).toEqual(ids([wednesday, printerOnClosedDay, thursdayPending]));
    for (const c of body.cancelledBookings) expect(c).toMatchObject({ status: 'cancelled', reason: 'Mất điện toàn khu', labId: w.lab.id });
    // The manager sees whose bookings they were.
    expect(body.cancelledBookings[0]).toMatchObject({ userId: wednesday.userId, userName: expect.any(String) });

    expect(await statuses(all)).toEqual({
      [wednesday.id]: 'cancelled',
      [thursdayPending.id]: 'cancelled',
      [printerOnClosedDay.id]: 'cancelled',
      [tuesdayLate.id]: 'approved',
      [kilnCoolingOvernight.id]: 'approved',
      [friday.id]: 'approved',
      [overnightPrint.id]: 'approved',
      [rejected.id]: 'rejected',
      [otherLab.id]: 'approved',
    });

    const told = await cancelNotices(all);
    expect(told).toHaveLength(3);
    for (const cancelled of [wednesday, thursdayPending, printerOnClosedDay]) {
      const mine = told.filter((n) => n.userId === cancelled.userId);
      expect(mine).toHaveLength(1);
      expect(mine[0]!.data).toMatchObject({ bookingId: cancelled.id, cause: 'closure', reason: 'Mất điện toàn khu' });
    }
    const audits = await ctx.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'booking.cancel'), inArray(auditLog.entityId, ids(all))));
    expect(audits.map((a) => a.details)).toEqual(
      expect.arrayContaining([expect.objectContaining({ cause: 'closure', closureId: body.id, reason: 'Mất điện toàn khu' })]),
    );
    expect(audits).toHaveLength(3);
  });

  it('cancels only bookings that start after now, and counts the closed days in the lab’s time zone', async () => {
    // New York: the lab's Monday is still Sunday evening in UTC+7's terms, and vice versa.
    const lab = await ctx.createLab({ timezone: 'America/New_York' });
    const manager = await ctx.createUser({ role: 'manager', manages: [lab.id] });
    const machine = await ctx.createMachine(lab.id);
    const owner = await ctx.createUser();
    const ny = (wall: string) => local(wall, 'America/New_York');
    // NOW is Sunday 31 May, 21:00 in New York.
    // Monday 15:00 in New York is already Tuesday in Ho Chi Minh City.
    const mondayNy = await insertBooking(ctx, { machine, userId: owner.id, start: ny('2026-06-01T15:00'), end: ny('2026-06-01T16:00') });
    const tuesdayNy = await insertBooking(ctx, { machine, userId: owner.id, start: ny('2026-06-02T09:00'), end: ny('2026-06-02T10:00') });
    const res = await ctx.injectAs(manager, { method: 'POST', url: `/api/labs/${lab.id}/closures`, payload: { from: '2026-06-01', to: '2026-06-01', reason: 'Memorial' } });
    expect(res.statusCode).toBe(201);
    expect(ids(res.json().cancelledBookings)).toEqual([mondayNy.id]);
    expect(await statuses([mondayNy, tuesdayNy])).toEqual({ [mondayNy.id]: 'cancelled', [tuesdayNy.id]: 'approved' });

    // A closure of today (in Ho Chi Minh City it is Monday 08:00) leaves the booking that has begun.
    const w = await world();
    const begun = await w.b(w.laser, '2026-06-01T08:00', '2026-06-01T09:00');
    const later = await w.b(w.laser, '2026-06-01T10:00', '2026-06-01T11:00');
    const today = await ctx.injectAs(w.manager, { method: 'POST', url: `/api/labs/${w.lab.id}/closures`, payload: { from: '2026-06-01', to: '2026-06-01', reason: 'Sự cố' } });
    expect(today.statusCode).toBe(201);
    expect(ids(today.json().cancelledBookings)).toEqual([later.id]);
    expect(await statuses([begun, later])).toEqual({ [begun.id]: 'approved', [later.id]: 'cancelled' });
  });

  it('a dry run of a closure lists the bookings it would cancel and changes nothing', async () => {
    const w = await world();
    const one = await w.b(w.laser, '2026-06-03T09:00', '2026-06-03T10:00');
    const two = await w.b(w.printer, '2026-06-03T13:00', '2026-06-03T14:00', 'pending');
    const kept = await w.b(w.laser, '2026-06-04T09:00', '2026-06-04T10:00');
    const payload = { from: '2026-06-03', to: '2026-06-03', reason: 'Kiểm kê' };
    const dry = await ctx.injectAs(w.manager, { method: 'POST', url: `/api/labs/${w.lab.id}/closures?dryRun=true`, payload });
    expect(dry.statusCode).toBe(200);
    expect(Object.keys(dry.json())).toEqual(['cancelledBookings']);
    expect(ids(dry.json().cancelledBookings)).toEqual([one.id, two.id]);
    expect(dry.json().cancelledBookings.map((b: { status: string }) => b.status)).toEqual(['approved', 'pending']);
    expect(await statuses([one, two, kept])).toEqual({ [one.id]: 'approved', [two.id]: 'pending', [kept.id]: 'approved' });
    expect(await ctx.db.select().from(closures).where(eq(closures.labId, w.lab.id))).toEqual([]);
    expect(await cancelNotices([one, two])).toEqual([]);
    // Only the lab's managers may ask.
    const member = w.members[0]!;
    expect((await ctx.injectAs(member, { method: 'POST', url: `/api/labs/${w.lab.id}/closures?dryRun=true`, payload })).statusCode).toBe(403);

    const real = await ctx.injectAs(w.manager, { method: 'POST', url: `/api/labs/${w.lab.id}/closures`, payload });
    expect(real.statusCode).toBe(201);
    expect(ids(real.json().cancelledBookings)).toEqual([one.id, two.id]);
  });

  it('shorter opening hours cancel the bookings no longer wholly inside one open period (an unattended machine: its start)', async () => {
    const w = await world();
    const morningOnly = { ...WEEKDAY_HOURS, tue: [['08:00', '12:00']] as Array<[string, string]> };
    const inside = await w.b(w.laser, '2026-06-02T09:00', '2026-06-02T10:00');
    const straddles = await w.b(w.laser, '2026-06-02T11:30', '2026-06-02T12:30');
    const afternoon = await w.b(w.laser, '2026-06-02T13:00', '2026-06-02T14:00', 'pending');
    const printStartedInside = await w.b(w.printer, '2026-06-02T11:00', '2026-06-02T15:00');
    const secondPrinter = await ctx.createMachine(w.lab.id, { type: 'fdm_printer', mayRunUnattended: true });
    const printAfternoon = await w.b(secondPrinter, '2026-06-02T13:30', '2026-06-02T14:30');
    const wednesday = await w.b(w.laser, '2026-06-03T13:00', '2026-06-03T14:00');
    const all = [inside, straddles, afternoon, printStartedInside, printAfternoon, wednesday];

    const url = `/api/labs/${w.lab.id}`;
    const dry = await ctx.injectAs(w.manager, { method: 'PATCH', url: `${url}?dryRun=true`, payload: { openingHours: morningOnly } });
    expect(dry.statusCode).toBe(200);
    expect(ids(dry.json().cancelledBookings)).toEqual(ids([straddles, afternoon, printAfternoon]));
    expect((await ctx.app.inject({ method: 'GET', url })).json().openingHours.tue).toEqual([['08:00', '17:00']]);
    expect(await statuses(all)).toEqual(Object.fromEntries(all.map((b) => [b.id, b.status])));

    const res = await ctx.injectAs(w.manager, { method: 'PATCH', url, payload: { openingHours: morningOnly } });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ id: w.lab.id, openingHours: { tue: [['08:00', '12:00']] } });
    expect(ids(body.cancelledBookings)).toEqual(ids([straddles, afternoon, printAfternoon]));
    expect(await statuses(all)).toEqual({
      [inside.id]: 'approved',
      [straddles.id]: 'cancelled',
      [afternoon.id]: 'cancelled',
      [printStartedInside.id]: 'approved',
      [printAfternoon.id]: 'cancelled',
      [wednesday.id]: 'approved',
    });
    const told = await cancelNotices(all);
    expect(told.map((n) => n.data.bookingId).sort()).toEqual(ids([straddles, afternoon, printAfternoon]).sort());
    for (const n of told) expect(n.data).toMatchObject({ cause: 'opening_hours', reason: expect.any(String) });

    // Longer hours, or a change of settings only, cancel nothing.
    const longer = await ctx.injectAs(w.manager, { method: 'PATCH', url, payload: { openingHours: WEEKDAY_HOURS } });
    expect(longer.json().cancelledBookings).toEqual([]);
    const settings = await ctx.injectAs(w.manager, { method: 'PATCH', url, payload: { settings: { weeklyQuotaHours: 1 } } });
    expect(settings.statusCode).toBe(200);
    expect(settings.json()).toMatchObject({ settings: { weeklyQuotaHours: 1 }, cancelledBookings: [] });
  });

  it('lets a lab’s managers change its opening hours and settings only; admins change everything', async () => {
    const w = await world();
    const url = `/api/labs/${w.lab.id}`;
    const otherManager = await ctx.createUser({ role: 'manager', manages: [w.otherLab.id] });
    const admin = await ctx.createUser({ role: 'admin' });
    const hours = { ...WEEKDAY_HOURS, sat: [['08:00', '12:00']] };

    const mine = await ctx.injectAs(w.manager, { method: 'PATCH', url, payload: { openingHours: hours, settings: { maxAdvanceDays: 30 } } });
    expect(mine.statusCode).toBe(200);
    expect(mine.json()).toMatchObject({ openingHours: { sat: [['08:00', '12:00']] }, settings: { maxAdvanceDays: 30 } });

    for (const field of [{ slug: 'renamed' }, { name: 'Renamed' }, { nameVi: 'Đổi tên' }, { host: 'Another host' }, { timezone: 'Asia/Bangkok' }]) {
      const refused = await ctx.injectAs(w.manager, { method: 'PATCH', url, payload: { settings: { maxAdvanceDays: 10 }, ...field } });
      expect(refused.statusCode, JSON.stringify(field)).toBe(403);
    }
    const [row] = await ctx.db.select().from(labs).where(eq(labs.id, w.lab.id));
    expect(row!.settings.maxAdvanceDays).toBe(30);
    expect(row!.slug).toBe(w.lab.slug);

    expect((await ctx.injectAs(otherManager, { method: 'PATCH', url, payload: { settings: { maxAdvanceDays: 10 } } })).statusCode).toBe(403);
    expect((await ctx.injectAs(w.members[0]!, { method: 'PATCH', url, payload: { settings: { maxAdvanceDays: 10 } } })).statusCode).toBe(403);
    expect((await ctx.app.inject({ method: 'PATCH', url, payload: { settings: { maxAdvanceDays: 10 } } })).statusCode).toBe(401);
    expect((await ctx.injectAs(w.manager, { method: 'PATCH', url: '/api/labs/00000000-0000-4000-8000-000000000000', payload: { settings: {} } })).statusCode).toBe(404);

    const byAdmin = await ctx.injectAs(admin, { method: 'PATCH', url, payload: { name: 'Renamed lab', host: 'New host' } });
    expect(byAdmin.statusCode).toBe(200);
    expect(byAdmin.json()).toMatchObject({ name: 'Renamed lab', host: 'New host', cancelledBookings: [] });
  });
});

import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bookings, notifications, usageMaterials, usageSessions } from '../../src/db/schema/index.js';
import { createTestContext, fixedClock, type TestContext } from '../helpers/app.js';
import { insertBooking, insertCertification, insertSession } from './fixtures.js';

// Monday 2 March 2026 in Asia/Ho_Chi_Minh (UTC+7).
const local = (hhmm: string, day = '2026-03-02') => new Date(`${day}T${hhmm}:00+07:00`).toISOString();

describe('check-in and check-out', () => {
  const clock = fixedClock(local('09:00'));
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext({ clock });
  });
  afterAll(() => ctx.close());

  async function setup(settings: Record<string, unknown> = {}, machineInput: Record<string, unknown> = {}) {
    const lab = await ctx.createLab({ settings });
    const machine = await ctx.createMachine(lab.id, machineInput);
    const manager = await ctx.createUser({ role: 'manager', manages: [lab.id], fullName: 'Quản lý' });
    const member = await ctx.createUser({ category: 'startup', gender: 'female', fullName: 'Nguyễn Thị Lan' });
    return { lab, machine, manager, member };
  }

  it('lets the owner check in from checkInEarlyMinutes before the start until the end', async () => {
    const { machine, member } = await setup({ checkInEarlyMinutes: 15 });
    const booking = await insertBooking(ctx, { machine, userId: member.id, start: local('10:00'), end: local('12:00'), purpose: 'startup_prototype' });
    const url = `/api/bookings/${booking.id}/check-in`;

    clock.set(local('09:44'));
    const early = await ctx.injectAs(member, { method: 'POST', url });
    expect(early.statusCode).toBe(422);
    expect(early.json().code).toBe('CHECK_IN_WINDOW');

    clock.set(local('09:45'));
    const ok = await ctx.injectAs(member, { method: 'POST', url });
    expect(ok.statusCode).toBe(200);
    const body = ok.json();
    expect(body).toMatchObject({ id: booking.id, status: 'checked_in', start: local('10:00'), end: local('12:00') });
    expect(body.usageSession).toMatchObject({
      bookingId: booking.id,
      userId: member.id,
      machineId: machine.id,
      start: local('09:45'),
      end: null,
      category: 'startup',
      gender: 'female',
      purpose: 'startup_prototype',
      closedBySystem: false,
    });

    const again = await ctx.injectAs(member, { method: 'POST', url });
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('INVALID_STATE');
  });

  it('closes the window at the end, holds it for managers too, and refuses others', async () => {
    const { machine, manager, member } = await setup();
    const late = await insertBooking(ctx, { machine, userId: member.id, start: local('10:00'), end: local('11:00') });
    clock.set(local('11:00'));
    const atEnd = await ctx.injectAs(member, { method: 'POST', url: `/api/bookings/${late.id}/check-in` });
    expect(atEnd.statusCode).toBe(422);
    expect(atEnd.json().code).toBe('CHECK_IN_WINDOW');
    const managerAfterEnd = await ctx.injectAs(manager, { method: 'POST', url: `/api/bookings/${late.id}/check-in` });
    expect(managerAfterEnd.json().code).toBe('CHECK_IN_WINDOW');

    const afternoon = await insertBooking(ctx, { machine, userId: member.id, start: local('14:00'), end: local('15:00') });
    const stranger = await ctx.createUser();
    expect((await ctx.injectAs(stranger, { method: 'POST', url: `/api/bookings/${afternoon.id}/check-in` })).statusCode).toBe(404);
    const department = await ctx.createUser({ role: 'department' });
    expect((await ctx.injectAs(department, { method: 'POST', url: `/api/bookings/${afternoon.id}/check-in` })).statusCode).toBe(403);
    expect((await ctx.app.inject({ method: 'POST', url: `/api/bookings/${afternoon.id}/check-in` })).statusCode).toBe(401);
    // Hours early, a manager's check-in is refused as the member's is: the session would hold the
    // machine (and show it in use) from now until the booking.
    const managerEarly = await ctx.injectAs(manager, { method: 'POST', url: `/api/bookings/${afternoon.id}/check-in` });
    expect(managerEarly.statusCode).toBe(422);
    expect(managerEarly.json().code).toBe('CHECK_IN_WINDOW');
    clock.set(local('13:45'));
    const byManager = await ctx.injectAs(manager, { method: 'POST', url: `/api/bookings/${afternoon.id}/check-in` });
    expect(byManager.statusCode).toBe(200);
    expect(byManager.json().status).toBe('checked_in');

    const pending = await insertBooking(ctx, { machine, userId: member.id, start: local('15:00'), end: local('16:00'), status: 'pending' });
    const refused = await ctx.injectAs(manager, { method: 'POST', url: `/api/bookings/${pending.id}/check-in` });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().code).toBe('INVALID_STATE');
    expect((await ctx.injectAs(member, { method: 'POST', url: '/api/bookings/00000000-0000-4000-8000-000000000000/check-in' })).statusCode).toBe(404);
  });

  it('checks out: closes the session, records materials and completes the booking', async () => {
    const { lab, machine, member, manager } = await setup();
    const entry = async (name: string, unit: string) =>
      (await ctx.injectAs(manager, { method: 'POST', url: `/api/labs/${lab.id}/materials`, payload: { name, unit } })).json().id as string;
    const pla = await entry('PLA', 'g');
    const acrylic = await entry('Acrylic 3 mm', 'sheet');
    const booking = await insertBooking(ctx, { machine, userId: member.id, start: local('10:00'), end: local('12:00') });
    clock.set(local('10:02'));
    expect((await ctx.injectAs(member, { method: 'POST', url: `/api/bookings/${booking.id}/check-in` })).statusCode).toBe(200);

    clock.set(local('11:40'));
    const out = await ctx.injectAs(member, {
      method: 'POST',
      url: `/api/bookings/${booking.id}/check-out`,
      payload: {
        // Picked from the catalogue, or named as it names them (whatever the case).
        materials: [
          { materialId: pla, quantity: 120 },
          { material: 'acrylic 3 MM', quantity: 2, unit: 'Sheet' },
        ],
        note: 'Vỏ hộp điều khiển',
      },
    });
    expect(out.statusCode).toBe(200);
    const body = out.json();
    expect(body.status).toBe('completed');
    expect(body.usageSession).toMatchObject({ start: local('10:02'), end: local('11:40'), closedBySystem: false, note: 'Vỏ hộp điều khiển' });
    expect(body.usageSession.materials).toEqual(
      expect.arrayContaining([
        { materialId: pla, material: 'PLA', quantity: 120, unit: 'g' },
        { materialId: acrylic, material: 'Acrylic 3 mm', quantity: 2, unit: 'sheet' },
      ]),
    );
    const [session] = await ctx.db.select().from(usageSessions).where(eq(usageSessions.bookingId, booking.id));
    const materials = await ctx.db.select().from(usageMaterials).where(eq(usageMaterials.usageSessionId, session!.id));
    expect(materials.map((m) => [m.material, m.quantity, m.unit, m.materialId]).sort()).toEqual([
      ['Acrylic 3 mm', 2, 'sheet', acrylic],
      ['PLA', 120, 'g', pla],
    ]);
    const [row] = await ctx.db.select().from(bookings).where(eq(bookings.id, booking.id));
    expect(row!.status).toBe('completed');

    const twice = await ctx.injectAs(manager, { method: 'POST', url: `/api/bookings/${booking.id}/check-out` });
    expect(twice.statusCode).toBe(409);
    expect(twice.json().code).toBe('INVALID_STATE');
  });

  it('lets a manager check a member out without a body, and refuses an approved booking not checked in', async () => {
    const { machine, member, manager } = await setup();
    const booking = await insertBooking(ctx, { machine, userId: member.id, start: local('13:00'), end: local('14:00') });
    clock.set(local('13:00'));
    const notYet = await ctx.injectAs(manager, { method: 'POST', url: `/api/bookings/${booking.id}/check-out` });
    expect(notYet.statusCode).toBe(409);
    expect((await ctx.injectAs(member, { method: 'POST', url: `/api/bookings/${booking.id}/check-in` })).statusCode).toBe(200);
    // Checked out in the very instant of the check-in: the session still lasts a moment.
    const out = await ctx.injectAs(manager, { method: 'POST', url: `/api/bookings/${booking.id}/check-out` });
    expect(out.statusCode).toBe(200);
    expect(out.json().usageSession.materials).toEqual([]);
    expect(new Date(out.json().usageSession.end).getTime()).toBeGreaterThan(new Date(local('13:00')).getTime());
  });

  it('refuses a check-in where another booking’s session is still in its time on the machine', async () => {
    const { machine, member } = await setup();
    const other = await ctx.createUser();
    const earlier = await insertBooking(ctx, { machine, userId: other.id, start: local('09:00'), end: local('10:00') });
    await insertSession(ctx, { machine, userId: other.id, bookingId: earlier.id, start: local('09:00'), end: null });
    const booking = await insertBooking(ctx, { machine, userId: member.id, start: local('10:00'), end: local('11:00') });
    // Early, within the check-in window, while the earlier booking still runs.
    clock.set(local('09:50'));
    const res = await ctx.injectAs(member, { method: 'POST', url: `/api/bookings/${booking.id}/check-in` });
    expect(res.statusCode).toBe(409);
    expect(res.json().code).toBe('USAGE_CONFLICT');
    const [row] = await ctx.db.select().from(bookings).where(eq(bookings.id, booking.id));
    expect(row!.status).toBe('approved');
  });

  it('refuses check-in without a valid certification: expired, lapsed or none (403 CERTIFICATION_REQUIRED)', async () => {
    const { lab, machine, member, manager } = await setup({ certificationLapseMonths: 6 }, { requiresCertification: true, type: 'cnc_router' });
    clock.set(local('10:00'));
    const attempt = async (userId: string, start: string, end: string, as = manager) => {
      const b = await insertBooking(ctx, { machine, userId, start, end });
      return ctx.injectAs(as, { method: 'POST', url: `/api/bookings/${b.id}/check-in` });
    };

    // Never certified.
    const none = await attempt(member.id, local('10:00'), local('10:30'));
    expect(none.statusCode).toBe(403);
    expect(none.json().code).toBe('CERTIFICATION_REQUIRED');

    // Expired yesterday; the member tries it themselves, inside their check-in window.
    clock.set(local('10:20'));
    const expired = await ctx.createUser();
    await insertCertification(ctx, { userId: expired.id, labId: lab.id, machineType: 'cnc_router', grantedAt: '2026-01-10T00:00:00Z', expiresAt: local('09:00', '2026-03-01') });
    const exp = await attempt(expired.id, local('10:30'), local('11:00'), expired);
    expect(exp.statusCode).toBe(403);
    expect(exp.json().code).toBe('CERTIFICATION_REQUIRED');

    // Granted eight months ago and not used since: lapsed after six.
    const lapsed = await ctx.createUser();
    await insertCertification(ctx, { userId: lapsed.id, labId: lab.id, machineType: 'cnc_router', grantedAt: '2025-07-01T00:00:00Z' });
    clock.set(local('10:50'));
    const lap = await attempt(lapsed.id, local('11:00'), local('11:30'));
    expect(lap.json().code).toBe('CERTIFICATION_REQUIRED');

    // Same age, but used a month ago: still valid.
    const active = await ctx.createUser();
    await insertCertification(ctx, { userId: active.id, labId: lab.id, machineType: 'cnc_router', grantedAt: '2025-07-01T00:00:00Z' });
    await insertSession(ctx, { machine, userId: active.id, start: '2026-02-02T02:00:00Z', end: '2026-02-02T03:00:00Z' });
    clock.set(local('11:20'));
    const ok = await attempt(active.id, local('11:30'), local('12:00'));
    expect(ok.statusCode).toBe(200);

    // Certified for another machine type only.
    const other = await ctx.createUser();
    await insertCertification(ctx, { userId: other.id, labId: lab.id, machineType: 'laser_cutter', grantedAt: '2026-02-01T00:00:00Z' });
    clock.set(local('12:00'));
    expect((await attempt(other.id, local('12:00'), local('12:30'))).json().code).toBe('CERTIFICATION_REQUIRED');
  });

  it('closes a forgotten session at the booking’s end once the grace period has passed (auto-check-out)', async () => {
    const { machine, member } = await setup({ noShowGraceMinutes: 20 });
    const booking = await insertBooking(ctx, { machine, userId: member.id, start: local('10:00', '2026-03-03'), end: local('11:00', '2026-03-03') });
    clock.set(local('10:05', '2026-03-03'));
    expect((await ctx.injectAs(member, { method: 'POST', url: `/api/bookings/${booking.id}/check-in` })).statusCode).toBe(200);

    clock.set(local('11:19', '2026-03-03'));
    await ctx.app.jobs.run('auto-check-out');
    let [row] = await ctx.db.select().from(bookings).where(eq(bookings.id, booking.id));
    expect(row!.status).toBe('checked_in');

    clock.set(local('11:20', '2026-03-03'));
    const result = (await ctx.app.jobs.run('auto-check-out')) as { bookingIds: string[] };
    expect(result.bookingIds).toContain(booking.id);
    [row] = await ctx.db.select().from(bookings).where(eq(bookings.id, booking.id));
    expect(row!.status).toBe('completed');
    const [session] = await ctx.db.select().from(usageSessions).where(and(eq(usageSessions.bookingId, booking.id)));
    expect(session!.closedBySystem).toBe(true);
    expect(session!.endAt!.toISOString()).toBe(local('11:00', '2026-03-03'));
    const again = (await ctx.app.jobs.run('auto-check-out')) as { bookingIds: string[] };
    expect(again.bookingIds).not.toContain(booking.id);
    // The member is not told about a system check-out; nothing else was written for them.
    const notes = await ctx.db.select().from(notifications).where(eq(notifications.userId, member.id));
    expect(notes).toEqual([]);
  });
});

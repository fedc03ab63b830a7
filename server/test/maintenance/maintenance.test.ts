import { and, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, bookings, maintenanceLog, notifications } from '../../src/db/schema/index.js';
import type { LabChange } from '../../src/lib/events.js';
import { createTestContext, fixedClock, type TestContext } from '../helpers/app.js';
import { insertBooking, insertSession } from '../usage/fixtures.js';

// Monday 2 March 2026, Asia/Ho_Chi_Minh (UTC+7).
const local = (hhmm: string, day = '2026-03-03') => new Date(`${day}T${hhmm}:00+07:00`).toISOString();

describe('maintenance windows', () => {
  const clock = fixedClock(local('09:00', '2026-03-02'));
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext({ clock });
  });
  afterAll(() => ctx.close());

  it('cancels exactly the pending and approved bookings that collide with the window, and tells their owners', async () => {
    const lab = await ctx.createLab();
    const machine = await ctx.createMachine(lab.id, { name: 'Laser CO2 60W', bufferMinutes: 30 });
    const neighbour = await ctx.createMachine(lab.id);
    const manager = await ctx.createUser({ role: 'manager', manages: [lab.id] });
    const users = await Promise.all(Array.from({ length: 9 }, (_, i) => ctx.createUser({ fullName: `Maker ${i}` })));
    const b = async (i: number, start: string, end: string, status: 'pending' | 'approved' | 'cancelled' | 'rejected' | 'no_show' = 'approved', m = machine) =>
      insertBooking(ctx, { machine: m, userId: users[i]!.id, start: local(start), end: local(end), status });

    const keepBefore = await b(0, '07:00', '08:00'); // occupied until 08:30
    const byBuffer = await b(1, '08:30', '09:45'); // ends before, but its buffer runs to 10:15
    const pending = await b(2, '10:15', '10:30', 'pending');
    const inside = await b(3, '11:00', '11:30'); // occupied until 12:00
    const keepAfter = await b(4, '12:00', '12:30'); // starts as the window ends
    const wasCancelled = await b(5, '10:00', '10:30', 'cancelled');
    const wasRejected = await b(6, '11:00', '11:30', 'rejected');
    const wasNoShow = await b(7, '10:00', '10:15', 'no_show');
    const otherMachine = await b(8, '10:00', '11:00', 'approved', neighbour);

    const events: LabChange[] = [];
    const unsubscribe = ctx.app.labEvents.subscribe((e) => events.push(e));
    const res = await ctx.injectAs(manager, {
      method: 'POST',
      url: `/api/machines/${machine.id}/maintenance`,
      payload: { start: local('10:00'), end: local('12:00'), reason: 'Thay ống laser' },
    });
    unsubscribe();
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body.maintenance).toMatchObject({ machineId: machine.id, labId: lab.id, start: local('10:00'), end: local('12:00'), reason: 'Thay ống laser', createdBy: manager.id });
    expect(body.cancelledBookings.map((x: { id: string }) => x.id)).toEqual([byBuffer.id, pending.id, inside.id]);
    for (const c of body.cancelledBookings) {
      expect(c).toMatchObject({ status: 'cancelled', reason: 'Thay ống laser', machineId: machine.id, labId: lab.id });
    }
    expect(body.cancelledBookings[0]).toMatchObject({ start: local('08:30'), end: local('09:45'), purpose: 'personal_project', userId: users[1]!.id });

    const rows = await ctx.db.select().from(bookings).where(
      inArray(
        bookings.id,
        [keepBefore, byBuffer, pending, inside, keepAfter, wasCancelled, wasRejected, wasNoShow, otherMachine].map((x) => x.id),
      ),
    );
    const byId = new Map(rows.map((r) => [r.id, r]));
    expect(byId.get(keepBefore.id)!.status).toBe('approved');
    expect(byId.get(keepAfter.id)!.status).toBe('approved');
    expect(byId.get(otherMachine.id)!.status).toBe('approved');
    expect(byId.get(wasRejected.id)!.status).toBe('rejected');
    expect(byId.get(wasNoShow.id)!.status).toBe('no_show');
    expect(byId.get(wasCancelled.id)!.reason).toBeNull();
    for (const id of [byBuffer.id, pending.id, inside.id]) {
      expect(byId.get(id)).toMatchObject({ status: 'cancelled', reason: 'Thay ống laser', cancelledBy: manager.id, cancelledAt: new Date(local('09:00', '2026-03-02')) });
    }

    const told = await ctx.db.select().from(notifications).where(eq(notifications.kind, 'booking_cancelled'));
    const toldUsers = told.filter((n) => users.some((u) => u.id === n.userId));
    expect(toldUsers.map((n) => n.userId).sort()).toEqual([users[1]!.id, users[2]!.id, users[3]!.id].sort());
    expect(toldUsers.find((n) => n.userId === users[3]!.id)!.data).toEqual({
      bookingId: inside.id,
      machineId: machine.id,
      machineName: 'Laser CO2 60W',
      labId: lab.id,
      start: local('11:00'),
      end: local('11:30'),
      reason: 'Thay ống laser',
      cause: 'maintenance',
      byMaintenance: true,
    });

    const audits = await ctx.db.select().from(auditLog).where(eq(auditLog.labId, lab.id));
    expect(audits.filter((a) => a.action === 'maintenance.create')).toHaveLength(1);
    expect(audits.filter((a) => a.action === 'booking.cancel').map((a) => a.entityId).sort()).toEqual([byBuffer.id, pending.id, inside.id].sort());
    // The window, and the bookings it freed, reach live calendars once it committed.
    expect(events).toEqual(
      expect.arrayContaining([
        { labId: lab.id, kind: 'maintenance', machineIds: [machine.id] },
        { labId: lab.id, kind: 'booking', machineIds: [machine.id] },
      ]),
    );
    expect(events).toHaveLength(2);
  });

  it('records a window in the past as downtime, lists windows and frees the time when one is deleted', async () => {
    const lab = await ctx.createLab();
    const machine = await ctx.createMachine(lab.id);
    const other = await ctx.createMachine(lab.id);
    const manager = await ctx.createUser({ role: 'manager', manages: [lab.id] });
    const member = await ctx.createUser();

    const past = await ctx.injectAs(manager, {
      method: 'POST',
      url: `/api/machines/${machine.id}/maintenance`,
      payload: { start: '2026-02-20T01:00:00Z', end: '2026-02-20T04:00:00Z', reason: 'Hỏng quạt hút' },
    });
    expect(past.statusCode).toBe(201);
    expect(past.json().cancelledBookings).toEqual([]);
    const future = await ctx.injectAs(manager, {
      method: 'POST',
      url: `/api/machines/${other.id}/maintenance`,
      payload: { start: local('08:00', '2026-03-10'), end: local('17:00', '2026-03-10'), reason: 'Hiệu chuẩn' },
    });
    expect(future.statusCode).toBe(201);

    const all = await ctx.injectAs(member, { method: 'GET', url: `/api/maintenance?labId=${lab.id}` });
    expect(all.statusCode).toBe(200);
    expect(all.json().total).toBe(2);
    const march = await ctx.injectAs(member, { method: 'GET', url: `/api/maintenance?labId=${lab.id}&from=2026-03-01T00:00:00Z&to=2026-04-01T00:00:00Z` });
    expect(march.json().items.map((w: { id: string }) => w.id)).toEqual([future.json().maintenance.id]);
    const oneMachine = await ctx.injectAs(member, { method: 'GET', url: `/api/maintenance?machineId=${machine.id}` });
    expect(oneMachine.json().items.map((w: { id: string }) => w.id)).toEqual([past.json().maintenance.id]);
    expect((await ctx.app.inject({ method: 'GET', url: `/api/maintenance?labId=${lab.id}` })).statusCode).toBe(401);

    const id = future.json().maintenance.id;
    expect((await ctx.injectAs(member, { method: 'DELETE', url: `/api/maintenance/${id}` })).statusCode).toBe(403);
    expect((await ctx.injectAs(manager, { method: 'DELETE', url: `/api/maintenance/${id}` })).statusCode).toBe(204);
    expect((await ctx.injectAs(manager, { method: 'DELETE', url: `/api/maintenance/${id}` })).statusCode).toBe(404);
    const after = await ctx.injectAs(member, { method: 'GET', url: `/api/maintenance?labId=${lab.id}&from=2026-03-01T00:00:00Z` });
    expect(after.json().total).toBe(0);
    // The freed time takes bookings again (the database holds nothing against it).
    await expect(insertBooking(ctx, { machine: other, userId: member.id, start: local('09:00', '2026-03-10'), end: local('10:00', '2026-03-10') })).resolves.toBeTruthy();
    const audits = await ctx.db.select().from(auditLog).where(and(eq(auditLog.entityId, id), eq(auditLog.action, 'maintenance.delete')));
    expect(audits).toHaveLength(1);
  });

  it('lets only the lab’s managers (and admins) schedule windows, and checks the body', async () => {
    const lab = await ctx.createLab();
    const machine = await ctx.createMachine(lab.id);
    const member = await ctx.createUser();
    const otherManager = await ctx.createUser({ role: 'manager', manages: [(await ctx.createLab()).id] });
    const admin = await ctx.createUser({ role: 'admin' });
    const payload = { start: local('10:00', '2026-03-11'), end: local('11:00', '2026-03-11'), reason: 'Bảo trì' };
    const url = `/api/machines/${machine.id}/maintenance`;
    expect((await ctx.injectAs(member, { method: 'POST', url, payload })).statusCode).toBe(403);
    expect((await ctx.injectAs(otherManager, { method: 'POST', url, payload })).statusCode).toBe(403);
    expect((await ctx.injectAs(admin, { method: 'POST', url, payload: { ...payload, end: payload.start } })).statusCode).toBe(400);
    expect((await ctx.injectAs(admin, { method: 'POST', url, payload: { start: payload.start, end: payload.end } })).statusCode).toBe(400);
    expect((await ctx.injectAs(admin, { method: 'POST', url, payload: { ...payload, reason: 'x'.repeat(501) } })).statusCode).toBe(400);
    expect((await ctx.injectAs(admin, { method: 'POST', url: '/api/machines/00000000-0000-4000-8000-000000000000/maintenance', payload })).statusCode).toBe(404);
    expect((await ctx.injectAs(admin, { method: 'POST', url, payload })).statusCode).toBe(201);
  });

  it('cancels a machine’s future bookings when it is taken out of service with cancelFutureBookings', async () => {
    const lab = await ctx.createLab();
    const machine = await ctx.createMachine(lab.id);
    const manager = await ctx.createUser({ role: 'manager', manages: [lab.id] });
    const member = await ctx.createUser();
    const past = await insertBooking(ctx, { machine, userId: member.id, start: local('08:00', '2026-03-02'), end: local('08:30', '2026-03-02') });
    const future = await insertBooking(ctx, { machine, userId: member.id, start: local('10:00', '2026-03-04'), end: local('11:00', '2026-03-04') });
    const res = await ctx.injectAs(manager, { method: 'PATCH', url: `/api/machines/${machine.id}`, payload: { status: 'out_of_service', cancelFutureBookings: true } });
    expect(res.statusCode).toBe(200);
    expect(res.json().cancelledBookingIds).toEqual([future.id]);
    const [p] = await ctx.db.select().from(bookings).where(eq(bookings.id, past.id));
    expect(p!.status).toBe('approved');
    const status = await ctx.app.inject({ method: 'GET', url: `/api/labs/${lab.id}/status` });
    expect(status.json().machines).toEqual([expect.objectContaining({ machineId: machine.id, state: 'out_of_service' })]);
  });
});

describe('maintenance log and preventive plans', () => {
  const clock = fixedClock('2026-03-10T02:00:00Z');
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext({ clock });
  });
  afterAll(() => ctx.close());

  it('keeps a log per machine: what was done, by whom, cost in VND and parts', async () => {
    const lab = await ctx.createLab();
    const machine = await ctx.createMachine(lab.id);
    const manager = await ctx.createUser({ role: 'manager', manages: [lab.id], fullName: 'Kỹ thuật viên' });
    const member = await ctx.createUser();
    const url = `/api/machines/${machine.id}/maintenance-log`;
    const created = await ctx.injectAs(manager, { method: 'POST', url, payload: { description: 'Thay gương phản xạ', costVnd: 1_250_000, parts: 'Gương Mo 20 mm ×1' } });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ machineId: machine.id, performedBy: manager.id, performedByName: 'Kỹ thuật viên', costVnd: 1_250_000, parts: 'Gương Mo 20 mm ×1', performedAt: '2026-03-10T02:00:00.000Z' });
    await ctx.injectAs(manager, { method: 'POST', url, payload: { description: 'Vệ sinh bàn cắt', performedAt: '2026-03-01T02:00:00Z' } });
    const list = await ctx.injectAs(manager, { method: 'GET', url });
    expect(list.json().total).toBe(2);
    expect(list.json().items[0].description).toBe('Thay gương phản xạ');
    expect(list.json().items[1]).toMatchObject({ description: 'Vệ sinh bàn cắt', costVnd: 0, parts: null });
    expect((await ctx.injectAs(member, { method: 'GET', url })).statusCode).toBe(403);
    expect((await ctx.injectAs(member, { method: 'POST', url, payload: { description: 'x' } })).statusCode).toBe(403);
    expect((await ctx.injectAs(manager, { method: 'POST', url, payload: { description: 'x', costVnd: 12.5 } })).statusCode).toBe(400);
    expect((await ctx.injectAs(manager, { method: 'POST', url, payload: { description: 'x', costVnd: -1 } })).statusCode).toBe(400);
  });

  it('brings a plan due after N hours of real use (open sessions count up to now), tells the managers once, and resets when done', async () => {
    clock.set('2026-03-10T02:00:00Z');
    const lab = await ctx.createLab();
    const machine = await ctx.createMachine(lab.id, { name: 'Laser tube' });
    const manager = await ctx.createUser({ role: 'manager', manages: [lab.id] });
    const coManager = await ctx.createUser({ role: 'manager', manages: [lab.id] });
    const member = await ctx.createUser();
    const plansUrl = `/api/machines/${machine.id}/maintenance-plans`;
    const created = await ctx.injectAs(manager, {
      method: 'POST',
      url: plansUrl,
      payload: { title: 'Kiểm tra ống laser', everyUsageHours: 3, lastDoneAt: '2026-03-01T00:00:00Z' },
    });
    expect(created.statusCode).toBe(201);
    const planId = created.json().id;
    expect(created.json()).toMatchObject({ due: false, usageHoursSinceDone: 0, everyUsageHours: 3, everyDays: null, dueAt: null });

    await insertSession(ctx, { machine, userId: member.id, start: '2026-02-27T01:00:00Z', end: '2026-02-27T05:00:00Z' }); // before: ignored
    await insertSession(ctx, { machine, userId: member.id, start: '2026-02-28T23:00:00Z', end: '2026-03-01T01:00:00Z' }); // 1 h after
    await insertSession(ctx, { machine, start: '2026-03-05T01:00:00Z', end: '2026-03-05T01:30:00Z' }); // 0.5 h
    let plans = await ctx.injectAs(manager, { method: 'GET', url: plansUrl });
    expect(plans.json().items[0]).toMatchObject({ id: planId, usageHoursSinceDone: 1.5, due: false });

    // A member checks in at 09:00 local; an hour later the open session counts 1 h.
    const booking = await insertBooking(ctx, { machine, userId: member.id, start: '2026-03-10T02:00:00Z', end: '2026-03-10T05:00:00Z' });
    expect((await ctx.injectAs(member, { method: 'POST', url: `/api/bookings/${booking.id}/check-in` })).statusCode).toBe(200);
    clock.set('2026-03-10T03:00:00Z');
    plans = await ctx.injectAs(manager, { method: 'GET', url: plansUrl });
    expect(plans.json().items[0]).toMatchObject({ usageHoursSinceDone: 2.5, due: false });
    expect((await ctx.injectAs(manager, { method: 'GET', url: `/api/labs/${lab.id}/maintenance-due` })).json()).toEqual({ items: [], total: 0 });
    expect(await ctx.app.jobs.run('maintenance-due')).toMatchObject({ notified: 0 });

    clock.set('2026-03-10T03:30:00Z');
    plans = await ctx.injectAs(manager, { method: 'GET', url: plansUrl });
    expect(plans.json().items[0]).toMatchObject({ usageHoursSinceDone: 3, due: true, dueBecause: 'usage_hours' });
    const due = await ctx.injectAs(manager, { method: 'GET', url: `/api/labs/${lab.id}/maintenance-due` });
    expect(due.json()).toMatchObject({ total: 1, items: [{ id: planId, machineId: machine.id, machineName: 'Laser tube' }] });
    expect((await ctx.injectAs(member, { method: 'GET', url: `/api/labs/${lab.id}/maintenance-due` })).statusCode).toBe(403);

    expect(await ctx.app.jobs.run('maintenance-due')).toMatchObject({ notified: 1, planIds: [planId] });
    expect(await ctx.app.jobs.run('maintenance-due')).toMatchObject({ notified: 0 });
    const told = await ctx.db.select().from(notifications).where(eq(notifications.kind, 'maintenance_due'));
    expect(told.map((n) => n.userId).sort()).toEqual([manager.id, coManager.id].sort());
    expect(told[0]!.data).toMatchObject({ planId, machineId: machine.id, labId: lab.id, dueBecause: 'usage_hours' });

    clock.set('2026-03-10T04:00:00Z');
    const done = await ctx.injectAs(manager, { method: 'POST', url: `${plansUrl}/${planId}/done`, payload: { costVnd: 9_500_000, parts: 'Ống laser 60W' } });
    expect(done.statusCode).toBe(200);
    expect(done.json().plan).toMatchObject({ lastDoneAt: '2026-03-10T04:00:00.000Z', due: false, usageHoursSinceDone: 0, dueNotifiedAt: null });
    expect(done.json().logEntry).toMatchObject({ planId, description: 'Kiểm tra ống laser', costVnd: 9_500_000, performedBy: manager.id });
    const log = await ctx.db.select().from(maintenanceLog).where(eq(maintenanceLog.planId, planId));
    expect(log).toHaveLength(1);

    // Use after it was done counts again from zero: the still-open session, half an hour on.
    clock.set('2026-03-10T04:30:00Z');
    plans = await ctx.injectAs(manager, { method: 'GET', url: plansUrl });
    expect(plans.json().items[0]).toMatchObject({ usageHoursSinceDone: 0.5, due: false });
  });

  it('brings a calendar plan due after N days, and refuses a plan with no rule', async () => {
    clock.set('2026-03-10T02:00:00Z');
    const lab = await ctx.createLab();
    const machine = await ctx.createMachine(lab.id);
    const manager = await ctx.createUser({ role: 'manager', manages: [lab.id] });
    const url = `/api/machines/${machine.id}/maintenance-plans`;
    expect((await ctx.injectAs(manager, { method: 'POST', url, payload: { title: 'Không có quy tắc' } })).statusCode).toBe(400);
    const plan = await ctx.injectAs(manager, { method: 'POST', url, payload: { title: 'Tra dầu trục', everyDays: 30 } });
    expect(plan.json()).toMatchObject({ lastDoneAt: '2026-03-10T02:00:00.000Z', dueAt: '2026-04-09T02:00:00.000Z', due: false });
    clock.set('2026-04-09T01:59:00Z');
    expect((await ctx.injectAs(manager, { method: 'GET', url })).json().items[0].due).toBe(false);
    clock.set('2026-04-09T02:00:00Z');
    expect((await ctx.injectAs(manager, { method: 'GET', url })).json().items[0]).toMatchObject({ due: true, dueBecause: 'days' });

    const patched = await ctx.injectAs(manager, { method: 'PATCH', url: `${url}/${plan.json().id}`, payload: { everyDays: 60 } });
    expect(patched.json()).toMatchObject({ everyDays: 60, due: false });
    expect((await ctx.injectAs(manager, { method: 'PATCH', url: `${url}/${plan.json().id}`, payload: { everyDays: null } })).statusCode).toBe(400);
    expect((await ctx.injectAs(manager, { method: 'DELETE', url: `${url}/${plan.json().id}` })).statusCode).toBe(204);
    expect((await ctx.injectAs(manager, { method: 'GET', url })).json().total).toBe(0);
  });
});

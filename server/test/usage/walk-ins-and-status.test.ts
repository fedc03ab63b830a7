import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bookings, machines, notifications } from '../../src/db/schema/index.js';
import { createTestContext, fixedClock, type TestContext } from '../helpers/app.js';
import { insertBooking } from './fixtures.js';

const local = (hhmm: string, day = '2026-03-02') => new Date(`${day}T${hhmm}:00+07:00`).toISOString();
const tomorrow = (hhmm: string) => local(hhmm, '2026-03-03');

describe('walk-ins, usage visibility, incidents and live status', () => {
  const clock = fixedClock(local('16:00'));
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext({ clock });
  });
  afterAll(() => ctx.close());

  async function setup() {
    const lab = await ctx.createLab();
    const machine = await ctx.createMachine(lab.id, { name: 'Laser A' });
    const manager = await ctx.createUser({ role: 'manager', manages: [lab.id], fullName: 'Quản lý Phòng' });
    const member = await ctx.createUser({ fullName: 'Trần Văn Nam', gender: 'male', category: 'teacher' });
    return { lab, machine, manager, member };
  }

  it('records walk-ins, past and after hours, and refuses one that overlaps another session (409 USAGE_CONFLICT)', async () => {
    clock.set(local('16:00'));
    const { machine, manager, member } = await setup();
    const first = await ctx.injectAs(manager, {
      method: 'POST',
      url: '/api/usage',
      payload: {
        machineId: machine.id,
        start: local('07:00'),
        end: local('07:45'),
        userId: member.id,
        materials: [{ material: 'MDF 3 mm', quantity: 1, unit: 'sheet' }],
        note: 'Trước giờ mở cửa',
      },
    });
    expect(first.statusCode).toBe(201);
    expect(first.json()).toMatchObject({
      machineId: machine.id,
      userId: member.id,
      userName: 'Trần Văn Nam',
      category: 'teacher',
      gender: 'male',
      guest: false,
      start: local('07:00'),
      end: local('07:45'),
      bookingId: null,
      materials: [{ material: 'MDF 3 mm', quantity: 1, unit: 'sheet' }],
    });

    const overlap = await ctx.injectAs(manager, {
      method: 'POST',
      url: '/api/usage',
      payload: { machineId: machine.id, start: local('07:30'), end: local('08:30'), guest: { name: 'Lê Thị Hoa', category: 'community', gender: 'female' } },
    });
    expect(overlap.statusCode).toBe(409);
    expect(overlap.json().code).toBe('USAGE_CONFLICT');

    const adjacent = await ctx.injectAs(manager, {
      method: 'POST',
      url: '/api/usage',
      payload: { machineId: machine.id, start: local('07:45'), end: local('08:30'), guest: { name: 'Lê Thị Hoa', category: 'community', gender: 'female' } },
    });
    expect(adjacent.statusCode).toBe(201);
    expect(adjacent.json()).toMatchObject({ userId: null, guest: true, userName: 'Lê Thị Hoa', category: 'community', gender: 'female' });

    // An open walk-in (no end yet) holds the machine until it is ended.
    const open = await ctx.injectAs(manager, { method: 'POST', url: '/api/usage', payload: { machineId: machine.id, start: local('15:00'), userId: member.id } });
    expect(open.statusCode).toBe(201);
    expect(open.json().end).toBeNull();
    const later = await ctx.injectAs(manager, { method: 'POST', url: '/api/usage', payload: { machineId: machine.id, start: local('15:30'), end: local('15:50') } });
    expect(later.json().code).toBe('USAGE_CONFLICT');
    clock.set(local('16:10'));
    const ended = await ctx.injectAs(manager, { method: 'POST', url: `/api/usage/${open.json().id}/end`, payload: { materials: [{ material: 'Acrylic 3 mm', quantity: 0.5, unit: 'sheet' }] } });
    expect(ended.statusCode).toBe(200);
    expect(ended.json()).toMatchObject({ end: local('16:10'), materials: [{ material: 'Acrylic 3 mm', quantity: 0.5, unit: 'sheet' }] });
  });

  it('refuses a walk-in or a session end after now (422 IN_THE_FUTURE): a session records what happened', async () => {
    clock.set(local('16:00'));
    const { machine, manager, member } = await setup();
    const future = await ctx.injectAs(manager, {
      method: 'POST',
      url: '/api/usage',
      payload: { machineId: machine.id, start: local('15:00'), end: '2027-06-30T10:00:00+07:00', userId: member.id },
    });
    expect(future.statusCode).toBe(422);
    expect(future.json().code).toBe('IN_THE_FUTURE');

    const open = await ctx.injectAs(manager, { method: 'POST', url: '/api/usage', payload: { machineId: machine.id, start: local('15:00'), userId: member.id } });
    expect(open.statusCode).toBe(201);
    const endLater = await ctx.injectAs(manager, { method: 'POST', url: `/api/usage/${open.json().id}/end`, payload: { end: '2030-01-01T00:00:00Z' } });
    expect(endLater.statusCode).toBe(422);
    expect(endLater.json().code).toBe('IN_THE_FUTURE');
    const endNow = await ctx.injectAs(manager, { method: 'POST', url: `/api/usage/${open.json().id}/end`, payload: { end: local('16:00') } });
    expect(endNow.statusCode).toBe(200);
    expect(endNow.json().end).toBe(local('16:00'));
  });

  it('lets only the lab’s managers record walk-ins, and checks the body', async () => {
    clock.set(local('16:00'));
    const { machine, manager, member } = await setup();
    const otherManager = await ctx.createUser({ role: 'manager', manages: [(await ctx.createLab()).id] });
    const body = { machineId: machine.id, start: local('10:00'), end: local('11:00'), userId: member.id };
    expect((await ctx.injectAs(member, { method: 'POST', url: '/api/usage', payload: body })).statusCode).toBe(403);
    expect((await ctx.injectAs(otherManager, { method: 'POST', url: '/api/usage', payload: body })).statusCode).toBe(403);
    const backwards = await ctx.injectAs(manager, { method: 'POST', url: '/api/usage', payload: { ...body, end: local('09:00') } });
    expect(backwards.statusCode).toBe(400);
    const future = await ctx.injectAs(manager, { method: 'POST', url: '/api/usage', payload: { ...body, start: local('18:00'), end: local('19:00') } });
    expect(future.statusCode).toBe(400);
    const both = await ctx.injectAs(manager, { method: 'POST', url: '/api/usage', payload: { ...body, guest: { name: 'X', category: 'student' } } });
    expect(both.statusCode).toBe(400);
    const badGuest = await ctx.injectAs(manager, { method: 'POST', url: '/api/usage', payload: { machineId: machine.id, start: local('10:00'), guest: { name: 'X', category: 'alien' } } });
    expect(badGuest.statusCode).toBe(400);
  });

  it('shows usage to the lab’s managers with names, to the department without names, and members only their own', async () => {
    clock.set(local('16:00'));
    const { lab, machine, manager, member } = await setup();
    const other = await ctx.createUser({ fullName: 'Phạm Minh' });
    for (const [userId, start, end] of [
      [member.id, '08:00', '09:00'],
      [other.id, '09:00', '10:00'],
    ] as const) {
      const res = await ctx.injectAs(manager, { method: 'POST', url: '/api/usage', payload: { machineId: machine.id, start: local(start), end: local(end), userId, note: 'ghi chú' } });
      expect(res.statusCode).toBe(201);
    }
    const guest = await ctx.injectAs(manager, { method: 'POST', url: '/api/usage', payload: { machineId: machine.id, start: local('10:00'), end: local('10:30'), guest: { name: 'Khách Vãng Lai', category: 'community' } } });
    expect(guest.statusCode).toBe(201);

    const byManager = await ctx.injectAs(manager, { method: 'GET', url: `/api/usage?labId=${lab.id}` });
    expect(byManager.statusCode).toBe(200);
    expect(byManager.json().total).toBe(3);
    expect(byManager.json().items.map((s: { userName: string }) => s.userName).sort()).toEqual(['Khách Vãng Lai', 'Phạm Minh', 'Trần Văn Nam']);

    const department = await ctx.createUser({ role: 'department' });
    const byDepartment = await ctx.injectAs(department, { method: 'GET', url: `/api/usage?labId=${lab.id}&from=${local('00:00')}&to=${local('23:59')}` });
    expect(byDepartment.statusCode).toBe(200);
    expect(byDepartment.json().total).toBe(3);
    for (const s of byDepartment.json().items) {
      expect(s.userId).toBeNull();
      expect(s).not.toHaveProperty('userName');
      expect(s).not.toHaveProperty('note');
      expect(s.category).toBeDefined();
    }
    expect(JSON.stringify(byDepartment.json())).not.toMatch(/Phạm Minh|Trần Văn Nam|Khách Vãng Lai/);

    const mine = await ctx.injectAs(member, { method: 'GET', url: `/api/usage?labId=${lab.id}` });
    expect(mine.statusCode).toBe(200);
    expect(mine.json().items).toHaveLength(1);
    expect(mine.json().items[0]).toMatchObject({ userId: member.id, userName: 'Trần Văn Nam' });
    expect((await ctx.injectAs(member, { method: 'GET', url: `/api/usage?labId=${lab.id}&userId=${other.id}` })).statusCode).toBe(403);

    const window = await ctx.injectAs(manager, { method: 'GET', url: `/api/usage?machineId=${machine.id}&from=${local('09:30')}&to=${local('10:15')}&limit=1` });
    expect(window.json().total).toBe(2);
    expect(window.json().items).toHaveLength(1);
    expect((await ctx.injectAs(manager, { method: 'GET', url: `/api/usage?labId=${lab.id}&limit=0` })).statusCode).toBe(400);
    expect((await ctx.app.inject({ method: 'GET', url: `/api/usage?labId=${lab.id}` })).statusCode).toBe(401);
  });

  it('takes incident reports from the session’s member and tells the managers; only a manager takes the machine out of service, cancelling its upcoming bookings with notice', async () => {
    clock.set(local('16:00'));
    const { lab, machine, manager, member } = await setup();
    const session = await ctx.injectAs(manager, { method: 'POST', url: '/api/usage', payload: { machineId: machine.id, start: local('13:00'), end: local('14:00'), userId: member.id } });
    const id = session.json().id;
    const stranger = await ctx.createUser();
    expect((await ctx.injectAs(stranger, { method: 'POST', url: `/api/usage/${id}/incidents`, payload: { kind: 'damage', description: 'x' } })).statusCode).toBe(404);
    const otherMember = await ctx.createUser();
    const upcoming = await insertBooking(ctx, { machine, userId: otherMember.id, start: tomorrow('09:00'), end: tomorrow('10:00') });

    // The member's report reaches the managers, with the request; the machine and the other
    // members' bookings stay as they were until a manager decides.
    const res = await ctx.injectAs(member, {
      method: 'POST',
      url: `/api/usage/${id}/incidents`,
      payload: { kind: 'malfunction', description: 'Ống laser không phát tia', putOutOfService: true },
    });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ usageSessionId: id, machineId: machine.id, kind: 'malfunction', machineOutOfService: false, reportedBy: member.id });
    expect((await ctx.db.select().from(machines).where(eq(machines.id, machine.id)))[0]!.status).toBe('available');
    expect((await ctx.db.select().from(bookings).where(eq(bookings.id, upcoming.id)))[0]!.status).toBe('approved');
    const told = await ctx.db.select().from(notifications).where(eq(notifications.userId, manager.id));
    expect(told).toEqual([
      expect.objectContaining({
        kind: 'incident_reported',
        data: expect.objectContaining({ incidentId: res.json().id, machineId: machine.id, kind: 'malfunction', outOfServiceRequested: true }),
      }),
    ]);

    const byManager = await ctx.injectAs(manager, {
      method: 'POST',
      url: `/api/usage/${id}/incidents`,
      payload: { kind: 'malfunction', description: 'Đã kiểm tra: hỏng ống', putOutOfService: true },
    });
    expect(byManager.statusCode).toBe(201);
    expect(byManager.json()).toMatchObject({ machineOutOfService: true });
    expect((await ctx.db.select().from(machines).where(eq(machines.id, machine.id)))[0]!.status).toBe('out_of_service');
    const [cancelled] = await ctx.db.select().from(bookings).where(eq(bookings.id, upcoming.id));
    expect(cancelled).toMatchObject({ status: 'cancelled', reason: 'Machine out of service', cancelledBy: manager.id });
    const notice = await ctx.db.select().from(notifications).where(eq(notifications.userId, otherMember.id));
    expect(notice).toEqual([
      expect.objectContaining({ kind: 'booking_cancelled', data: expect.objectContaining({ bookingId: upcoming.id, cause: 'machine_unavailable', reason: 'Machine out of service' }) }),
    ]);

    const list = await ctx.injectAs(manager, { method: 'GET', url: `/api/labs/${lab.id}/incidents` });
    expect(list.statusCode).toBe(200);
    expect(list.json()).toMatchObject({ total: 2 });
    expect(list.json().items).toContainEqual(expect.objectContaining({ id: res.json().id, reportedByName: 'Trần Văn Nam' }));
    expect((await ctx.injectAs(member, { method: 'GET', url: `/api/labs/${lab.id}/incidents` })).statusCode).toBe(403);
    const bad = await ctx.injectAs(member, { method: 'POST', url: `/api/usage/${id}/incidents`, payload: { kind: 'explosion', description: 'x' } });
    expect(bad.statusCode).toBe(400);
  });

  it('answers the live status of each machine: free, in_use, maintenance, out_of_service', async () => {
    clock.set(local('10:30'));
    const lab = await ctx.createLab();
    const manager = await ctx.createUser({ role: 'manager', manages: [lab.id] });
    const member = await ctx.createUser({ fullName: 'Võ Thị Mai' });
    const free = await ctx.createMachine(lab.id, { name: 'a-free' });
    const booked = await ctx.createMachine(lab.id, { name: 'b-booked' });
    const walkIn = await ctx.createMachine(lab.id, { name: 'c-walkin' });
    const maintained = await ctx.createMachine(lab.id, { name: 'd-maintenance' });
    const broken = await ctx.createMachine(lab.id, { name: 'e-broken', status: 'out_of_service' });
    const reserved = await ctx.createMachine(lab.id, { name: 'f-reserved' });

    const booking = await insertBooking(ctx, { machine: booked, userId: member.id, start: local('10:00'), end: local('12:00') });
    expect((await ctx.injectAs(member, { method: 'POST', url: `/api/bookings/${booking.id}/check-in` })).statusCode).toBe(200);
    await insertBooking(ctx, { machine: reserved, userId: member.id, start: local('10:00'), end: local('12:00') });
    expect((await ctx.injectAs(manager, { method: 'POST', url: '/api/usage', payload: { machineId: walkIn.id, start: local('10:15'), guest: { name: 'Khách', category: 'student' } } })).statusCode).toBe(201);
    expect((await ctx.injectAs(manager, { method: 'POST', url: `/api/machines/${maintained.id}/maintenance`, payload: { start: local('10:00'), end: local('11:00'), reason: 'Vệ sinh' } })).statusCode).toBe(201);
    // A finished session leaves its machine free.
    expect((await ctx.injectAs(manager, { method: 'POST', url: '/api/usage', payload: { machineId: free.id, start: local('09:00'), end: local('10:00'), userId: member.id } })).statusCode).toBe(201);

    const anonymous = await ctx.app.inject({ method: 'GET', url: `/api/labs/${lab.id}/status` });
    expect(anonymous.statusCode).toBe(200);
    const byId = (res: typeof anonymous) => new Map(res.json().machines.map((m: { machineId: string }) => [m.machineId, m]));
    const states = byId(anonymous);
    expect(states.get(free.id)).toMatchObject({ state: 'free' });
    expect(states.get(booked.id)).toMatchObject({ state: 'in_use', until: local('12:00') });
    expect(states.get(walkIn.id)).toMatchObject({ state: 'in_use', until: null });
    expect(states.get(maintained.id)).toMatchObject({ state: 'maintenance', until: local('11:00') });
    expect(states.get(broken.id)).toMatchObject({ state: 'out_of_service' });
    expect(states.get(reserved.id)).toMatchObject({ state: 'free' });
    expect(JSON.stringify(anonymous.json())).not.toContain('userName');

    const asMember = byId(await ctx.injectAs(member, { method: 'GET', url: `/api/labs/${lab.id}/status` }));
    expect(asMember.get(booked.id)).not.toHaveProperty('userName');
    const asManager = byId(await ctx.injectAs(manager, { method: 'GET', url: `/api/labs/${lab.id}/status` }));
    expect(asManager.get(booked.id)).toMatchObject({ state: 'in_use', userName: 'Võ Thị Mai' });
    expect(asManager.get(walkIn.id)).toMatchObject({ userName: 'Khách' });

    expect((await ctx.app.inject({ method: 'GET', url: '/api/labs/00000000-0000-4000-8000-000000000000/status' })).statusCode).toBe(404);
  });
});

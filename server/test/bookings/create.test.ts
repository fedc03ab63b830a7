import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  auditLog,
  bookings,
  certifications,
  machines,
  maintenanceWindows,
  notifications,
} from '../../src/db/schema/index.js';
import type { LabChange } from '../../src/lib/events.js';
import { createTestContext, fixedClock, type TestContext } from '../helpers/app.js';
import { NOW, book, local, setupLab } from './fixtures.js';

const tue = (hhmm: string) => local(`2026-06-02T${hhmm}`);

describe('creating a booking', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext({ clock: fixedClock(NOW) });
  });
  afterAll(() => ctx.close());

  async function addMaintenance(machineId: string, labId: string, start: string, end: string) {
    await ctx.db
      .insert(maintenanceWindows)
      .values({ machineId, labId, startAt: new Date(start), endAt: new Date(end), reason: 'Lens cleaning' });
  }

  it('approves at once where the machine needs no approval, and leaves it pending (managers told) where it does', async () => {
    const s = await setupLab(ctx);
    const res = await book(ctx, s.member, {
      machineId: s.machine.id,
      start: tue('09:00'),
      end: tue('10:00'),
      note: 'Acrylic sign',
    });
    expect(res.statusCode).toBe(201);
    const b = res.json();
    expect(b).toMatchObject({
      machineId: s.machine.id,
      labId: s.lab.id,
      userId: s.member.id,
      start: '2026-06-02T02:00:00.000Z',
      end: '2026-06-02T03:00:00.000Z',
      status: 'approved',
      purpose: 'personal_project',
      note: 'Acrylic sign',
      decidedAt: new Date(NOW).toISOString(),
      userName: 'Nguyễn Văn An',
    });
    const [row] = await ctx.db.select().from(bookings).where(eq(bookings.id, b.id));
    expect(row!.approvedAt?.toISOString()).toBe(new Date(NOW).toISOString());
    expect(row!.occupiedUntil.toISOString()).toBe('2026-06-02T03:00:00.000Z');

    const approval = await ctx.createMachine(s.lab.id, { requiresApproval: true });
    const pending = await book(ctx, s.member, { machineId: approval.id, start: tue('09:00'), end: tue('10:00') });
    expect(pending.statusCode).toBe(201);
    expect(pending.json()).toMatchObject({ status: 'pending', decidedAt: null, decidedBy: null });
    const told = await ctx.db.select().from(notifications).where(eq(notifications.userId, s.manager.id));
    expect(told).toEqual([
      expect.objectContaining({
        kind: 'booking_pending',
        data: expect.objectContaining({
          bookingId: pending.json().id,
          machineId: approval.id,
          machineName: approval.name,
          labId: s.lab.id,
        }),
      }),
    ]);
    const audit = await ctx.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.entityId, pending.json().id), eq(auditLog.action, 'booking.create')));
    expect(audit).toHaveLength(1);
    expect(audit[0]!.actorId).toBe(s.member.id);
  });

  it('lets a lab’s manager book for a member (approved at once), and nobody else', async () => {
    const s = await setupLab(ctx, { machine: { requiresApproval: true } });
    const res = await book(ctx, s.manager, {
      machineId: s.machine.id,
      start: tue('09:00'),
      end: tue('10:00'),
      userId: s.member.id,
    });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ userId: s.member.id, status: 'approved', decidedBy: s.manager.id });
    const own = await book(ctx, s.manager, { machineId: s.machine.id, start: tue('10:00'), end: tue('11:00') });
    expect(own.json()).toMatchObject({ userId: s.manager.id, status: 'approved' });

    const forOther = await book(ctx, s.member, {
      machineId: s.machine.id,
      start: tue('13:00'),
      end: tue('14:00'),
      userId: s.other.id,
    });
    expect(forOther.statusCode).toBe(403);
    const otherLab = await ctx.createLab();
    const otherManager = await ctx.createUser({ role: 'manager', manages: [otherLab.id] });
    const wrongLab = await book(ctx, otherManager, {
      machineId: s.machine.id,
      start: tue('13:00'),
      end: tue('14:00'),
      userId: s.member.id,
    });
    expect(wrongLab.statusCode).toBe(403);
    const admin = await ctx.createUser({ role: 'admin' });
    const byAdmin = await book(ctx, admin, {
      machineId: s.machine.id,
      start: tue('14:00'),
      end: tue('15:00'),
      userId: s.other.id,
    });
    expect(byAdmin.json()).toMatchObject({ status: 'approved', userId: s.other.id });
    const nobody = await book(ctx, s.manager, {
      machineId: s.machine.id,
      start: tue('15:00'),
      end: tue('16:00'),
      userId: '00000000-0000-4000-8000-000000000000',
    });
    expect(nobody.statusCode).toBe(404);
  });

  it('refuses bookings by or for department and administrator accounts (403): they hold no bookings', async () => {
    const s = await setupLab(ctx);
    const department = await ctx.createUser({ role: 'department' });
    const admin = await ctx.createUser({ role: 'admin' });
    for (const [who, start] of [[department, '09:00'], [admin, '10:00']] as const) {
      const own = await book(ctx, who, { machineId: s.machine.id, start: tue(start), end: tue(`${Number(start.slice(0, 2)) + 1}:00`) });
      expect(own.statusCode).toBe(403);
      expect(own.json().code).toBe('FORBIDDEN');
    }
    const forDepartment = await book(ctx, s.manager, { machineId: s.machine.id, start: tue('11:00'), end: tue('12:00'), userId: department.id });
    expect(forDepartment.statusCode).toBe(403);
    const forMember = await book(ctx, admin, { machineId: s.machine.id, start: tue('11:00'), end: tue('12:00'), userId: s.member.id });
    expect(forMember.statusCode).toBe(201);
  });

  it('answers 400 to malformed requests, 401 without a token and 404 for an unknown machine', async () => {
    const s = await setupLab(ctx);
    const base = { machineId: s.machine.id, start: tue('09:00'), end: tue('10:00') };
    const bad = [
      { ...base, note: 'x'.repeat(2001) },
      { ...base, purpose: 'partying' },
      { ...base, start: 'tomorrow morning' },
      { machineId: 'not-a-uuid', start: base.start, end: base.end },
    ];
    for (const body of bad) {
      const res = await book(ctx, s.member, body as typeof base);
      expect(res.statusCode, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(res.json().code).toBeTruthy();
    }
    const missing = await ctx.injectAs(s.member, {
      method: 'POST',
      url: '/api/bookings',
      payload: { machineId: s.machine.id, purpose: 'research' },
    });
    expect(missing.statusCode).toBe(400);
    expect((await book(ctx, s.member, { ...base, note: 'x'.repeat(2000) })).statusCode).toBe(201);
    expect(
      (await ctx.app.inject({ method: 'POST', url: '/api/bookings', payload: { ...base, purpose: 'research' } }))
        .statusCode,
    ).toBe(401);
    const unknown = await book(ctx, s.member, { ...base, machineId: '00000000-0000-4000-8000-000000000000' });
    expect(unknown.statusCode).toBe(404);
  });

  it('refuses a machine out of service or retired: 422 MACHINE_UNAVAILABLE', async () => {
    const s = await setupLab(ctx);
    for (const status of ['out_of_service', 'retired'] as const) {
      const m = await ctx.createMachine(s.lab.id, { status });
      const res = await book(ctx, s.member, { machineId: m.id, start: tue('09:00'), end: tue('10:00') });
      expect(res.statusCode).toBe(422);
      expect(res.json()).toMatchObject({ code: 'MACHINE_UNAVAILABLE', error: 'Unprocessable Entity' });
    }
  });

  it('refuses bad lengths and times off the slot grid: 422 INVALID_DURATION', async () => {
    const s = await setupLab(ctx, { machine: { minMinutes: 60, maxMinutes: 120, slotMinutes: 30 } });
    const cases: Array<[string, string]> = [
      ['10:00', '10:00'], // end = start
      ['10:00', '09:00'], // end before start
      ['10:00', '10:30'], // below minMinutes
      ['09:00', '11:30'], // above maxMinutes
      ['09:15', '10:15'], // off the 30-minute grid
      ['09:00', '10:10'],
    ];
    for (const [from, to] of cases) {
      const res = await book(ctx, s.member, { machineId: s.machine.id, start: tue(from), end: tue(to) });
      expect(res.statusCode, `${from}-${to}`).toBe(422);
      expect(res.json().code).toBe('INVALID_DURATION');
    }
    // Seconds off the grid are off it too.
    const seconds = await book(ctx, s.member, {
      machineId: s.machine.id,
      start: '2026-06-02T02:00:30.000Z',
      end: '2026-06-02T03:00:30.000Z',
    });
    expect(seconds.json().code).toBe('INVALID_DURATION');
    expect(
      (await book(ctx, s.member, { machineId: s.machine.id, start: tue('09:00'), end: tue('11:00') })).statusCode,
    ).toBe(201);
    // The grid is anchored at local midnight: 45-minute slots start at 08:15, not at 08:00.
    const odd = await ctx.createMachine(s.lab.id, { minMinutes: 45, maxMinutes: 90, slotMinutes: 45 });
    expect((await book(ctx, s.member, { machineId: odd.id, start: tue('08:00'), end: tue('08:45') })).json().code).toBe(
      'INVALID_DURATION',
    );
    expect((await book(ctx, s.member, { machineId: odd.id, start: tue('08:15'), end: tue('09:00') })).statusCode).toBe(
      201,
    );
  });

  it('refuses a start before now: 422 IN_THE_PAST', async () => {
    const s = await setupLab(ctx);
    // Now is Monday 08:00; 07:30 the same morning has passed (and the lab opens at 08:00 anyway).
    const res = await book(ctx, s.member, {
      machineId: s.machine.id,
      start: local('2026-05-29T09:00'),
      end: local('2026-05-29T10:00'),
    });
    expect(res.statusCode).toBe(422);
    expect(res.json().code).toBe('IN_THE_PAST');
    expect(
      (await book(ctx, s.member, { machineId: s.machine.id, start: NOW, end: local('2026-06-01T09:00') })).statusCode,
    ).toBe(201);
  });

  it('refuses a start further ahead than maxAdvanceDays: 422 TOO_FAR_AHEAD', async () => {
    const s = await setupLab(ctx, { settings: { maxAdvanceDays: 10 } });
    // Today is 1 June; ten days ahead is Thursday 11 June, the whole of it.
    const last = await book(ctx, s.member, {
      machineId: s.machine.id,
      start: local('2026-06-11T16:00'),
      end: local('2026-06-11T17:00'),
    });
    expect(last.statusCode).toBe(201);
    const beyond = await book(ctx, s.member, {
      machineId: s.machine.id,
      start: local('2026-06-12T08:00'),
      end: local('2026-06-12T09:00'),
    });
    expect(beyond.statusCode).toBe(422);
    expect(beyond.json().code).toBe('TOO_FAR_AHEAD');
  });

  it('refuses bookings outside opening hours, and lets an unattended machine run past closing: 422 OUTSIDE_OPENING_HOURS', async () => {
    const s = await setupLab(ctx);
    const saturday = await book(ctx, s.member, {
      machineId: s.machine.id,
      start: local('2026-06-06T09:00'),
      end: local('2026-06-06T10:00'),
    });
    expect(saturday.json().code).toBe('OUTSIDE_OPENING_HOURS');
    const pastClosing = await book(ctx, s.member, { machineId: s.machine.id, start: tue('16:00'), end: tue('18:00') });
    expect(pastClosing.statusCode).toBe(422);
    expect(pastClosing.json().code).toBe('OUTSIDE_OPENING_HOURS');
    expect(
      (await book(ctx, s.member, { machineId: s.machine.id, start: tue('16:00'), end: tue('17:00') })).statusCode,
    ).toBe(201);

    const printer = await ctx.createMachine(s.lab.id, { type: 'fdm_printer', mayRunUnattended: true, maxMinutes: 720 });
    const overnight = await book(ctx, s.member, {
      machineId: printer.id,
      start: tue('16:00'),
      end: local('2026-06-03T02:00'),
    });
    expect(overnight.statusCode).toBe(201);
    const startsClosed = await book(ctx, s.member, {
      machineId: printer.id,
      start: local('2026-06-03T17:00'),
      end: local('2026-06-03T20:00'),
    });
    expect(startsClosed.json().code).toBe('OUTSIDE_OPENING_HOURS');
  });

  it('asks for a valid certification where the machine needs one: 403 CERTIFICATION_REQUIRED', async () => {
    const s = await setupLab(ctx, { machine: { requiresCertification: true, type: 'cnc_router' } });
    const slot = { machineId: s.machine.id, start: tue('09:00'), end: tue('10:00') };
    const none = await book(ctx, s.member, slot);
    expect(none.statusCode).toBe(403);
    expect(none.json()).toMatchObject({ code: 'CERTIFICATION_REQUIRED', error: 'Forbidden' });

    // Certified for another type, in another lab, revoked, or expiring before the start: still no.
    const otherLab = await ctx.createLab();
    await ctx.db.insert(certifications).values([
      { userId: s.member.id, labId: s.lab.id, machineType: 'laser_cutter' },
      { userId: s.member.id, labId: otherLab.id, machineType: 'cnc_router' },
      { userId: s.member.id, labId: s.lab.id, machineType: 'cnc_router', revokedAt: new Date('2026-05-01T00:00:00Z') },
      {
        userId: s.member.id,
        labId: s.lab.id,
        machineType: 'cnc_router',
        expiresAt: new Date(local('2026-06-02T08:00')),
      },
    ]);
    expect((await book(ctx, s.member, slot)).json().code).toBe('CERTIFICATION_REQUIRED');

    await ctx.db
      .insert(certifications)
      .values({
        userId: s.member.id,
        labId: s.lab.id,
        machineType: 'cnc_router',
        expiresAt: new Date('2027-01-01T00:00:00Z'),
      });
    expect((await book(ctx, s.member, slot)).statusCode).toBe(201);
    // The lab's managers are the ones who certify: they need none.
    expect((await book(ctx, s.manager, { ...slot, start: tue('10:00'), end: tue('11:00') })).statusCode).toBe(201);
  });

  it('lets a certification lapse after certificationLapseMonths without use', async () => {
    const s = await setupLab(ctx, {
      settings: { certificationLapseMonths: 6 },
      machine: { requiresCertification: true },
    });
    await ctx.db
      .insert(certifications)
      .values({
        userId: s.member.id,
        labId: s.lab.id,
        machineType: 'laser_cutter',
        grantedAt: new Date('2025-10-01T00:00:00Z'),
      });
    const res = await book(ctx, s.member, { machineId: s.machine.id, start: tue('09:00'), end: tue('10:00') });
    expect(res.json().code).toBe('CERTIFICATION_REQUIRED');
    await ctx.db
      .insert(certifications)
      .values({
        userId: s.other.id,
        labId: s.lab.id,
        machineType: 'laser_cutter',
        grantedAt: new Date('2026-03-01T00:00:00Z'),
      });
    expect(
      (await book(ctx, s.other, { machineId: s.machine.id, start: tue('09:00'), end: tue('10:00') })).statusCode,
    ).toBe(201);
  });

  it('keeps each member within the weekly hours of the lab: 422 QUOTA_EXCEEDED', async () => {
    const s = await setupLab(ctx, { settings: { weeklyQuotaHours: 3 } });
    const second = await ctx.createMachine(s.lab.id, { requiresApproval: true });
    expect(
      (await book(ctx, s.member, { machineId: s.machine.id, start: tue('09:00'), end: tue('11:00') })).statusCode,
    ).toBe(201);
    // Pending bookings count too.
    expect(
      (
        await book(ctx, s.member, {
          machineId: second.id,
          start: local('2026-06-03T09:00'),
          end: local('2026-06-03T10:00'),
        })
      ).json().status,
    ).toBe('pending');
    const over = await book(ctx, s.member, {
      machineId: s.machine.id,
      start: local('2026-06-05T09:00'),
      end: local('2026-06-05T09:30'),
    });
    expect(over.statusCode).toBe(422);
    expect(over.json().code).toBe('QUOTA_EXCEEDED');
    // The next ISO week (from Monday 00:00 local) starts afresh; another member has their own hours.
    expect(
      (
        await book(ctx, s.member, {
          machineId: s.machine.id,
          start: local('2026-06-08T09:00'),
          end: local('2026-06-08T11:00'),
        })
      ).statusCode,
    ).toBe(201);
    expect(
      (
        await book(ctx, s.other, {
          machineId: s.machine.id,
          start: local('2026-06-05T09:00'),
          end: local('2026-06-05T12:00'),
        })
      ).statusCode,
    ).toBe(201);
    // Hours in another lab do not count here; the lab's manager has no quota.
    const otherLab = await ctx.createLab({ settings: { weeklyQuotaHours: 3 } });
    const elsewhere = await ctx.createMachine(otherLab.id);
    expect(
      (await book(ctx, s.member, { machineId: elsewhere.id, start: tue('13:00'), end: tue('15:00') })).statusCode,
    ).toBe(201);
    expect(
      (
        await book(ctx, s.manager, {
          machineId: s.machine.id,
          start: local('2026-06-04T08:00'),
          end: local('2026-06-04T12:00'),
        })
      ).statusCode,
    ).toBe(201);
    expect(
      (
        await book(ctx, s.manager, {
          machineId: second.id,
          start: local('2026-06-04T08:00'),
          end: local('2026-06-04T12:00'),
        })
      ).statusCode,
    ).toBe(201);
  });

  it('does not count cancelled bookings against the quota', async () => {
    const s = await setupLab(ctx, { settings: { weeklyQuotaHours: 2 } });
    const first = await book(ctx, s.member, { machineId: s.machine.id, start: tue('09:00'), end: tue('11:00') });
    expect(
      (await book(ctx, s.member, { machineId: s.machine.id, start: tue('13:00'), end: tue('14:00') })).json().code,
    ).toBe('QUOTA_EXCEEDED');
    await ctx.injectAs(s.member, { method: 'POST', url: `/api/bookings/${first.json().id}/cancel`, payload: {} });
    expect(
      (await book(ctx, s.member, { machineId: s.machine.id, start: tue('13:00'), end: tue('15:00') })).statusCode,
    ).toBe(201);
  });

  it('refuses overlap with a maintenance window, buffer included: 409 MAINTENANCE_CONFLICT', async () => {
    const s = await setupLab(ctx, { machine: { bufferMinutes: 30 } });
    await addMaintenance(s.machine.id, s.lab.id, tue('11:00'), tue('13:00'));
    const over = await book(ctx, s.member, { machineId: s.machine.id, start: tue('12:00'), end: tue('14:00') });
    expect(over.statusCode).toBe(409);
    expect(over.json()).toMatchObject({ code: 'MAINTENANCE_CONFLICT', error: 'Conflict' });
    // 10:00–10:30 plus 30 minutes of cooling reaches 11:00 exactly: allowed. 10:00–11:00 is not.
    expect(
      (await book(ctx, s.member, { machineId: s.machine.id, start: tue('10:30'), end: tue('11:00') })).json().code,
    ).toBe('MAINTENANCE_CONFLICT');
    expect(
      (await book(ctx, s.member, { machineId: s.machine.id, start: tue('10:00'), end: tue('10:30') })).statusCode,
    ).toBe(201);
    expect(
      (await book(ctx, s.member, { machineId: s.machine.id, start: tue('13:00'), end: tue('14:00') })).statusCode,
    ).toBe(201);
  });

  it('refuses overlap with a slot-holding booking; adjacent bookings fit; cancelling frees the slot; the buffer is kept', async () => {
    const s = await setupLab(ctx);
    const first = await book(ctx, s.member, { machineId: s.machine.id, start: tue('09:00'), end: tue('10:00') });
    expect(first.statusCode).toBe(201);
    const clash = await book(ctx, s.other, { machineId: s.machine.id, start: tue('09:30'), end: tue('10:30') });
    expect(clash.statusCode).toBe(409);
    expect(clash.json()).toMatchObject({ statusCode: 409, code: 'BOOKING_CONFLICT', error: 'Conflict' });
    expect(
      (await book(ctx, s.other, { machineId: s.machine.id, start: tue('08:00'), end: tue('10:30') })).json().code,
    ).toBe('BOOKING_CONFLICT');
    // Back to back, before and after.
    expect(
      (await book(ctx, s.other, { machineId: s.machine.id, start: tue('10:00'), end: tue('11:00') })).statusCode,
    ).toBe(201);
    expect(
      (await book(ctx, s.other, { machineId: s.machine.id, start: tue('08:00'), end: tue('09:00') })).statusCode,
    ).toBe(201);

    const cancel = await ctx.injectAs(s.member, { method: 'POST', url: `/api/bookings/${first.json().id}/cancel` });
    expect(cancel.statusCode).toBe(200);
    expect(
      (await book(ctx, s.other, { machineId: s.machine.id, start: tue('09:00'), end: tue('10:00') })).statusCode,
    ).toBe(201);

    // A laser that cools for 30 minutes after each booking.
    const laser = await ctx.createMachine(s.lab.id, { bufferMinutes: 30 });
    expect(
      (await book(ctx, s.member, { machineId: laser.id, start: tue('09:00'), end: tue('10:00') })).statusCode,
    ).toBe(201);
    expect(
      (await book(ctx, s.other, { machineId: laser.id, start: tue('10:00'), end: tue('11:00') })).json().code,
    ).toBe('BOOKING_CONFLICT');
    expect((await book(ctx, s.other, { machineId: laser.id, start: tue('10:30'), end: tue('11:30') })).statusCode).toBe(
      201,
    );
    // The buffer of a booking that ends later does not reach back: 08:00–09:00 + 30 min overlaps 09:00.
    expect(
      (await book(ctx, s.other, { machineId: laser.id, start: tue('08:00'), end: tue('09:00') })).json().code,
    ).toBe('BOOKING_CONFLICT');
    // Another machine is another calendar.
    const other = await ctx.createMachine(s.lab.id);
    expect((await book(ctx, s.other, { machineId: other.id, start: tue('09:00'), end: tue('10:00') })).statusCode).toBe(
      201,
    );
  });

  it('names the first broken rule, in API.md’s order, when several are broken', async () => {
    const s = await setupLab(ctx, {
      settings: { weeklyQuotaHours: 1, maxAdvanceDays: 10 },
      machine: { requiresCertification: true, minMinutes: 60, maxMinutes: 120 },
    });
    const m = s.machine;
    const setStatus = (status: 'available' | 'out_of_service') =>
      ctx.db.update(machines).set({ status }).where(eq(machines.id, m.id));
    const code = async (start: string, end: string, who = s.member) =>
      (await book(ctx, who, { machineId: m.id, start, end })).json().code;

    // Set the scene: a maintenance window, another member's booking, and quota used by the member.
    await ctx.db.insert(certifications).values({ userId: s.other.id, labId: s.lab.id, machineType: m.type });
    await addMaintenance(m.id, s.lab.id, local('2026-06-03T13:00'), local('2026-06-03T15:00'));
    expect(
      (await book(ctx, s.other, { machineId: m.id, start: local('2026-06-04T09:00'), end: local('2026-06-04T10:00') }))
        .statusCode,
    ).toBe(201);

    await setStatus('out_of_service');
    // Out of service + too short + in the past + on a Saturday.
    expect(await code(local('2026-05-30T09:00'), local('2026-05-30T09:30'))).toBe('MACHINE_UNAVAILABLE');
    await setStatus('available');
    expect(await code(local('2026-05-30T09:00'), local('2026-05-30T09:30'))).toBe('INVALID_DURATION');
    expect(await code(local('2026-05-30T09:00'), local('2026-05-30T10:00'))).toBe('IN_THE_PAST');
    // Too far ahead and on a Saturday.
    expect(await code(local('2026-06-20T09:00'), local('2026-06-20T10:00'))).toBe('TOO_FAR_AHEAD');
    // Saturday, uncertified.
    expect(await code(local('2026-06-06T09:00'), local('2026-06-06T10:00'))).toBe('OUTSIDE_OPENING_HOURS');
    // Uncertified, over the quota, during maintenance.
    expect(await code(local('2026-06-03T13:00'), local('2026-06-03T15:00'))).toBe('CERTIFICATION_REQUIRED');
    // Certified other member: over the quota and during maintenance.
    expect(await code(local('2026-06-03T13:00'), local('2026-06-03T15:00'), s.other)).toBe('QUOTA_EXCEEDED');
    // A certified member with hours left: during maintenance and overlapping a booking.
    await ctx.db.insert(certifications).values({ userId: s.member.id, labId: s.lab.id, machineType: m.type });
    await ctx.db
      .insert(maintenanceWindows)
      .values({
        machineId: m.id,
        labId: s.lab.id,
        startAt: new Date(local('2026-06-04T09:30')),
        endAt: new Date(local('2026-06-04T10:30')),
        reason: 'x',
      });
    expect(await code(local('2026-06-04T09:00'), local('2026-06-04T10:00'))).toBe('MAINTENANCE_CONFLICT');
    expect(await code(local('2026-06-04T08:30'), local('2026-06-04T09:30'))).toBe('BOOKING_CONFLICT');
  });

  it('tells live calendars after the booking committed', async () => {
    const s = await setupLab(ctx);
    const seen: LabChange[] = [];
    const stop = ctx.app.labEvents.subscribe((c) => seen.push(c));
    try {
      await book(ctx, s.member, { machineId: s.machine.id, start: tue('09:00'), end: tue('10:00') });
      await book(ctx, s.other, { machineId: s.machine.id, start: tue('09:00'), end: tue('10:00') }); // refused: no event
    } finally {
      stop();
    }
    expect(seen).toEqual([{ labId: s.lab.id, kind: 'booking', machineIds: [s.machine.id] }]);
  });
});

describe('booking rate limit', () => {
  let ctx: TestContext;
  const clock = fixedClock(NOW);
  beforeAll(async () => {
    ctx = await createTestContext({
      clock,
      config: {
        rateLimits: {
          loginFailuresPerEmail: 10,
          loginFailuresPerAddress: 10_000,
          loginFailuresPerAccountPerHour: 10_000,
          authPerMinute: 10_000,
          registrationsPerHour: 10_000,
          bookingsPerMinute: 3,
        },
      },
    });
  });
  afterAll(() => ctx.close());

  it('answers 429 TOO_MANY_REQUESTS with Retry-After past bookingsPerMinute new bookings by one user', async () => {
    const s = await setupLab(ctx);
    const codes: number[] = [];
    for (const hour of ['09', '10', '11', '13']) {
      codes.push(
        (await book(ctx, s.member, { machineId: s.machine.id, start: tue(`${hour}:00`), end: tue(`${hour}:30`) }))
          .statusCode,
      );
    }
    expect(codes).toEqual([201, 201, 201, 429]);
    const limited = await book(ctx, s.member, { machineId: s.machine.id, start: tue('14:00'), end: tue('14:30') });
    expect(limited.json().code).toBe('TOO_MANY_REQUESTS');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    // Another member has a budget of their own; a minute later the member may book again.
    expect(
      (await book(ctx, s.other, { machineId: s.machine.id, start: tue('14:00'), end: tue('14:30') })).statusCode,
    ).toBe(201);
    clock.advance(61_000);
    expect(
      (await book(ctx, s.member, { machineId: s.machine.id, start: tue('15:00'), end: tue('15:30') })).statusCode,
    ).toBe(201);
  });
});

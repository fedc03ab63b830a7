// A lab may recognise another lab's certifications for a machine type: a member trained on CNC
// routers in lab A then books, checks in on and starts lab B's CNC router without training again,
// for as long as B keeps recognising A for that type.
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, bookings } from '../../src/db/schema/index.js';
import { book, local, NOW } from '../bookings/fixtures.js';
import { createTestContext, fixedClock, type TestContext, type TestUser } from '../helpers/app.js';
import { insertCertification } from '../usage/fixtures.js';

const tue = (hhmm: string) => local(`2026-06-02T${hhmm}`);

describe('recognition of other labs’ certifications', () => {
  const clock = fixedClock(NOW);
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext({ clock });
  });
  afterAll(() => ctx?.close());

  async function setup() {
    clock.set(NOW);
    const labA = await ctx.createLab();
    const labB = await ctx.createLab();
    const managerA = await ctx.createUser({ role: 'manager', manages: [labA.id] });
    const managerB = await ctx.createUser({ role: 'manager', manages: [labB.id] });
    const member = await ctx.createUser({ fullName: 'Võ Minh Khoa' });
    const routerB = await ctx.createMachine(labB.id, {
      name: 'CNC router B',
      type: 'cnc_router',
      requiresCertification: true,
    });
    const cert = await insertCertification(ctx, {
      userId: member.id,
      labId: labA.id,
      machineType: 'cnc_router',
      grantedAt: '2026-05-01T00:00:00Z',
    });
    return { labA, labB, managerA, managerB, member, routerB, cert };
  }

  const recognitions = (user: TestUser | null, labId: string, method: 'GET' | 'POST' | 'DELETE', payload?: object) =>
    ctx.injectAs(user, { method, url: `/api/labs/${labId}/recognitions`, ...(payload ? { payload } : {}) });

  it('lets a member certified in A book B’s machine once B recognises A for the type, and not after it stops', async () => {
    const { labA, labB, managerB, member, routerB } = await setup();
    const first = { machineId: routerB.id, start: tue('09:00'), end: tue('10:00') };
    const before = await book(ctx, member, first);
    expect(before.statusCode).toBe(403);
    expect(before.json().code).toBe('CERTIFICATION_REQUIRED');

    const added = await recognitions(managerB, labB.id, 'POST', {
      recognizedLabId: labA.id,
      machineType: 'cnc_router',
    });
    expect(added.statusCode).toBe(201);
    expect(added.json()).toEqual({
      labId: labB.id,
      recognizedLabId: labA.id,
      machineType: 'cnc_router',
      createdBy: managerB.id,
      createdAt: new Date(NOW).toISOString(),
    });
    const listed = await recognitions(managerB, labB.id, 'GET');
    expect(listed.statusCode).toBe(200);
    expect(listed.json()).toEqual({ items: [added.json()], total: 1 });
    const audits = await ctx.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.labId, labB.id), eq(auditLog.action, 'recognition.create')));
    expect(audits).toEqual([
      expect.objectContaining({
        actorId: managerB.id,
        entityType: 'lab',
        details: { recognizedLabId: labA.id, machineType: 'cnc_router' },
      }),
    ]);

    const booked = await book(ctx, member, first);
    expect(booked.statusCode).toBe(201);

    const removed = await recognitions(managerB, labB.id, 'DELETE', {
      recognizedLabId: labA.id,
      machineType: 'cnc_router',
    });
    expect(removed.statusCode).toBe(204);
    expect((await recognitions(managerB, labB.id, 'GET')).json()).toEqual({ items: [], total: 0 });
    expect(
      await ctx.db
        .select()
        .from(auditLog)
        .where(and(eq(auditLog.labId, labB.id), eq(auditLog.action, 'recognition.delete'))),
    ).toHaveLength(1);
    const after = await book(ctx, member, { ...first, start: tue('10:00'), end: tue('11:00') });
    expect(after.statusCode).toBe(403);
    expect(after.json().code).toBe('CERTIFICATION_REQUIRED');
    const again = await recognitions(managerB, labB.id, 'DELETE', {
      recognizedLabId: labA.id,
      machineType: 'cnc_router',
    });
    expect(again.statusCode).toBe(404);

    // Check-in asks the same question: refused while B does not recognise A, let in once it does.
    const booking = booked.json() as { id: string };
    clock.set(tue('09:00'));
    const refused = await ctx.injectAs(member, { method: 'POST', url: `/api/bookings/${booking.id}/check-in` });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().code).toBe('CERTIFICATION_REQUIRED');
    await recognitions(managerB, labB.id, 'POST', { recognizedLabId: labA.id, machineType: 'cnc_router' });
    const checkedIn = await ctx.injectAs(member, { method: 'POST', url: `/api/bookings/${booking.id}/check-in` });
    expect(checkedIn.statusCode).toBe(200);
    const [row] = await ctx.db.select().from(bookings).where(eq(bookings.id, booking.id));
    expect(row!.status).toBe('checked_in');
  });

  it('counts only that type, only one way, and only a certification valid where it was granted', async () => {
    const { labA, labB, managerA, managerB, member, routerB } = await setup();
    await recognitions(managerB, labB.id, 'POST', { recognizedLabId: labA.id, machineType: 'laser_cutter' });
    const laserB = await ctx.createMachine(labB.id, { type: 'laser_cutter', requiresCertification: true });
    // Recognised for laser cutters only: the CNC certification does not count in B.
    expect(
      (await book(ctx, member, { machineId: routerB.id, start: tue('09:00'), end: tue('10:00') })).json().code,
    ).toBe('CERTIFICATION_REQUIRED');
    // The member holds no laser cutter certification in A, so the recognition gives nothing.
    expect(
      (await book(ctx, member, { machineId: laserB.id, start: tue('09:00'), end: tue('10:00') })).json().code,
    ).toBe('CERTIFICATION_REQUIRED');

    // A does not recognise B because B recognises A.
    const other = await ctx.createUser();
    await insertCertification(ctx, {
      userId: other.id,
      labId: labB.id,
      machineType: 'cnc_router',
      grantedAt: '2026-05-01T00:00:00Z',
    });
    await recognitions(managerB, labB.id, 'POST', { recognizedLabId: labA.id, machineType: 'cnc_router' });
    const routerA = await ctx.createMachine(labA.id, { type: 'cnc_router', requiresCertification: true });
    expect(
      (await book(ctx, other, { machineId: routerA.id, start: tue('09:00'), end: tue('10:00') })).json().code,
    ).toBe('CERTIFICATION_REQUIRED');

    // Revoked or expired in A: nothing to recognise. A lapse in A (unused too long) likewise.
    const revoked = await ctx.createUser();
    await insertCertification(ctx, {
      userId: revoked.id,
      labId: labA.id,
      machineType: 'cnc_router',
      grantedAt: '2026-05-01T00:00:00Z',
      revokedAt: '2026-05-20T00:00:00Z',
    });
    const expired = await ctx.createUser();
    await insertCertification(ctx, {
      userId: expired.id,
      labId: labA.id,
      machineType: 'cnc_router',
      grantedAt: '2026-01-01T00:00:00Z',
      expiresAt: '2026-05-31T00:00:00Z',
    });
    for (const who of [revoked, expired]) {
      expect(
        (await book(ctx, who, { machineId: routerB.id, start: tue('11:00'), end: tue('12:00') })).json().code,
      ).toBe('CERTIFICATION_REQUIRED');
    }
    const lapsingLab = await ctx.createLab({ settings: { certificationLapseMonths: 3 } });
    const lapsed = await ctx.createUser();
    await insertCertification(ctx, {
      userId: lapsed.id,
      labId: lapsingLab.id,
      machineType: 'cnc_router',
      grantedAt: '2026-01-05T00:00:00Z',
    });
    await recognitions(managerB, labB.id, 'POST', { recognizedLabId: lapsingLab.id, machineType: 'cnc_router' });
    expect(
      (await book(ctx, lapsed, { machineId: routerB.id, start: tue('11:00'), end: tue('12:00') })).json().code,
    ).toBe('CERTIFICATION_REQUIRED');

    // The member certified in A, where it is valid, books B's router.
    expect(
      (await book(ctx, member, { machineId: routerB.id, start: tue('13:00'), end: tue('14:00') })).statusCode,
    ).toBe(201);
    // A's own manager may not decide what B recognises.
    expect(
      (await recognitions(managerA, labB.id, 'POST', { recognizedLabId: labA.id, machineType: 'pcb_mill' })).statusCode,
    ).toBe(403);
  });

  it('lists where each certification counts: its lab and the labs recognising that lab for the type', async () => {
    const { labA, labB, managerB, member, cert } = await setup();
    const labC = await ctx.createLab();
    const managerC = await ctx.createUser({ role: 'manager', manages: [labC.id] });
    const laser = await insertCertification(ctx, {
      userId: member.id,
      labId: labA.id,
      machineType: 'laser_cutter',
      grantedAt: '2026-05-02T00:00:00Z',
    });
    await recognitions(managerB, labB.id, 'POST', { recognizedLabId: labA.id, machineType: 'cnc_router' });
    await recognitions(managerC, labC.id, 'POST', { recognizedLabId: labA.id, machineType: 'cnc_router' });
    // C recognising B says nothing about A's certifications.
    await recognitions(managerC, labC.id, 'POST', { recognizedLabId: labB.id, machineType: 'laser_cutter' });

    const res = await ctx.injectAs(member, { method: 'GET', url: '/api/certifications' });
    expect(res.statusCode).toBe(200);
    const byId = new Map(
      (res.json().items as Array<{ id: string; countsIn: string[] }>).map((c) => [c.id, c.countsIn]),
    );
    expect(byId.get(cert.id)![0]).toBe(labA.id);
    expect([...byId.get(cert.id)!].sort()).toEqual([labA.id, labB.id, labC.id].sort());
    expect(byId.get(laser.id)).toEqual([labA.id]);
  });

  it('lets only the lab’s managers and admins read and change its recognitions, and checks what they name', async () => {
    const { labA, labB, managerA, member } = await setup();
    const admin = await ctx.createUser({ role: 'admin' });
    const department = await ctx.createUser({ role: 'department' });
    const body = { recognizedLabId: labA.id, machineType: 'cnc_router' };
    expect((await recognitions(null, labB.id, 'GET')).statusCode).toBe(401);
    for (const who of [member, managerA, department]) {
      expect((await recognitions(who, labB.id, 'GET')).statusCode).toBe(403);
      expect((await recognitions(who, labB.id, 'POST', body)).statusCode).toBe(403);
      expect((await recognitions(who, labB.id, 'DELETE', body)).statusCode).toBe(403);
    }
    expect((await recognitions(admin, labB.id, 'POST', body)).statusCode).toBe(201);
    const twice = await recognitions(admin, labB.id, 'POST', body);
    expect(twice.statusCode).toBe(409);
    expect(twice.json().code).toBe('CONFLICT');
    expect((await recognitions(admin, labB.id, 'GET')).json().total).toBe(1);

    const itself = await recognitions(admin, labB.id, 'POST', { recognizedLabId: labB.id, machineType: 'cnc_router' });
    expect(itself.statusCode).toBe(400);
    const unknownType = await recognitions(admin, labB.id, 'POST', {
      recognizedLabId: labA.id,
      machineType: 'hologram_printer',
    });
    expect(unknownType.statusCode).toBe(400);
    expect(unknownType.json().code).toBe('UNKNOWN_MACHINE_TYPE');
    const nowhere = '00000000-0000-4000-8000-000000000000';
    expect(
      (await recognitions(admin, labB.id, 'POST', { recognizedLabId: nowhere, machineType: 'cnc_router' })).statusCode,
    ).toBe(404);
    expect((await recognitions(admin, nowhere, 'GET')).statusCode).toBe(404);
    expect((await recognitions(admin, labB.id, 'DELETE', body)).statusCode).toBe(204);
  });
});

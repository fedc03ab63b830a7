import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, certifications, notifications } from '../../src/db/schema/index.js';
import { hasValidCertification } from '../../src/modules/certifications/certification-rules.js';
import { createTestContext, fixedClock, type TestContext } from '../helpers/app.js';
import { insertCertification, insertSession } from '../usage/fixtures.js';

describe('certifications', () => {
  const clock = fixedClock('2026-03-02T02:00:00Z');
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext({ clock });
  });
  afterAll(() => ctx.close());

  it('lets a lab’s manager certify a member, who is told', async () => {
    clock.set('2026-03-02T02:00:00Z');
    const lab = await ctx.createLab();
    const manager = await ctx.createUser({ role: 'manager', manages: [lab.id] });
    const member = await ctx.createUser({ fullName: 'Đặng Thu Trang' });
    const res = await ctx.injectAs(manager, {
      method: 'POST',
      url: `/api/labs/${lab.id}/certifications`,
      payload: { userId: member.id, machineType: 'laser_cutter', expiresAt: '2027-03-02T00:00:00Z' },
    });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({
      userId: member.id,
      labId: lab.id,
      machineType: 'laser_cutter',
      grantedBy: manager.id,
      grantedAt: '2026-03-02T02:00:00.000Z',
      expiresAt: '2027-03-02T00:00:00.000Z',
      revokedAt: null,
      state: 'valid',
      userName: 'Đặng Thu Trang',
    });
    const told = await ctx.db.select().from(notifications).where(eq(notifications.userId, member.id));
    expect(told).toEqual([
      expect.objectContaining({ kind: 'certification_granted', data: expect.objectContaining({ certificationId: res.json().id, labId: lab.id, machineType: 'laser_cutter' }) }),
    ]);
    const audits = await ctx.db.select().from(auditLog).where(and(eq(auditLog.entityId, res.json().id), eq(auditLog.action, 'certification.grant')));
    expect(audits).toHaveLength(1);
    expect(
      await hasValidCertification(ctx.db, { userId: member.id, labId: lab.id, machineType: 'laser_cutter', at: new Date('2026-03-03T00:00:00Z'), lapseMonths: null }),
    ).toBe(true);
  });

  it('refuses certifying by others, for unknown members or labs, and with an expiry in the past', async () => {
    const lab = await ctx.createLab();
    const manager = await ctx.createUser({ role: 'manager', manages: [lab.id] });
    const otherManager = await ctx.createUser({ role: 'manager', manages: [(await ctx.createLab()).id] });
    const member = await ctx.createUser();
    const url = `/api/labs/${lab.id}/certifications`;
    const payload = { userId: member.id, machineType: 'cnc_router' };
    expect((await ctx.injectAs(member, { method: 'POST', url, payload })).statusCode).toBe(403);
    expect((await ctx.injectAs(otherManager, { method: 'POST', url, payload })).statusCode).toBe(403);
    expect((await ctx.injectAs(manager, { method: 'POST', url, payload: { ...payload, userId: '00000000-0000-4000-8000-000000000000' } })).statusCode).toBe(404);
    expect((await ctx.injectAs(manager, { method: 'POST', url: '/api/labs/00000000-0000-4000-8000-000000000000/certifications', payload })).statusCode).toBe(404);
    expect((await ctx.injectAs(manager, { method: 'POST', url, payload: { ...payload, expiresAt: '2026-01-01T00:00:00Z' } })).statusCode).toBe(400);
    expect((await ctx.injectAs(manager, { method: 'POST', url, payload: { ...payload, machineType: 'Laser Cutter!' } })).statusCode).toBe(400);
  });

  it('lists: a member sees their own, managers and admins anyone’s, each with its state', async () => {
    clock.set('2026-03-02T02:00:00Z');
    const lab = await ctx.createLab({ settings: { certificationLapseMonths: 6 } });
    const manager = await ctx.createUser({ role: 'manager', manages: [lab.id] });
    const member = await ctx.createUser();
    const other = await ctx.createUser();
    const valid = await insertCertification(ctx, { userId: member.id, labId: lab.id, machineType: 'laser_cutter', grantedAt: '2026-02-01T00:00:00Z' });
    const expired = await insertCertification(ctx, { userId: member.id, labId: lab.id, machineType: 'pcb_mill', grantedAt: '2025-12-01T00:00:00Z', expiresAt: '2026-03-01T00:00:00Z' });
    const lapsed = await insertCertification(ctx, { userId: member.id, labId: lab.id, machineType: 'cnc_router', grantedAt: '2025-08-01T00:00:00Z' });
    await insertCertification(ctx, { userId: other.id, labId: lab.id, machineType: 'laser_cutter', grantedAt: '2026-02-01T00:00:00Z' });

    const mine = await ctx.injectAs(member, { method: 'GET', url: '/api/certifications' });
    expect(mine.statusCode).toBe(200);
    expect(mine.json().total).toBe(3);
    const state = new Map(mine.json().items.map((c: { id: string; state: string }) => [c.id, c.state]));
    expect(state.get(valid.id)).toBe('valid');
    expect(state.get(expired.id)).toBe('expired');
    expect(state.get(lapsed.id)).toBe('lapsed');
    expect((await ctx.injectAs(member, { method: 'GET', url: `/api/certifications?userId=${other.id}` })).statusCode).toBe(403);

    const byManager = await ctx.injectAs(manager, { method: 'GET', url: `/api/certifications?labId=${lab.id}&machineType=laser_cutter` });
    expect(byManager.json().total).toBe(2);
    expect(byManager.json().items.every((c: { userName?: string }) => typeof c.userName === 'string')).toBe(true);
    const oneUser = await ctx.injectAs(manager, { method: 'GET', url: `/api/certifications?userId=${other.id}` });
    expect(oneUser.json().items.map((c: { userId: string }) => c.userId)).toEqual([other.id]);
    expect((await ctx.app.inject({ method: 'GET', url: '/api/certifications' })).statusCode).toBe(401);
  });

  it('revokes: the lab’s manager only, the record stays, and the member is no longer certified', async () => {
    const lab = await ctx.createLab();
    const manager = await ctx.createUser({ role: 'manager', manages: [lab.id] });
    const member = await ctx.createUser();
    const stranger = await ctx.createUser();
    const cert = await insertCertification(ctx, { userId: member.id, labId: lab.id, machineType: 'laser_cutter', grantedAt: '2026-01-01T00:00:00Z' });
    const url = `/api/certifications/${cert.id}`;
    expect((await ctx.injectAs(member, { method: 'DELETE', url })).statusCode).toBe(403);
    expect((await ctx.injectAs(stranger, { method: 'DELETE', url })).statusCode).toBe(404);
    expect((await ctx.injectAs(manager, { method: 'DELETE', url })).statusCode).toBe(204);
    expect((await ctx.injectAs(manager, { method: 'DELETE', url })).statusCode).toBe(204);
    const [row] = await ctx.db.select().from(certifications).where(eq(certifications.id, cert.id));
    expect(row).toMatchObject({ revokedBy: manager.id, revokedAt: clock.now() });
    expect(await hasValidCertification(ctx.db, { userId: member.id, labId: lab.id, machineType: 'laser_cutter', at: clock.now(), lapseMonths: null })).toBe(false);
    expect((await ctx.injectAs(member, { method: 'GET', url: '/api/certifications' })).json().total).toBe(0);
    const withRevoked = await ctx.injectAs(member, { method: 'GET', url: '/api/certifications?includeRevoked=true' });
    expect(withRevoked.json().items).toEqual([expect.objectContaining({ id: cert.id, state: 'revoked' })]);
  });

  it('hasValidCertification refuses an expired certification and one lapsed for want of use', async () => {
    const lab = await ctx.createLab();
    const machine = await ctx.createMachine(lab.id, { type: 'cnc_router' });
    const member = await ctx.createUser();
    const q = { userId: member.id, labId: lab.id, machineType: 'cnc_router' };
    await insertCertification(ctx, { ...q, grantedAt: '2025-06-01T00:00:00Z', expiresAt: '2026-06-01T00:00:00Z' });
    expect(await hasValidCertification(ctx.db, { ...q, at: new Date('2026-05-31T23:59:00Z'), lapseMonths: null })).toBe(true);
    expect(await hasValidCertification(ctx.db, { ...q, at: new Date('2026-06-01T00:00:00Z'), lapseMonths: null })).toBe(false);
    // Lapses six months after the grant without use …
    expect(await hasValidCertification(ctx.db, { ...q, at: new Date('2025-12-02T00:00:00Z'), lapseMonths: 6 })).toBe(false);
    // … or six months after the last use of that machine type in that lab.
    await insertSession(ctx, { machine, userId: member.id, start: '2025-11-01T01:00:00Z', end: '2025-11-01T02:00:00Z' });
    expect(await hasValidCertification(ctx.db, { ...q, at: new Date('2025-12-02T00:00:00Z'), lapseMonths: 6 })).toBe(true);
    expect(await hasValidCertification(ctx.db, { ...q, at: new Date('2026-05-02T00:00:00Z'), lapseMonths: 6 })).toBe(false);
  });

  it('warns a member once a week before a certification expires or lapses', async () => {
    clock.set('2026-03-02T02:00:00Z');
    const lab = await ctx.createLab();
    const lapsing = await ctx.createLab({ settings: { certificationLapseMonths: 3 } });
    const soon = await ctx.createUser();
    const later = await ctx.createUser();
    const renewed = await ctx.createUser();
    const idle = await ctx.createUser();
    const a = await insertCertification(ctx, { userId: soon.id, labId: lab.id, machineType: 'laser_cutter', grantedAt: '2025-03-01T00:00:00Z', expiresAt: '2026-03-08T00:00:00Z' });
    await insertCertification(ctx, { userId: later.id, labId: lab.id, machineType: 'laser_cutter', grantedAt: '2025-03-01T00:00:00Z', expiresAt: '2026-03-10T00:00:00Z' });
    await insertCertification(ctx, { userId: renewed.id, labId: lab.id, machineType: 'laser_cutter', grantedAt: '2025-03-01T00:00:00Z', expiresAt: '2026-03-05T00:00:00Z' });
    await insertCertification(ctx, { userId: renewed.id, labId: lab.id, machineType: 'laser_cutter', grantedAt: '2026-02-20T00:00:00Z', expiresAt: '2027-02-20T00:00:00Z' });
    // Granted on 6 December, unused: lapses on 6 March.
    const d = await insertCertification(ctx, { userId: idle.id, labId: lapsing.id, machineType: 'cnc_router', grantedAt: '2025-12-06T00:00:00Z' });

    const first = (await ctx.app.jobs.run('certification-expiring')) as { certificationIds: string[] };
    expect(first.certificationIds.sort()).toEqual([a.id, d.id].sort());
    const warned = async (userId: string) =>
      ctx.db.select().from(notifications).where(and(eq(notifications.userId, userId), eq(notifications.kind, 'certification_expiring')));
    expect((await warned(soon.id))[0]!.data).toMatchObject({ certificationId: a.id, labId: lab.id, machineType: 'laser_cutter', expiresAt: '2026-03-08T00:00:00.000Z', reason: 'expires' });
    expect((await warned(idle.id))[0]!.data).toMatchObject({ certificationId: d.id, reason: 'lapses' });
    expect(await warned(later.id)).toHaveLength(0);
    expect(await warned(renewed.id)).toHaveLength(0);

    clock.set('2026-03-03T03:00:00Z');
    const second = (await ctx.app.jobs.run('certification-expiring')) as { certificationIds: string[] };
    expect(second.certificationIds).toHaveLength(1);
    expect(await warned(soon.id)).toHaveLength(1);
    expect(await warned(later.id)).toHaveLength(1);
    expect((await ctx.app.jobs.run('certification-expiring')) as object).toMatchObject({ notified: 0 });
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, WEEKDAY_HOURS, type TestContext } from '../helpers/app.js';

const labBody = (slug: string) => ({
  slug,
  name: 'Fab Lab EIU',
  nameVi: 'Phòng thí nghiệm chế tạo EIU',
  host: 'Eastern International University',
  timezone: 'Asia/Ho_Chi_Minh',
  openingHours: { ...WEEKDAY_HOURS, mon: [['08:00', '11:30'], ['13:00', '17:00']] },
});

const machineBody = {
  name: 'Laser 60W',
  type: 'laser_cutter',
  requiresApproval: true,
  requiresCertification: true,
  minMinutes: 30,
  maxMinutes: 180,
  slotMinutes: 30,
};

describe('labs and machines', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext();
  });
  afterAll(() => ctx.close());

  it('lets an admin add a fourth lab with no change to code, and anyone read it', async () => {
    const admin = await ctx.createUser({ role: 'admin' });
    const created = await ctx.injectAs(admin, { method: 'POST', url: '/api/labs', payload: labBody('eiu') });
    expect(created.statusCode).toBe(201);
    const lab = created.json();
    expect(lab.settings).toMatchObject({ maxAdvanceDays: 60, weeklyQuotaHours: 20, cancelCutoffMinutes: 120 });
    const one = await ctx.app.inject({ method: 'GET', url: `/api/labs/${lab.id}` });
    expect(one.statusCode).toBe(200);
    expect(one.json().closures).toEqual([]);
    const dup = await ctx.injectAs(admin, { method: 'POST', url: '/api/labs', payload: labBody('eiu') });
    expect(dup.statusCode).toBe(409);
    const patched = await ctx.injectAs(admin, { method: 'PATCH', url: `/api/labs/${lab.id}`, payload: { settings: { weeklyQuotaHours: 8 } } });
    expect(patched.json().settings).toMatchObject({ weeklyQuotaHours: 8, maxAdvanceDays: 60 });
  });

  it('refuses labs with a bad time zone or opening hours that end before they start', async () => {
    const admin = await ctx.createUser({ role: 'admin' });
    const tz = await ctx.injectAs(admin, { method: 'POST', url: '/api/labs', payload: { ...labBody('x1'), timezone: 'Mars/Olympus' } });
    expect(tz.statusCode).toBe(400);
    const hours = await ctx.injectAs(admin, {
      method: 'POST',
      url: '/api/labs',
      payload: { ...labBody('x2'), openingHours: { ...WEEKDAY_HOURS, tue: [['17:00', '08:00']] } },
    });
    expect(hours.statusCode).toBe(400);
    const badTime = await ctx.injectAs(admin, {
      method: 'POST',
      url: '/api/labs',
      payload: { ...labBody('x3'), openingHours: { ...WEEKDAY_HOURS, tue: [['25:00', '26:00']] } },
    });
    expect(badTime.statusCode).toBe(400);
  });

  it('lets only admins create labs', async () => {
    const lab = await ctx.createLab();
    const manager = await ctx.createUser({ role: 'manager', manages: [lab.id] });
    expect((await ctx.injectAs(manager, { method: 'POST', url: '/api/labs', payload: labBody('y') })).statusCode).toBe(403);
    expect((await ctx.app.inject({ method: 'POST', url: '/api/labs', payload: labBody('y') })).statusCode).toBe(401);
  });

  it('lets a lab’s manager add machines and closures there, not in another lab', async () => {
    const lab = await ctx.createLab();
    const other = await ctx.createLab();
    const manager = await ctx.createUser({ role: 'manager', manages: [lab.id] });
    const ok = await ctx.injectAs(manager, { method: 'POST', url: `/api/labs/${lab.id}/machines`, payload: machineBody });
    expect(ok.statusCode).toBe(201);
    expect(ok.json()).toMatchObject({ labId: lab.id, status: 'available', bufferMinutes: 0, mayRunUnattended: false });
    expect((await ctx.injectAs(manager, { method: 'POST', url: `/api/labs/${other.id}/machines`, payload: machineBody })).statusCode).toBe(403);

    const list = await ctx.app.inject({ method: 'GET', url: `/api/labs/${lab.id}/machines` });
    expect(list.json().items).toHaveLength(1);

    const patch = await ctx.injectAs(manager, { method: 'PATCH', url: `/api/machines/${ok.json().id}`, payload: { status: 'out_of_service' } });
    expect(patch.statusCode).toBe(200);
    expect(patch.json().status).toBe('out_of_service');

    const closure = await ctx.injectAs(manager, {
      method: 'POST',
      url: `/api/labs/${lab.id}/closures`,
      payload: { from: '2027-02-05', to: '2027-02-11', reason: 'Tết Nguyên Đán' },
    });
    expect(closure.statusCode).toBe(201);
    const withClosures = await ctx.app.inject({ method: 'GET', url: `/api/labs/${lab.id}` });
    expect(withClosures.json().closures).toEqual([expect.objectContaining({ from: '2027-02-05', to: '2027-02-11', reason: 'Tết Nguyên Đán' })]);
    expect((await ctx.injectAs(manager, { method: 'POST', url: `/api/labs/${other.id}/closures`, payload: { from: '2027-01-01', to: '2027-01-01', reason: 'x' } })).statusCode).toBe(403);
    const del = await ctx.injectAs(manager, { method: 'DELETE', url: `/api/labs/${lab.id}/closures/${closure.json().id}` });
    expect(del.statusCode).toBe(204);
  });

  it('refuses machine rules that contradict each other', async () => {
    const lab = await ctx.createLab();
    const admin = await ctx.createUser({ role: 'admin' });
    const res = await ctx.injectAs(admin, { method: 'POST', url: `/api/labs/${lab.id}/machines`, payload: { ...machineBody, minMinutes: 240, maxMinutes: 60 } });
    expect(res.statusCode).toBe(400);
  });

  it('answers 404 for a lab or machine that does not exist and 400 for a malformed id', async () => {
    expect((await ctx.app.inject({ method: 'GET', url: '/api/labs/00000000-0000-4000-8000-000000000000' })).statusCode).toBe(404);
    expect((await ctx.app.inject({ method: 'GET', url: '/api/machines/00000000-0000-4000-8000-000000000000' })).statusCode).toBe(404);
    expect((await ctx.app.inject({ method: 'GET', url: '/api/labs/not-a-uuid' })).statusCode).toBe(400);
  });

  it('serves health and the OpenAPI document', async () => {
    expect((await ctx.app.inject({ method: 'GET', url: '/api/health' })).json()).toEqual({ status: 'ok', db: 'up' });
    const doc = await ctx.app.inject({ method: 'GET', url: '/api/docs/json' });
    expect(doc.statusCode).toBe(200);
    expect(Object.keys(doc.json().paths)).toContain('/api/labs/{labId}/machines');
  });
});

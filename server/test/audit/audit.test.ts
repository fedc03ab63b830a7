import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../helpers/app.js';

describe('audit log', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext();
  });
  afterAll(() => ctx.close());

  it('records privileged actions, readable by admins everywhere and managers in their labs', async () => {
    const labA = await ctx.createLab();
    const labB = await ctx.createLab();
    const admin = await ctx.createUser({ role: 'admin', fullName: 'Admin Một' });
    const managerA = await ctx.createUser({ role: 'manager', manages: [labA.id] });
    const member = await ctx.createUser();
    const department = await ctx.createUser({ role: 'department' });

    const machine = await ctx.injectAs(managerA, {
      method: 'POST',
      url: `/api/labs/${labA.id}/machines`,
      payload: { name: 'PCB mill', type: 'pcb_mill', requiresApproval: false, requiresCertification: false, minMinutes: 30, maxMinutes: 120, slotMinutes: 30 },
    });
    expect(machine.statusCode).toBe(201);
    await ctx.injectAs(admin, { method: 'POST', url: `/api/labs/${labB.id}/closures`, payload: { from: '2027-02-05', to: '2027-02-11', reason: 'Tết' } });
    await ctx.injectAs(admin, { method: 'PATCH', url: `/api/users/${member.id}`, payload: { disabled: true } });

    const all = await ctx.injectAs(admin, { method: 'GET', url: '/api/audit' });
    expect(all.statusCode).toBe(200);
    const actions = all.json().items.map((e: { action: string }) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['machine.create', 'closure.create', 'account.update']));
    const disable = all.json().items.find((e: { action: string }) => e.action === 'account.update');
    expect(disable).toMatchObject({ actorId: admin.id, actorName: 'Admin Một', entityId: member.id, details: { disabled: true } });

    const mine = await ctx.injectAs(managerA, { method: 'GET', url: '/api/audit' });
    expect(mine.json().items.map((e: { action: string }) => e.action)).toEqual(['machine.create']);
    expect((await ctx.injectAs(managerA, { method: 'GET', url: `/api/audit?labId=${labB.id}` })).statusCode).toBe(403);
    expect((await ctx.injectAs(member, { method: 'GET', url: '/api/audit' })).statusCode).toBe(401);
    expect((await ctx.injectAs(department, { method: 'GET', url: '/api/audit' })).statusCode).toBe(403);
    expect((await ctx.app.inject({ method: 'GET', url: '/api/audit' })).statusCode).toBe(401);
  });
});

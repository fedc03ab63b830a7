// Department staff read every lab's incidents (DOMAIN.md) without learning who reported them,
// and may neither report one nor touch usage.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { incidents, usageSessions } from '../../src/db/schema/index.js';
import { createTestContext, fixedClock, type TestContext } from '../helpers/app.js';

const local = (hhmm: string, day = '2026-03-02') => new Date(`${day}T${hhmm}:00+07:00`).toISOString();

describe('incidents as department staff see them', () => {
  const clock = fixedClock(local('16:00'));
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext({ clock });
  });
  afterAll(() => ctx.close());

  /** A lab where a named member and the lab's manager each reported an incident on a walk-in. */
  async function setup() {
    const lab = await ctx.createLab();
    const machine = await ctx.createMachine(lab.id, { name: 'Máy in 3D Prusa' });
    const manager = await ctx.createUser({ role: 'manager', manages: [lab.id], fullName: 'Quản Lý Hoa' });
    const member = await ctx.createUser({ fullName: 'Đặng Thị Thu', email: `thu-${lab.slug}@example.test` });
    const managerOther = await ctx.createUser({ role: 'manager', manages: [(await ctx.createLab()).id] });
    const department = await ctx.createUser({ role: 'department' });
    const walkIn = await ctx.injectAs(manager, {
      method: 'POST',
      url: '/api/usage',
      payload: { machineId: machine.id, start: local('13:00'), end: local('14:00'), userId: member.id },
    });
    expect(walkIn.statusCode).toBe(201);
    const sessionId = walkIn.json().id as string;
    for (const [who, payload] of [
      [member, { kind: 'malfunction', description: 'Đầu in bị tắc' }],
      [manager, { kind: 'damage', description: 'Bàn nhiệt bị xước' }],
    ] as const) {
      const res = await ctx.injectAs(who, { method: 'POST', url: `/api/usage/${sessionId}/incidents`, payload });
      expect(res.statusCode).toBe(201);
    }
    return { lab, machine, manager, member, managerOther, department, sessionId, url: `/api/labs/${lab.id}/incidents` };
  }

  it('lists the lab’s incidents for the department without who reported them', async () => {
    const { lab, machine, manager, member, department, sessionId, url } = await setup();
    const res = await ctx.injectAs(department, { method: 'GET', url });
    expect(res.statusCode).toBe(200);
    expect(res.json().total).toBe(2);
    for (const item of res.json().items) {
      expect(item).toMatchObject({ labId: lab.id, machineId: machine.id, usageSessionId: sessionId, reportedBy: null });
      expect(item).not.toHaveProperty('reportedByName');
    }
    expect(res.json().items.map((i: { kind: string; description: string }) => [i.kind, i.description]).sort()).toEqual([
      ['damage', 'Bàn nhiệt bị xước'],
      ['malfunction', 'Đầu in bị tắc'],
    ]);
    for (const secret of ['Đặng Thị Thu', 'Quản Lý Hoa', member.email, member.id, manager.id]) {
      expect(res.body).not.toContain(secret);
    }

    // The lab's manager still sees who reported each one.
    const byManager = await ctx.injectAs(manager, { method: 'GET', url });
    expect(byManager.json().items.map((i: { reportedByName: string }) => i.reportedByName).sort()).toEqual(['Quản Lý Hoa', 'Đặng Thị Thu'].sort());
  });

  it('still refuses the list to a manager of another lab and to members; an unknown lab is 404', async () => {
    const { managerOther, member, department, url } = await setup();
    for (const user of [managerOther, member]) {
      const res = await ctx.injectAs(user, { method: 'GET', url });
      expect(res.statusCode, user.role).toBe(403);
      expect(res.json().code).toBe('FORBIDDEN');
    }
    expect((await ctx.injectAs(department, { method: 'GET', url: '/api/labs/00000000-0000-4000-8000-000000000000/incidents' })).statusCode).toBe(404);
  });

  it('lets the department neither report incidents nor record or end usage', async () => {
    const { lab, machine, department, sessionId } = await setup();
    const open = await ctx.db
      .insert(usageSessions)
      .values({ machineId: machine.id, labId: lab.id, guestName: 'Khách', category: 'community', startAt: new Date(local('15:00')) })
      .returning();
    const before = {
      incidents: await ctx.db.select().from(incidents).where(eq(incidents.labId, lab.id)),
      sessions: await ctx.db.select().from(usageSessions).where(eq(usageSessions.labId, lab.id)),
    };
    const writes = [
      { method: 'POST', url: `/api/usage/${sessionId}/incidents`, payload: { kind: 'damage', description: 'x' } },
      { method: 'POST', url: '/api/usage', payload: { machineId: machine.id, start: local('10:00'), end: local('11:00'), guest: { name: 'Khách', category: 'community' } } },
      { method: 'POST', url: `/api/usage/${open[0]!.id}/end`, payload: {} },
    ] as const;
    for (const w of writes) {
      const res = await ctx.injectAs(department, w);
      expect(res.statusCode, `${w.method} ${w.url}`).toBe(403);
      expect(res.json().code).toBe('FORBIDDEN');
    }
    expect({
      incidents: await ctx.db.select().from(incidents).where(eq(incidents.labId, lab.id)),
      sessions: await ctx.db.select().from(usageSessions).where(eq(usageSessions.labId, lab.id)),
    }).toEqual(before);
  });
});

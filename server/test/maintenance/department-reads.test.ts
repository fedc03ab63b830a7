// Department staff read every lab's maintenance (DOMAIN.md) but never see who did the work, and
// may change nothing.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maintenanceLog, maintenancePlans, maintenanceWindows } from '../../src/db/schema/index.js';
import { createTestContext, fixedClock, type TestContext } from '../helpers/app.js';

describe('maintenance as department staff see it', () => {
  const clock = fixedClock('2026-03-10T02:00:00Z');
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext({ clock });
  });
  afterAll(() => ctx.close());

  /** A machine with two log entries by a named manager, one plan that is due and one that is not. */
  async function setup() {
    const lab = await ctx.createLab();
    const machine = await ctx.createMachine(lab.id, { name: 'Laser CO2 80W' });
    const manager = await ctx.createUser({ role: 'manager', manages: [lab.id], fullName: 'Nguyễn Kỹ Thuật', email: `kt-${lab.slug}@example.test` });
    const otherLab = await ctx.createLab();
    const managerOther = await ctx.createUser({ role: 'manager', manages: [otherLab.id] });
    const member = await ctx.createUser();
    const department = await ctx.createUser({ role: 'department' });
    const logUrl = `/api/machines/${machine.id}/maintenance-log`;
    const plansUrl = `/api/machines/${machine.id}/maintenance-plans`;
    for (const payload of [
      { description: 'Thay gương phản xạ', costVnd: 1_250_000, parts: 'Gương Mo 20 mm ×1' },
      { description: 'Vệ sinh bàn cắt', performedAt: '2026-03-01T02:00:00Z' },
    ]) {
      expect((await ctx.injectAs(manager, { method: 'POST', url: logUrl, payload })).statusCode).toBe(201);
    }
    const due = await ctx.injectAs(manager, {
      method: 'POST',
      url: plansUrl,
      payload: { title: 'Tra dầu trục', everyDays: 7, lastDoneAt: '2026-03-01T02:00:00Z' },
    });
    expect(due.statusCode).toBe(201);
    const notDue = await ctx.injectAs(manager, { method: 'POST', url: plansUrl, payload: { title: 'Căn chỉnh tia', everyDays: 90 } });
    expect(notDue.statusCode).toBe(201);
    return { lab, machine, manager, managerOther, member, department, logUrl, plansUrl, duePlanId: due.json().id as string, notDuePlanId: notDue.json().id as string };
  }

  it('shows the department the maintenance log with who did the work left out', async () => {
    const { manager, department, logUrl } = await setup();
    const res = await ctx.injectAs(department, { method: 'GET', url: logUrl });
    expect(res.statusCode).toBe(200);
    expect(res.json().total).toBe(2);
    expect(res.json().items).toEqual([
      expect.objectContaining({ description: 'Thay gương phản xạ', costVnd: 1_250_000, parts: 'Gương Mo 20 mm ×1', performedBy: null, performedByName: null }),
      expect.objectContaining({ description: 'Vệ sinh bàn cắt', costVnd: 0, performedBy: null, performedByName: null }),
    ]);
    expect(res.body).not.toContain('Nguyễn Kỹ Thuật');
    expect(res.body).not.toContain(manager.email);
    expect(res.body).not.toContain(manager.id);

    // The lab's manager still sees who did it.
    const byManager = await ctx.injectAs(manager, { method: 'GET', url: logUrl });
    expect(byManager.json().items[0]).toMatchObject({ performedBy: manager.id, performedByName: 'Nguyễn Kỹ Thuật' });
    expect((await ctx.injectAs(department, { method: 'GET', url: `${logUrl}?limit=1` })).json()).toMatchObject({ total: 2, items: [expect.anything()] });
  });

  it('shows the department a machine’s plans and a lab’s due maintenance', async () => {
    const { lab, machine, manager, department, plansUrl, duePlanId, notDuePlanId } = await setup();
    const plans = await ctx.injectAs(department, { method: 'GET', url: plansUrl });
    expect(plans.statusCode).toBe(200);
    const byManager = await ctx.injectAs(manager, { method: 'GET', url: plansUrl });
    // Plans name no one: the department sees exactly what the managers see.
    expect(plans.json()).toEqual(byManager.json());
    expect(plans.json().items.map((p: { id: string }) => p.id).sort()).toEqual([duePlanId, notDuePlanId].sort());

    const due = await ctx.injectAs(department, { method: 'GET', url: `/api/labs/${lab.id}/maintenance-due` });
    expect(due.statusCode).toBe(200);
    expect(due.json()).toMatchObject({ total: 1, items: [{ id: duePlanId, machineId: machine.id, labId: lab.id, due: true, dueBecause: 'days' }] });
    expect(due.body).not.toContain('Nguyễn Kỹ Thuật');
  });

  it('still refuses these reads to a manager of another lab and to members, and answers 404 for what does not exist', async () => {
    const { lab, managerOther, member, department, logUrl, plansUrl } = await setup();
    for (const user of [managerOther, member]) {
      for (const url of [logUrl, plansUrl, `/api/labs/${lab.id}/maintenance-due`]) {
        const res = await ctx.injectAs(user, { method: 'GET', url });
        expect(res.statusCode, `${user.role} GET ${url}`).toBe(403);
        expect(res.json().code).toBe('FORBIDDEN');
      }
    }
    const nowhere = '00000000-0000-4000-8000-000000000000';
    for (const url of [`/api/machines/${nowhere}/maintenance-log`, `/api/machines/${nowhere}/maintenance-plans`, `/api/labs/${nowhere}/maintenance-due`]) {
      expect((await ctx.injectAs(department, { method: 'GET', url })).statusCode, url).toBe(404);
    }
  });

  it('lets the department change nothing: log, plans and windows stay as they were', async () => {
    const { machine, department, logUrl, plansUrl, duePlanId } = await setup();
    const [window] = await ctx.db
      .insert(maintenanceWindows)
      .values({ machineId: machine.id, labId: machine.labId, startAt: new Date('2026-03-12T02:00:00Z'), endAt: new Date('2026-03-12T04:00:00Z'), reason: 'Bảo trì' })
      .returning();
    const before = {
      log: await ctx.db.select().from(maintenanceLog).where(eq(maintenanceLog.machineId, machine.id)),
      plans: await ctx.db.select().from(maintenancePlans).where(eq(maintenancePlans.machineId, machine.id)),
      windows: await ctx.db.select().from(maintenanceWindows).where(eq(maintenanceWindows.machineId, machine.id)),
    };
    const writes = [
      { method: 'POST', url: logUrl, payload: { description: 'Lau thấu kính' } },
      { method: 'POST', url: plansUrl, payload: { title: 'Thay dầu', everyDays: 30 } },
      { method: 'PATCH', url: `${plansUrl}/${duePlanId}`, payload: { everyDays: 60 } },
      { method: 'POST', url: `${plansUrl}/${duePlanId}/done`, payload: {} },
      { method: 'DELETE', url: `${plansUrl}/${duePlanId}` },
      { method: 'POST', url: `/api/machines/${machine.id}/maintenance`, payload: { start: '2026-03-11T02:00:00Z', end: '2026-03-11T03:00:00Z', reason: 'Kiểm tra' } },
      { method: 'DELETE', url: `/api/maintenance/${window!.id}` },
    ] as const;
    for (const w of writes) {
      const res = await ctx.injectAs(department, w);
      expect(res.statusCode, `${w.method} ${w.url}`).toBe(403);
      expect(res.json().code).toBe('FORBIDDEN');
    }
    expect({
      log: await ctx.db.select().from(maintenanceLog).where(eq(maintenanceLog.machineId, machine.id)),
      plans: await ctx.db.select().from(maintenancePlans).where(eq(maintenancePlans.machineId, machine.id)),
      windows: await ctx.db.select().from(maintenanceWindows).where(eq(maintenanceWindows.machineId, machine.id)),
    }).toEqual(before);
  });
});

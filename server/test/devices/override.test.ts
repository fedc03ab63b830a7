// A lab's manager switches a machine's power from the status board: through the real broker to a
// simulated Shelly, audited, answered once the switch reported it, and left alone by the job that
// switches off power nobody accounts for.
import { and, eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, deviceEvents, incidents, usageSessions } from '../../src/db/schema/index.js';
import { SimSwitch } from '../../src/scripts/device-simulator.js';
import { fixedClock, type TestContext } from '../helpers/app.js';
import { broker, createDeviceContext, eventually, uniqueId } from './support.js';

const local = (hhmm: string) => new Date(`2026-03-02T${hhmm}:00+07:00`).toISOString();

describe('a manager’s power override', () => {
  const clock = fixedClock(local('09:55'));
  let ctx: TestContext;
  const open: Array<{ close(): Promise<void> }> = [];

  beforeAll(async () => {
    ctx = await createDeviceContext({ clock });
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((d) => d.close()));
  });
  afterAll(() => ctx.close());

  async function setup() {
    clock.set(local('09:55'));
    const lab = await ctx.createLab({ slug: uniqueId('lab') });
    const machine = await ctx.createMachine(lab.id, { walkIns: true });
    const manager = await ctx.createUser({ role: 'manager', manages: [lab.id] });
    const switchId = uniqueId('shellyplusplugs');
    const res = await ctx.injectAs(manager, {
      method: 'POST',
      url: `/api/machines/${machine.id}/devices`,
      payload: { kind: 'switch', deviceId: switchId },
    });
    expect(res.statusCode).toBe(201);
    const sw = await SimSwitch.start(broker, switchId, { load: 120 });
    open.push(sw);
    // The server knows the switch is there before anyone gives it orders.
    const deviceList = async () =>
      (await ctx.injectAs(manager, { method: 'GET', url: `/api/labs/${lab.id}/devices` })).json().items[0];
    await eventually(async () => (await deviceList()).online === true, 5000, 'the switch online');
    return { lab, machine, manager, sw };
  }

  const powerUrl = (machineId: string) => `/api/machines/${machineId}/power`;

  it('switches on and off through the broker, audited, answering with the switch’s reported state', async () => {
    const { lab, machine, manager, sw } = await setup();

    const on = await ctx.injectAs(manager, {
      method: 'POST',
      url: powerUrl(machine.id),
      payload: { on: true, reason: 'Test cut after the lens was cleaned' },
    });
    expect(on.statusCode).toBe(200);
    expect(on.json()).toMatchObject({
      confirmed: true,
      device: { deviceId: sw.deviceId, kind: 'switch', online: true, output: true, apower: 120 },
    });
    expect(sw.output).toBe(true);
    expect(sw.commands.map((c) => [c.method, c.params?.on])).toEqual([['Switch.Set', true]]);

    const [audit] = await ctx.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.entityId, machine.id), eq(auditLog.action, 'device.power')));
    expect(audit).toMatchObject({
      actorId: manager.id,
      entityType: 'machine',
      labId: lab.id,
      details: { deviceId: sw.deviceId, on: true, reason: 'Test cut after the lens was cleaned' },
    });
    const [command] = await ctx.db
      .select()
      .from(deviceEvents)
      .where(and(eq(deviceEvents.deviceId, sw.deviceId), eq(deviceEvents.kind, 'command')));
    expect(command).toMatchObject({ code: 'SWITCH_ON', userId: manager.id, details: { override: true } });

    // The status board shows it on, drawing power.
    const board = (await ctx.app.inject({ method: 'GET', url: `/api/labs/${lab.id}/status` })).json();
    expect(board.machines.find((m: { machineId: string }) => m.machineId === machine.id)).toMatchObject({
      state: 'free',
      power: { online: true, output: true, apower: 120 },
    });

    // Power with no session is switched off by the job, unless a manager switched it on: no incident either.
    clock.advance(60_000);
    expect(await ctx.app.jobs.run('devices-power-off')).toEqual({ switchedOff: [], incidents: [] });
    expect(sw.output).toBe(true);
    expect(await ctx.db.select().from(incidents).where(eq(incidents.machineId, machine.id))).toHaveLength(0);

    const off = await ctx.injectAs(manager, { method: 'POST', url: powerUrl(machine.id), payload: { on: false } });
    expect(off.statusCode).toBe(200);
    expect(off.json()).toMatchObject({ confirmed: true, device: { output: false, apower: 0 } });
    expect(sw.output).toBe(false);
    expect(sw.commands.map((c) => c.params?.on)).toEqual([true, false]);
  });

  it('switches off a machine in use without ending its session', async () => {
    const { machine, manager, sw } = await setup();
    const member = await ctx.createUser();
    clock.set(local('10:00'));
    const started = await ctx.injectAs(member, { method: 'POST', url: `/api/machines/${machine.id}/start` });
    expect(started.statusCode).toBe(200);
    await sw.waitForOutput(true);

    clock.set(local('10:05'));
    const off = await ctx.injectAs(manager, {
      method: 'POST',
      url: powerUrl(machine.id),
      payload: { on: false, reason: 'Smoke from the exhaust' },
    });
    expect(off.json()).toMatchObject({ confirmed: true, device: { output: false } });
    const [session] = await ctx.db.select().from(usageSessions).where(eq(usageSessions.machineId, machine.id));
    expect(session!.endAt).toBeNull();
    const [command] = await ctx.db
      .select()
      .from(deviceEvents)
      .where(and(eq(deviceEvents.deviceId, sw.deviceId), eq(deviceEvents.code, 'SWITCH_OFF')));
    expect(command).toMatchObject({ usageSessionId: session!.id, userId: manager.id });
  });

  it('is for the lab’s managers and admins only, and needs a switch', async () => {
    const { lab, machine, manager, sw } = await setup();
    const member = await ctx.createUser();
    const otherLab = await ctx.createLab({ slug: uniqueId('lab') });
    const otherManager = await ctx.createUser({ role: 'manager', manages: [otherLab.id] });
    const department = await ctx.createUser({ role: 'department' });
    const admin = await ctx.createUser({ role: 'admin' });
    const payload = { on: true };

    for (const who of [member, otherManager, department]) {
      const res = await ctx.injectAs(who, { method: 'POST', url: powerUrl(machine.id), payload });
      expect(res.statusCode).toBe(403);
    }
    expect((await ctx.app.inject({ method: 'POST', url: powerUrl(machine.id), payload })).statusCode).toBe(401);
    expect(sw.commands).toHaveLength(0);
    expect(
      (
        await ctx.injectAs(manager, {
          method: 'POST',
          url: powerUrl('00000000-0000-4000-8000-000000000000'),
          payload,
        })
      ).statusCode,
    ).toBe(404);
    for (const bad of [{}, { on: 'yes' }, { on: true, reason: 'x'.repeat(501) }, { on: true, force: true }]) {
      const res = await ctx.injectAs(manager, { method: 'POST', url: powerUrl(machine.id), payload: bad });
      expect(res.statusCode, JSON.stringify(bad)).toBe(400);
    }
    const unswitched = await ctx.createMachine(lab.id);
    const none = await ctx.injectAs(manager, { method: 'POST', url: powerUrl(unswitched.id), payload });
    expect(none.statusCode).toBe(422);
    expect(none.json().code).toBe('NO_SWITCH');

    const byAdmin = await ctx.injectAs(admin, { method: 'POST', url: powerUrl(machine.id), payload });
    expect(byAdmin.json()).toMatchObject({ confirmed: true, device: { output: true } });
  });

  it('answers at once, unconfirmed, when the switch is offline', async () => {
    const { machine, manager, sw } = await setup();
    await sw.crash();
    open.splice(open.indexOf(sw), 1);
    const deviceRow = async () =>
      (await ctx.injectAs(manager, { method: 'GET', url: `/api/labs/${machine.labId}/devices` })).json().items[0];
    await eventually(async () => (await deviceRow()).online === false, 10_000, 'the switch offline');
    await SimSwitch.clearRetained(broker, sw.deviceId);
    const startedAt = Date.now();
    const res = await ctx.injectAs(manager, { method: 'POST', url: powerUrl(machine.id), payload: { on: true } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ confirmed: false, device: { online: false } });
    expect(Date.now() - startedAt).toBeLessThan(1000);
  });
});

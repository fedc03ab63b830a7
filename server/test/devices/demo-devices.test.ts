// The demo with devices on (MQTT_URL): its switches, readers and cards are registered once, and the
// simulator's --demo set plays them, so that the demo labs' machines show live power. Without
// MQTT_URL nothing of it exists. These devices have the demo's fixed ids, unlike other suites'.
import { and, count, eq, gte, inArray, lt } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { bookings, cards, devices, labs, machines } from '../../src/db/schema/index.js';
import { DEMO_CARDS, DEMO_DEVICES } from '../../src/db/seed/catalogue.js';
import { seedDemo, seedDemoDevices } from '../../src/db/seed/demo.js';
import { demoSimSpecs, SimReader, SimSwitch } from '../../src/scripts/device-simulator.js';
import { fixedClock, type TestContext } from '../helpers/app.js';
import { broker, createDeviceContext, eventually, nextProcessed } from './support.js';

// Monday 2 March 2026, 10:00 in Asia/Ho_Chi_Minh: every demo lab is open.
const NOW = '2026-03-02T10:00:00+07:00';

describe('the demo’s devices', () => {
  const clock = fixedClock(NOW);
  let ctx: TestContext;
  const open: Array<{ close(): Promise<void> }> = [];

  beforeAll(async () => {
    ctx = await createDeviceContext({ clock });
    await seedDemo(ctx.db, { password: 'fablab-demo', now: clock.now() });
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((d) => d.close()));
  });
  afterAll(() => ctx?.close());

  it('are not there in a demo seeded without devices on', async () => {
    expect((await ctx.db.select({ n: count() }).from(devices))[0]!.n).toBe(0);
    expect((await ctx.db.select({ n: count() }).from(cards))[0]!.n).toBe(0);
    expect(await ctx.db.select().from(machines).where(eq(machines.walkIns, true))).toHaveLength(0);
  });

  it('are registered once on the named machines, with cards for the certified makers', async () => {
    expect(await seedDemoDevices(ctx.db)).toEqual({
      switches: DEMO_DEVICES.length,
      readers: DEMO_DEVICES.length,
      cards: DEMO_CARDS.length,
    });
    expect(await seedDemoDevices(ctx.db)).toEqual({ switches: 0, readers: 0, cards: 0 });

    const rows = await ctx.db
      .select({ device: devices, machine: machines.name, slug: labs.slug, walkIns: machines.walkIns, approval: machines.requiresApproval })
      .from(devices)
      .innerJoin(machines, eq(machines.id, devices.machineId))
      .innerJoin(labs, eq(labs.id, devices.labId));
    expect(rows).toHaveLength(2 * DEMO_DEVICES.length);
    for (const d of DEMO_DEVICES) {
      const sw = rows.find((r) => r.device.deviceId === d.switchId);
      expect(sw).toMatchObject({ machine: d.machine, slug: d.lab, device: { kind: 'switch', runningThresholdW: d.runningThresholdW } });
      expect(rows.find((r) => r.device.deviceId === d.readerId)).toMatchObject({ machine: d.machine, device: { kind: 'reader' } });
      // Walk-ins where no approval is needed, so that a tap starts the machine.
      expect(sw!.walkIns).toBe(!sw!.approval);
    }
    expect(new Set(rows.map((r) => r.slug))).toEqual(new Set(['mechatronics', 'biotech', 'biic']));
    expect((await ctx.db.select({ n: count() }).from(cards))[0]!.n).toBe(DEMO_CARDS.length);
  });

  it('are played by the simulator’s demo set: a demo maker’s card starts a demo machine, the board shows its power', async () => {
    // What the server does at start: listen to every registered device.
    await ctx.app.deviceBus.watch(await ctx.app.devices.topics());
    const specs = demoSimSpecs();
    expect(specs.switches).toHaveLength(DEMO_DEVICES.length);
    const demo = DEMO_DEVICES.find((d) => d.profile === 'print')!;
    expect(specs.switches).toContain(`${demo.switchId}:print`);
    expect(specs.readers).toContain(`${demo.lab}/${demo.readerId}`);

    const [machine] = await ctx.db
      .select({ id: machines.id, labId: machines.labId })
      .from(machines)
      .innerJoin(labs, eq(labs.id, machines.labId))
      .where(and(eq(machines.name, demo.machine), eq(labs.slug, demo.lab)));
    // The demo's own bookings today would hold the printer: set aside for this tap.
    await ctx.db
      .update(bookings)
      .set({ status: 'cancelled' })
      .where(
        and(
          eq(bookings.machineId, machine!.id),
          inArray(bookings.status, ['pending', 'approved']),
          gte(bookings.endAt, clock.now()),
          lt(bookings.startAt, new Date(clock.now().getTime() + 86_400_000)),
        ),
      );

    await SimSwitch.clearRetained(broker, demo.switchId);
    const seen = nextProcessed(ctx, 'status', demo.switchId);
    const sw = await SimSwitch.start(broker, demo.switchId, { load: 250 });
    const reader = await SimReader.start(broker, demo.lab, demo.readerId);
    open.push(sw, reader);
    await sw.report();
    await seen;

    const answer = await reader.tap(DEMO_CARDS[0]!.uid);
    expect(answer).toMatchObject({ ok: true, code: 'STARTED' });
    await sw.waitForOutput(true);
    const board = await eventually(async () => {
      const status = (await ctx.app.inject({ method: 'GET', url: `/api/labs/${machine!.labId}/status` })).json();
      const mine = status.machines.find((m: { machineId: string }) => m.machineId === machine!.id);
      return mine?.power?.apower === 250 ? mine : undefined;
    }, 5000, 'the printer drawing 250 W on the board');
    expect(board).toMatchObject({ state: 'in_use', power: { online: true, output: true, apower: 250 } });
    expect((await reader.tap(DEMO_CARDS[0]!.uid, { id: 'second' })).code).toBe('STOPPED');
    await sw.waitForOutput(false);
  });
});

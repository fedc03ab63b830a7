import type { OpeningHours } from '@fablab/shared';
import { eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { devices } from '../../src/db/schema/index.js';
import { energyBetween, sliceInterval } from '../../src/modules/devices/metering.js';
import { SimSwitch } from '../../src/scripts/device-simulator.js';
import { fixedClock, testConfig, type TestContext } from '../helpers/app.js';
import { insertBooking } from '../usage/fixtures.js';
import { BROKER_URL, broker, createDeviceContext, eventually, nextProcessed, uniqueId } from './support.js';

const local = (hhmm: string, day = '2026-03-02') => new Date(`${day}T${hhmm}:00+07:00`).toISOString();
const MIN = 60_000;

describe('metering, pure', () => {
  it('cuts an interval at quarter hours and spreads its energy by time', () => {
    const slices = sliceInterval(
      { output: true, apower: 500 },
      new Date('2026-03-01T10:10:00Z'),
      new Date('2026-03-01T10:40:00Z'),
      300,
      100,
    );
    expect(slices.map((s) => [s.quarterStart.toISOString(), s.poweredSecs, s.runningSecs, s.energyWh])).toEqual([
      ['2026-03-01T10:00:00.000Z', 300, 300, 50],
      ['2026-03-01T10:15:00.000Z', 900, 900, 150],
      ['2026-03-01T10:30:00.000Z', 600, 600, 100],
    ]);
    expect(
      sliceInterval(
        { output: true, apower: 50 },
        new Date('2026-03-01T10:00:00Z'),
        new Date('2026-03-01T10:15:00Z'),
        0,
        100,
      )[0],
    ).toMatchObject({ poweredSecs: 900, runningSecs: 0 });
    expect(
      sliceInterval(
        { output: false, apower: 0 },
        new Date('2026-03-01T10:00:00Z'),
        new Date('2026-03-01T10:15:00Z'),
        0,
        100,
      )[0],
    ).toMatchObject({ poweredSecs: 0, runningSecs: 0 });
  });

  it('reads energy from the counter, and estimates it from the draw where the counter was reset', () => {
    expect(energyBetween({ output: true, apower: 100, energyWh: 1000 }, 1100, 3_600_000)).toBe(100);
    expect(energyBetween({ output: true, apower: 100, energyWh: 1000 }, 2, 1_800_000)).toBe(50);
    expect(energyBetween({ output: false, apower: 0, energyWh: null }, 5, 1_800_000)).toBe(0);
  });
});

describe('a session measured by its machine’s switch', () => {
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

  // Open around the clock: walk-ins keep the lab's hours, and these sessions run at any hour.
  const ALWAYS_OPEN = Object.fromEntries(
    ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, [['00:00', '24:00']]]),
  ) as unknown as OpeningHours;

  async function setup(labSettings: Record<string, unknown> = {}, machineInput: Record<string, unknown> = {}) {
    const lab = await ctx.createLab({ slug: uniqueId('lab'), settings: labSettings, openingHours: ALWAYS_OPEN });
    const machine = await ctx.createMachine(lab.id, machineInput);
    const unswitched = await ctx.createMachine(lab.id, { type: 'fdm_printer' });
    const manager = await ctx.createUser({ role: 'manager', manages: [lab.id] });
    const member = await ctx.createUser();
    const switchId = uniqueId('shellypro1pm');
    const res = await ctx.injectAs(manager, {
      method: 'POST',
      url: `/api/machines/${machine.id}/devices`,
      payload: { kind: 'switch', deviceId: switchId, runningThresholdW: 100 },
    });
    expect(res.statusCode).toBe(201);
    const sw = await SimSwitch.start(broker, switchId, { load: 40, energyWh: 12_000 });
    open.push(sw);
    return { lab, machine, unswitched, manager, member, sw };
  }

  /** Does something that makes the switch report, and waits until the server has counted it. */
  async function reported(sw: SimSwitch, action: () => Promise<unknown>) {
    const seen = nextProcessed(ctx, 'status', sw.deviceId);
    await action();
    await seen;
  }

  it('records powered minutes, running minutes above the threshold and energy, to the end of the session', async () => {
    clock.set(local('09:55'));
    const { machine, member, sw } = await setup();
    await insertBooking(ctx, { machine, userId: member.id, start: local('10:00'), end: local('12:00') });

    let started: { booking?: { status: string }; usage: Record<string, unknown> } | undefined;
    await reported(sw, async () => {
      const res = await ctx.injectAs(member, { method: 'POST', url: `/api/machines/${machine.id}/start` });
      expect(res.statusCode).toBe(200);
      started = res.json();
    });
    expect(started!.booking).toMatchObject({ status: 'checked_in' });
    expect(started!.usage).toMatchObject({
      start: local('09:55'),
      end: null,
      poweredHours: 0,
      runningHours: 0,
      energyKwh: 0,
    });
    expect(sw.output).toBe(true);

    // 10 minutes of fans (40 W, below the threshold), then 40 minutes cutting at 900 W, then 15 idle.
    clock.set(local('10:05'));
    await reported(sw, () => sw.advance(10 * MIN));
    await reported(sw, () => sw.setLoad(900));
    clock.set(local('10:35'));
    await reported(sw, () => sw.advance(30 * MIN));
    clock.set(local('10:45'));
    await reported(sw, () => sw.advance(10 * MIN));
    await reported(sw, () => sw.setLoad(40));

    const mid = await ctx.injectAs(member, {
      method: 'GET',
      url: `/api/usage/${(started!.usage as { id: string }).id}`,
    });
    expect(mid.json()).toMatchObject({ poweredHours: 0.8333, runningHours: 0.6667, energyKwh: 0.6067 });

    clock.set(local('11:00'));
    const stopped = await ctx.injectAs(member, { method: 'POST', url: `/api/machines/${machine.id}/stop` });
    expect(stopped.statusCode).toBe(200);
    // The last 15 minutes at 40 W are counted from the last report's state: 10 Wh.
    expect(stopped.json()).toMatchObject({
      end: local('11:00'),
      poweredHours: 1.0833,
      runningHours: 0.6667,
      energyKwh: 0.6167,
    });
    await sw.waitForOutput(false);
  });

  it('splits a session across a month boundary, and the monthly statistics count each part in its month', async () => {
    clock.set(local('23:30', '2026-03-31'));
    const { lab, machine, unswitched, manager, member, sw } = await setup({}, { walkIns: true });
    await reported(sw, async () => {
      expect(
        (await ctx.injectAs(member, { method: 'POST', url: `/api/machines/${machine.id}/start` })).statusCode,
      ).toBe(200);
    });
    await reported(sw, () => sw.setLoad(500));
    clock.set(local('00:00', '2026-04-01'));
    await reported(sw, () => sw.advance(30 * MIN));
    clock.set(local('00:30', '2026-04-01'));
    const stopped = await ctx.injectAs(member, { method: 'POST', url: `/api/machines/${machine.id}/stop` });
    expect(stopped.json()).toMatchObject({ poweredHours: 1, runningHours: 1, energyKwh: 0.5 });

    for (const month of ['2026-03', '2026-04']) {
      const res = await ctx.injectAs(manager, {
        method: 'GET',
        url: `/api/stats/monthly?month=${month}&labId=${lab.id}`,
      });
      expect(res.statusCode).toBe(200);
      const stats = res.json();
      expect(stats.totals).toMatchObject({ usedHours: 0.5, poweredHours: 0.5, runningHours: 0.5, energyKwh: 0.25 });
      const byMachine = new Map(stats.byMachine.map((r: { machineId: string }) => [r.machineId, r]));
      expect(byMachine.get(machine.id)).toMatchObject({ poweredHours: 0.5, energyKwh: 0.25 });
      // No switch, no measurement: null, not zero.
      expect(byMachine.get(unswitched.id)).toMatchObject({ poweredHours: null, runningHours: null, energyKwh: null });
      const student = stats.byCategory.find((r: { category: string }) => r.category === 'student');
      expect(student).toMatchObject({ poweredHours: 0.5, energyKwh: 0.25 });
      const teacher = stats.byCategory.find((r: { category: string }) => r.category === 'teacher');
      expect(teacher.poweredHours).toBeNull();
    }

    const csv = await ctx.injectAs(manager, {
      method: 'GET',
      url: `/api/stats/monthly?month=2026-03&labId=${lab.id}&format=csv&lang=en`,
    });
    expect(csv.statusCode).toBe(200);
    const [header, total] = csv.body.replace(/^\ufeff/, '').split('\n');
    const columns = header!.split(',');
    const cells = total!.split(',');
    expect(cells[columns.indexOf('poweredHours')]).toBe('0.5');
    expect(cells[columns.indexOf('energyKwh')]).toBe('0.25');
    const xlsx = await ctx.injectAs(manager, {
      method: 'GET',
      url: `/api/stats/monthly?month=2026-03&labId=${lab.id}&format=xlsx&lang=en`,
    });
    expect(xlsx.statusCode).toBe(200);
  });

  it('after a restart, measures the open session from the last state the database kept', async () => {
    clock.set(local('14:00'));
    const { machine, member, sw } = await setup({}, { walkIns: true });
    await reported(sw, async () => {
      expect(
        (await ctx.injectAs(member, { method: 'POST', url: `/api/machines/${machine.id}/start` })).statusCode,
      ).toBe(200);
    });
    await reported(sw, () => sw.setLoad(600));

    // The server goes away from the broker; another process starts on the same database.
    await ctx.app.deviceBus.close();
    const restarted = await buildApp({
      config: testConfig({ mqtt: { url: BROKER_URL, tapDebounceMs: 3000 } }),
      database: ctx.database,
      clock,
    });
    try {
      await restarted.ready();
      await restarted.deviceBus.ready();
      clock.set(local('14:20'));
      const seen = new Promise<void>((resolve) => {
        const stop = restarted.devices.onProcessed((m) => {
          if (m.kind === 'status' && m.deviceId === sw.deviceId) {
            stop();
            resolve();
          }
        });
      });
      await sw.advance(20 * MIN);
      await seen;
      const res = await restarted.inject({
        method: 'POST',
        url: `/api/machines/${machine.id}/stop`,
        headers: { authorization: `Bearer ${member.token}` },
      });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ poweredHours: 0.3333, runningHours: 0.3333, energyKwh: 0.2 });
    } finally {
      await restarted.close();
      ctx.app.deviceBus.start();
      await ctx.app.deviceBus.ready();
    }
  });

  it('shows a device that dropped off the network as offline', async () => {
    const { lab, manager, sw } = await setup();
    const listed = async () =>
      (await ctx.injectAs(manager, { method: 'GET', url: `/api/labs/${lab.id}/devices` })).json().items[0];
    await eventually(async () => (await listed()).online === true, 5000, 'the switch online');
    await sw.crash();
    open.splice(open.indexOf(sw), 1);
    await eventually(async () => (await listed()).online === false, 10_000, 'the switch offline');
    await SimSwitch.clearRetained(broker, sw.deviceId);
    const [row] = await ctx.db.select().from(devices).where(eq(devices.deviceId, sw.deviceId));
    expect(row!.online).toBe(false);
    // The public status board says so too, beside the machine's state.
    const board = (await ctx.app.inject({ method: 'GET', url: `/api/labs/${lab.id}/status` })).json();
    expect(board.deviceBus).toBe('up');
    expect(board.machines.find((m: { machineId: string }) => m.machineId === row!.machineId)).toMatchObject({
      state: 'free',
      power: { online: false },
    });
    expect(board.machines.find((m: { machineId: string }) => m.machineId !== row!.machineId).power).toBeUndefined();
  });
});

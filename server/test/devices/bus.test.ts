import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTcpProxy, type TcpProxy } from '../hardening/tcp-proxy.js';
import { SimSwitch } from '../../src/scripts/device-simulator.js';
import { createTestContext, type TestContext } from '../helpers/app.js';
import { BROKER_URL, broker, eventually, nextProcessed, uniqueId } from './support.js';

// The server reaches the broker through a proxy the test can cut, as when the broker restarts or
// the network drops; the simulated devices talk to the broker directly.
describe('the device bus', () => {
  let proxy: TcpProxy;
  let ctx: TestContext;

  beforeAll(async () => {
    const target = new URL(BROKER_URL);
    proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 1883) });
    ctx = await createTestContext({ config: { mqtt: { url: `mqtt://127.0.0.1:${proxy.port}`, tapDebounceMs: 3000 } } });
    await ctx.app.deviceBus.ready();
  });
  afterAll(async () => {
    await ctx.close();
    await proxy.close();
  });

  it('reconnects after the broker went away, and listens to devices registered meanwhile', async () => {
    const lab = await ctx.createLab({ slug: uniqueId('lab') });
    const machine = await ctx.createMachine(lab.id);
    const manager = await ctx.createUser({ role: 'manager', manages: [lab.id] });
    expect(ctx.app.deviceBus.isConnected()).toBe(true);

    await proxy.cut();
    await eventually(async () => !ctx.app.deviceBus.isConnected(), 5000, 'the bus to notice');
    const board = await ctx.app.inject({ method: 'GET', url: `/api/labs/${lab.id}/status` });
    expect(board.json().deviceBus).toBe('down');
    const deviceId = uniqueId('shellyplus1pm');
    const res = await ctx.injectAs(manager, {
      method: 'POST',
      url: `/api/machines/${machine.id}/devices`,
      payload: { kind: 'switch', deviceId },
    });
    expect(res.statusCode).toBe(201);

    await proxy.restore();
    await ctx.app.deviceBus.ready();
    const sw = await SimSwitch.start(broker, deviceId, { load: 75, output: true });
    try {
      const seen = nextProcessed(ctx, 'status', deviceId, 10_000);
      await sw.report();
      await seen;
      const list = await ctx.injectAs(manager, { method: 'GET', url: `/api/labs/${lab.id}/devices` });
      expect(list.json().items[0]).toMatchObject({ deviceId, online: true, output: true, apower: 75 });
    } finally {
      await sw.close();
    }
  });

  it('stops listening to a device once it is removed', async () => {
    const lab = await ctx.createLab({ slug: uniqueId('lab') });
    const machine = await ctx.createMachine(lab.id);
    const manager = await ctx.createUser({ role: 'manager', manages: [lab.id] });
    const deviceId = uniqueId('shellyplugs');
    const created = await ctx.injectAs(manager, {
      method: 'POST',
      url: `/api/machines/${machine.id}/devices`,
      payload: { kind: 'switch', deviceId },
    });
    const sw = await SimSwitch.start(broker, deviceId, { load: 10, output: true });
    try {
      const first = nextProcessed(ctx, 'status', deviceId);
      await sw.report();
      await first;
      expect(
        (await ctx.injectAs(manager, { method: 'DELETE', url: `/api/devices/${created.json().id}` })).statusCode,
      ).toBe(204);
      let heard = false;
      const stop = ctx.app.devices.onProcessed((m) => {
        if (m.deviceId === deviceId) heard = true;
      });
      // A marker from a device still registered: once it is handled, the removed one's report would have been too.
      const marker = uniqueId('shellymarker');
      await ctx.injectAs(manager, {
        method: 'POST',
        url: `/api/machines/${(await ctx.createMachine(lab.id)).id}/devices`,
        payload: { kind: 'switch', deviceId: marker },
      });
      const markerSwitch = await SimSwitch.start(broker, marker);
      try {
        const markerSeen = nextProcessed(ctx, 'status', marker);
        await sw.report();
        await markerSwitch.report();
        await markerSeen;
      } finally {
        await markerSwitch.close();
      }
      stop();
      expect(heard).toBe(false);
    } finally {
      await sw.close();
    }
  });
});

import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type App } from '../../src/app.js';
import { deviceEvents, usageSessions } from '../../src/db/schema/index.js';
import { SimReader } from '../../src/scripts/device-simulator.js';
import { createTestContext, fixedClock, testConfig, type TestContext } from '../helpers/app.js';
import { insertBooking } from '../usage/fixtures.js';
import { BROKER_URL, broker, randomUid, uniqueId } from './support.js';

const local = (hhmm: string) => new Date(`2026-03-02T${hhmm}:00+07:00`).toISOString();

// Two server processes on one database, in one shared-subscription group (MQTT_SHARE_GROUP).
describe('two server processes', () => {
  const clock = fixedClock(local('09:55'));
  const group = uniqueId('fablab');
  let ctx: TestContext;
  let second: App;

  beforeAll(async () => {
    const mqtt = { url: BROKER_URL, tapDebounceMs: 3000, shareGroup: group };
    ctx = await createTestContext({ clock, config: { mqtt } });
    second = await buildApp({ config: testConfig({ mqtt }), database: ctx.database, clock });
    await second.ready();
    await Promise.all([ctx.app.deviceBus.ready(), second.deviceBus.ready()]);
  });
  afterAll(async () => {
    await second.close();
    await ctx.close();
  });

  it('act on each tap exactly once', async () => {
    const lab = await ctx.createLab({ slug: uniqueId('lab') });
    const manager = await ctx.createUser({ role: 'manager', manages: [lab.id] });
    const handled = { first: 0, second: 0 };
    const stops = [
      ctx.app.devices.onProcessed((m) => void (m.kind === 'tap' && (handled.first += 1))),
      second.devices.onProcessed((m) => void (m.kind === 'tap' && (handled.second += 1))),
    ];
    const stations = await Promise.all(
      Array.from({ length: 8 }, async () => {
        const machine = await ctx.createMachine(lab.id);
        const member = await ctx.createUser();
        const uid = randomUid();
        await ctx.injectAs(manager, { method: 'POST', url: `/api/users/${member.id}/cards`, payload: { uid } });
        const readerId = uniqueId('reader');
        await ctx.injectAs(manager, {
          method: 'POST',
          url: `/api/machines/${machine.id}/devices`,
          payload: { kind: 'reader', deviceId: readerId },
        });
        await insertBooking(ctx, { machine, userId: member.id, start: local('10:00'), end: local('11:00') });
        return { machine, uid, reader: await SimReader.start(broker, lab.slug, readerId) };
      }),
    );
    try {
      const answers = await Promise.all(stations.map((s) => s.reader.tap(s.uid)));
      expect(answers.map((a) => a.code)).toEqual(stations.map(() => 'STARTED'));
      await Promise.all([ctx.app.devices.idle(), second.devices.idle()]);
      expect(handled.first + handled.second).toBe(stations.length);
      for (const s of stations) {
        expect(await ctx.db.select().from(usageSessions).where(eq(usageSessions.machineId, s.machine.id))).toHaveLength(
          1,
        );
        expect(
          await ctx.db
            .select()
            .from(deviceEvents)
            .where(and(eq(deviceEvents.deviceId, s.reader.deviceId), eq(deviceEvents.kind, 'tap'))),
        ).toHaveLength(1);
        expect(s.reader.replies).toHaveLength(1);
      }
    } finally {
      for (const stop of stops) stop();
      await Promise.all(stations.map((s) => s.reader.close()));
    }
  });
});

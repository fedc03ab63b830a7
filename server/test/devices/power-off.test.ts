import { and, eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { incidents, notifications, usageSessions } from '../../src/db/schema/index.js';
import { SimReader, SimSwitch } from '../../src/scripts/device-simulator.js';
import { fixedClock, type TestContext } from '../helpers/app.js';
import { insertBooking } from '../usage/fixtures.js';
import { broker, createDeviceContext, nextProcessed, randomUid, uniqueId } from './support.js';

const local = (hhmm: string) => new Date(`2026-03-02T${hhmm}:00+07:00`).toISOString();

describe('power with no session', () => {
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

  async function setup(machineInput: Record<string, unknown> = {}, load = 40, output = false) {
    clock.set(local('09:55'));
    const lab = await ctx.createLab({ slug: uniqueId('lab'), settings: { noShowGraceMinutes: 15 } });
    const machine = await ctx.createMachine(lab.id, machineInput);
    const manager = await ctx.createUser({ role: 'manager', manages: [lab.id] });
    const member = await ctx.createUser();
    const switchId = uniqueId('shellyplus1pm');
    const readerId = uniqueId('reader');
    for (const [kind, deviceId] of [
      ['switch', switchId],
      ['reader', readerId],
    ]) {
      await ctx.injectAs(manager, {
        method: 'POST',
        url: `/api/machines/${machine.id}/devices`,
        payload: { kind, deviceId },
      });
    }
    const uid = randomUid();
    await ctx.injectAs(manager, { method: 'POST', url: `/api/users/${member.id}/cards`, payload: { uid } });
    const sw = await SimSwitch.start(broker, switchId, { load, output });
    const reader = await SimReader.start(broker, lab.slug, readerId);
    open.push(sw, reader);
    return { lab, machine, manager, member, sw, reader, uid };
  }

  async function reported(sw: SimSwitch, action: () => Promise<unknown>) {
    const seen = nextProcessed(ctx, 'status', sw.deviceId);
    await action();
    await seen;
  }

  it('switches off once the system checked the booking out after its end and grace', async () => {
    const { machine, member, sw, reader, uid } = await setup();
    const booking = await insertBooking(ctx, {
      machine,
      userId: member.id,
      start: local('10:00'),
      end: local('11:00'),
    });
    await reported(sw, () => reader.tap(uid));
    expect(sw.output).toBe(true);

    clock.set(local('10:59'));
    expect(await ctx.app.jobs.run('devices-booking-end')).toEqual({ warned: [] });
    // At the end the member is warned, once, at the reader and by a notification.
    clock.set(local('11:00'));
    expect(await ctx.app.jobs.run('devices-booking-end')).toEqual({ warned: [booking.id] });
    const [warning] = await reader.waitForReplies(2).then((r) => r.slice(1));
    expect(warning).toMatchObject({ ok: true, code: 'BOOKING_ENDED', message: expect.stringContaining('15 minutes') });
    const told = await ctx.db
      .select()
      .from(notifications)
      .where(and(eq(notifications.userId, member.id), eq(notifications.kind, 'booking_ended')));
    expect(told).toHaveLength(1);
    expect(await ctx.app.jobs.run('devices-booking-end')).toEqual({ warned: [] });

    clock.set(local('11:10'));
    expect(await ctx.app.jobs.run('auto-check-out')).toMatchObject({ closed: 0 });
    expect(await ctx.app.jobs.run('devices-power-off')).toMatchObject({ switchedOff: [] });
    clock.set(local('11:15'));
    expect(await ctx.app.jobs.run('auto-check-out')).toMatchObject({ bookingIds: [booking.id] });
    await reported(sw, async () => {
      expect(await ctx.app.jobs.run('devices-power-off')).toEqual({ switchedOff: [sw.deviceId], incidents: [] });
    });
    expect(sw.output).toBe(false);
    // The switch's confirming report counts its power up to the session's end at the booking's end.
    const [session] = await ctx.db.select().from(usageSessions).where(eq(usageSessions.machineId, machine.id));
    expect(session).toMatchObject({ endAt: new Date(local('11:00')), closedBySystem: true, poweredSecs: 65 * 60 });
    expect(await ctx.app.jobs.run('devices-power-off')).toMatchObject({ switchedOff: [] });
  });

  it('lets a machine that may run unattended finish its print, and switches it off once idle', async () => {
    const { machine, member, sw, reader, uid } = await setup({ type: 'fdm_printer', mayRunUnattended: true }, 180);
    await insertBooking(ctx, { machine, userId: member.id, start: local('10:00'), end: local('11:00') });
    await reported(sw, () => reader.tap(uid));
    clock.set(local('13:00'));
    await ctx.app.jobs.run('auto-check-out');
    expect(await ctx.app.jobs.run('devices-power-off')).toMatchObject({ switchedOff: [] });
    expect(sw.output).toBe(true);

    clock.set(local('14:30'));
    await reported(sw, () => sw.setLoad(3));
    await reported(sw, async () => {
      expect(await ctx.app.jobs.run('devices-power-off')).toMatchObject({ switchedOff: [sw.deviceId] });
    });
    expect(sw.output).toBe(false);
  });

  it('opens an incident for power switched on at the device, tells the managers, and switches off', async () => {
    const { machine, manager, sw } = await setup({}, 300, true);
    await reported(sw, () => sw.report());
    let result: unknown;
    await reported(sw, async () => {
      result = await ctx.app.jobs.run('devices-power-off');
    });
    expect(result).toMatchObject({ switchedOff: [sw.deviceId], incidents: [expect.any(String)] });
    expect(sw.output).toBe(false);
    const [incident] = await ctx.db.select().from(incidents).where(eq(incidents.machineId, machine.id));
    expect(incident).toMatchObject({ kind: 'other', usageSessionId: null });
    expect(incident!.description).toMatch(/Unattributed use/);
    const told = await ctx.db
      .select()
      .from(notifications)
      .where(and(eq(notifications.userId, manager.id), eq(notifications.kind, 'incident_reported')));
    expect(told).toHaveLength(1);
    const listed = await ctx.injectAs(manager, { method: 'GET', url: `/api/labs/${machine.labId}/incidents` });
    expect(listed.json().items).toHaveLength(1);

    // Switched on again at the device before anyone was given power: no second incident, off again.
    clock.advance(60_000);
    sw.output = true;
    await reported(sw, () => sw.report());
    await reported(sw, async () => {
      expect(await ctx.app.jobs.run('devices-power-off')).toMatchObject({ switchedOff: [sw.deviceId], incidents: [] });
    });
    expect(await ctx.db.select().from(incidents).where(eq(incidents.machineId, machine.id))).toHaveLength(1);
  });
});

import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { machines, usageSessions } from '../../src/db/schema/index.js';
import { ConfigError, loadConfig, loadMqttConfig } from '../../src/config.js';
import { createTestContext, fixedClock, type TestContext } from '../helpers/app.js';
import { insertBooking } from '../usage/fixtures.js';
import { randomUid, uniqueId } from './support.js';

const local = (hhmm: string, day = '2026-03-02') => new Date(`${day}T${hhmm}:00+07:00`).toISOString();

describe('MQTT_URL', () => {
  it('is optional: without it devices are off', () => {
    expect(loadMqttConfig({})).toBeUndefined();
    expect(loadConfig({ JWT_SECRET: 'x'.repeat(40), DATA_DIR: '/nonexistent' }).mqtt).toBeUndefined();
  });

  it('names the broker, with optional credentials and a client id for a persistent session', () => {
    expect(
      loadMqttConfig({
        MQTT_URL: 'mqtt://broker.lab:1883',
        MQTT_USERNAME: 'fablab-server',
        MQTT_PASSWORD: 'secret',
        MQTT_CLIENT_ID: 'fablab-1',
      }),
    ).toEqual({
      url: 'mqtt://broker.lab:1883',
      username: 'fablab-server',
      password: 'secret',
      clientId: 'fablab-1',
      tapDebounceMs: 3000,
    });
    expect(() => loadMqttConfig({ MQTT_URL: 'http://broker.lab' })).toThrow(ConfigError);
    expect(() => loadMqttConfig({ MQTT_URL: 'mqtt://b', MQTT_TAP_DEBOUNCE_MS: '-1' })).toThrow(ConfigError);
  });
});

// Devices off (no MQTT_URL): registering, cards and start/stop still work, with no power commands.
describe('devices and cards, over HTTP', () => {
  const clock = fixedClock(local('09:50'));
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext({ clock });
  });
  afterAll(() => ctx.close());

  async function setup() {
    const lab = await ctx.createLab({ slug: uniqueId('lab') });
    const machine = await ctx.createMachine(lab.id);
    const manager = await ctx.createUser({ role: 'manager', manages: [lab.id] });
    const member = await ctx.createUser();
    return { lab, machine, manager, member };
  }

  it('lets the lab’s managers and admins register, list and remove devices', async () => {
    const { lab, machine, manager, member } = await setup();
    const otherLab = await ctx.createLab({ slug: uniqueId('lab') });
    const otherManager = await ctx.createUser({ role: 'manager', manages: [otherLab.id] });
    const admin = await ctx.createUser({ role: 'admin' });
    const url = `/api/machines/${machine.id}/devices`;
    const switchId = uniqueId('shellyplug-s');

    const created = await ctx.injectAs(manager, {
      method: 'POST',
      url,
      payload: { kind: 'switch', deviceId: switchId, runningThresholdW: 25 },
    });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({
      machineId: machine.id,
      labId: lab.id,
      kind: 'switch',
      deviceId: switchId,
      runningThresholdW: 25,
      online: false,
    });
    const reader = await ctx.injectAs(admin, {
      method: 'POST',
      url,
      payload: { kind: 'reader', deviceId: uniqueId('reader') },
    });
    expect(reader.statusCode).toBe(201);
    expect(reader.json().runningThresholdW).toBeNull();

    expect(
      (await ctx.injectAs(member, { method: 'POST', url, payload: { kind: 'reader', deviceId: uniqueId('r') } }))
        .statusCode,
    ).toBe(403);
    expect(
      (await ctx.injectAs(otherManager, { method: 'POST', url, payload: { kind: 'reader', deviceId: uniqueId('r') } }))
        .statusCode,
    ).toBe(403);
    expect(
      (await ctx.app.inject({ method: 'POST', url, payload: { kind: 'reader', deviceId: uniqueId('r') } })).statusCode,
    ).toBe(401);

    const taken = await ctx.injectAs(manager, {
      method: 'POST',
      url: `/api/machines/${(await ctx.createMachine(lab.id)).id}/devices`,
      payload: { kind: 'switch', deviceId: switchId },
    });
    expect(taken.statusCode).toBe(409);
    expect(taken.json().code).toBe('DEVICE_TAKEN');
    const second = await ctx.injectAs(manager, {
      method: 'POST',
      url,
      payload: { kind: 'switch', deviceId: uniqueId('shelly') },
    });
    expect(second.statusCode).toBe(409);
    expect(second.json().code).toBe('SWITCH_EXISTS');

    const list = await ctx.injectAs(manager, { method: 'GET', url: `/api/labs/${lab.id}/devices` });
    expect(list.statusCode).toBe(200);
    expect(list.json().total).toBe(2);
    expect(list.json().items.find((d: { kind: string }) => d.kind === 'switch')).toMatchObject({
      deviceId: switchId,
      online: false,
      output: null,
      apower: null,
    });
    expect((await ctx.injectAs(member, { method: 'GET', url: `/api/labs/${lab.id}/devices` })).statusCode).toBe(403);
    expect(
      (await ctx.injectAs(manager, { method: 'GET', url: `/api/labs/00000000-0000-4000-8000-000000000000/devices` }))
        .statusCode,
    ).toBe(404);

    const id = created.json().id as string;
    expect((await ctx.injectAs(otherManager, { method: 'DELETE', url: `/api/devices/${id}` })).statusCode).toBe(404);
    expect((await ctx.injectAs(manager, { method: 'DELETE', url: `/api/devices/${id}` })).statusCode).toBe(204);
    expect((await ctx.injectAs(manager, { method: 'DELETE', url: `/api/devices/${id}` })).statusCode).toBe(404);
  });

  it('refuses malformed devices with a 400 naming the problem', async () => {
    const { machine, manager } = await setup();
    const url = `/api/machines/${machine.id}/devices`;
    for (const payload of [
      { kind: 'plug', deviceId: 'x1' },
      { kind: 'switch', deviceId: 'a/b' },
      { kind: 'switch', deviceId: 'shelly+#' },
      { kind: 'switch', deviceId: '' },
      { kind: 'switch', deviceId: 'ok-1', runningThresholdW: -5 },
      { kind: 'switch' },
    ]) {
      const res = await ctx.injectAs(manager, { method: 'POST', url, payload });
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.json().code).toBeTruthy();
    }
    expect(
      (
        await ctx.injectAs(manager, {
          method: 'POST',
          url: '/api/machines/00000000-0000-4000-8000-000000000000/devices',
          payload: { kind: 'reader', deviceId: 'r1' },
        })
      ).statusCode,
    ).toBe(404);
    expect(
      (
        await ctx.injectAs(manager, {
          method: 'POST',
          url: '/api/machines/not-a-uuid/devices',
          payload: { kind: 'reader', deviceId: 'r1' },
        })
      ).statusCode,
    ).toBe(400);
  });

  it('assigns a card to one account only; the member sees and may drop their own', async () => {
    const { manager, member } = await setup();
    const other = await ctx.createUser();
    const hex = randomUid();
    const spaced = hex.toLowerCase().match(/../g)!.join(':');

    const created = await ctx.injectAs(manager, {
      method: 'POST',
      url: `/api/users/${member.id}/cards`,
      payload: { uid: spaced },
    });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ userId: member.id, uid: hex });

    const taken = await ctx.injectAs(manager, {
      method: 'POST',
      url: `/api/users/${other.id}/cards`,
      payload: { uid: hex },
    });
    expect(taken.statusCode).toBe(409);
    expect(taken.json().code).toBe('CARD_TAKEN');
    expect(
      (
        await ctx.injectAs(member, {
          method: 'POST',
          url: `/api/users/${member.id}/cards`,
          payload: { uid: randomUid() },
        })
      ).statusCode,
    ).toBe(403);
    expect(
      (
        await ctx.injectAs(manager, {
          method: 'POST',
          url: `/api/users/${member.id}/cards`,
          payload: { uid: 'not-hex!' },
        })
      ).statusCode,
    ).toBe(400);
    expect(
      (await ctx.injectAs(manager, { method: 'POST', url: `/api/users/${member.id}/cards`, payload: { uid: 'ABCD' } }))
        .statusCode,
    ).toBe(400);
    expect(
      (
        await ctx.injectAs(manager, {
          method: 'POST',
          url: `/api/users/00000000-0000-4000-8000-000000000000/cards`,
          payload: { uid: randomUid() },
        })
      ).statusCode,
    ).toBe(404);

    const mine = await ctx.injectAs(member, { method: 'GET', url: '/api/me/cards' });
    expect(mine.json()).toMatchObject({ total: 1, items: [{ uid: hex }] });
    expect((await ctx.injectAs(other, { method: 'GET', url: '/api/me/cards' })).json().total).toBe(0);
    expect((await ctx.injectAs(manager, { method: 'GET', url: `/api/users/${member.id}/cards` })).json().total).toBe(1);
    expect((await ctx.injectAs(other, { method: 'GET', url: `/api/users/${member.id}/cards` })).statusCode).toBe(403);

    const cardId = created.json().id as string;
    expect((await ctx.injectAs(other, { method: 'DELETE', url: `/api/cards/${cardId}` })).statusCode).toBe(404);
    expect((await ctx.injectAs(member, { method: 'DELETE', url: `/api/cards/${cardId}` })).statusCode).toBe(204);
    // Free again: it may go to someone else.
    expect(
      (await ctx.injectAs(manager, { method: 'POST', url: `/api/users/${other.id}/cards`, payload: { uid: hex } }))
        .statusCode,
    ).toBe(201);
  });

  it('starts and stops a machine from its page with the same decision as a tap', async () => {
    clock.set(local('09:50'));
    const { machine, manager, member } = await setup();
    const start = `/api/machines/${machine.id}/start`;
    const stop = `/api/machines/${machine.id}/stop`;

    const none = await ctx.injectAs(member, { method: 'POST', url: start });
    expect(none.statusCode).toBe(422);
    expect(none.json().code).toBe('NO_BOOKING');
    expect((await ctx.injectAs(member, { method: 'POST', url: stop })).json().code).toBe('NOT_IN_USE');
    expect((await ctx.app.inject({ method: 'POST', url: start })).statusCode).toBe(401);
    expect(
      (await ctx.injectAs(member, { method: 'POST', url: '/api/machines/00000000-0000-4000-8000-000000000000/start' }))
        .statusCode,
    ).toBe(404);

    const pending = await insertBooking(ctx, {
      machine,
      userId: member.id,
      start: local('10:00'),
      end: local('11:00'),
      status: 'pending',
    });
    expect((await ctx.injectAs(member, { method: 'POST', url: start })).json()).toMatchObject({
      code: 'NO_BOOKING',
      message: 'Your booking is not approved yet',
    });
    await ctx.injectAs(manager, { method: 'POST', url: `/api/bookings/${pending.id}/approve` });

    const started = await ctx.injectAs(member, { method: 'POST', url: start });
    expect(started.statusCode).toBe(200);
    expect(started.json()).toMatchObject({
      booking: { id: pending.id, status: 'checked_in' },
      usage: {
        bookingId: pending.id,
        userId: member.id,
        start: local('09:50'),
        end: null,
        poweredHours: null,
        energyKwh: null,
      },
    });
    // Pressing Start again is harmless: the same session.
    const again = await ctx.injectAs(member, { method: 'POST', url: start });
    expect(again.statusCode).toBe(200);
    expect(again.json().usage.id).toBe(started.json().usage.id);

    const stranger = await ctx.createUser();
    expect((await ctx.injectAs(stranger, { method: 'POST', url: start })).json().code).toBe('MACHINE_IN_USE');
    expect((await ctx.injectAs(stranger, { method: 'POST', url: stop })).statusCode).toBe(403);

    clock.set(local('10:40'));
    const stopped = await ctx.injectAs(manager, { method: 'POST', url: stop });
    expect(stopped.statusCode).toBe(200);
    expect(stopped.json()).toMatchObject({ id: started.json().usage.id, end: local('10:40') });
    const booking = await ctx.injectAs(member, { method: 'GET', url: `/api/bookings/${pending.id}` });
    expect(booking.json().status).toBe('completed');
  });

  it('refuses to start a machine that is out of service', async () => {
    const { machine, manager, member } = await setup();
    await ctx.injectAs(manager, {
      method: 'PATCH',
      url: `/api/machines/${machine.id}`,
      payload: { status: 'out_of_service' },
    });
    const res = await ctx.injectAs(member, { method: 'POST', url: `/api/machines/${machine.id}/start` });
    expect(res.statusCode).toBe(422);
    expect(res.json().code).toBe('MACHINE_UNAVAILABLE');
  });

  it('opens a walk-in only while the lab is open, for at least the machine’s minimum before it closes', async () => {
    const { lab, machine, manager, member } = await setup();
    await ctx.db.update(machines).set({ walkIns: true, minMinutes: 30 }).where(eq(machines.id, machine.id));
    const printer = await ctx.createMachine(lab.id, { type: 'fdm_printer', walkIns: true, mayRunUnattended: true });
    const start = async (machineId: string) =>
      ctx.injectAs(member, { method: 'POST', url: `/api/machines/${machineId}/start` });
    const stop = async (machineId: string) =>
      expect((await ctx.injectAs(member, { method: 'POST', url: `/api/machines/${machineId}/stop` })).statusCode).toBe(200);

    // Monday after closing (the lab opens 08:00–17:00 on weekdays).
    clock.set(local('18:00'));
    const evening = await start(machine.id);
    expect(evening.statusCode).toBe(422);
    expect(evening.json()).toMatchObject({ code: 'OUTSIDE_OPENING_HOURS', message: 'The lab is closed now' });
    // 15 minutes before closing: too late for a 30-minute machine, fine for one that may run unattended.
    clock.set(local('16:45'));
    expect((await start(machine.id)).json()).toMatchObject({
      code: 'OUTSIDE_OPENING_HOURS',
      message: expect.stringContaining('closes at 17:00'),
    });
    expect((await start(printer.id)).statusCode).toBe(200);
    clock.set(local('16:50'));
    await stop(printer.id);
    // Saturday: no opening hours at all.
    clock.set(local('10:00', '2026-03-07'));
    expect((await start(machine.id)).json().code).toBe('OUTSIDE_OPENING_HOURS');
    // A closure (a public holiday) on an ordinary Tuesday.
    const closure = await ctx.injectAs(manager, {
      method: 'POST',
      url: `/api/labs/${lab.id}/closures`,
      payload: { from: '2026-03-03', to: '2026-03-03', reason: 'Ngày lễ' },
    });
    expect(closure.statusCode).toBe(201);
    clock.set(local('10:00', '2026-03-03'));
    expect((await start(machine.id)).json().code).toBe('OUTSIDE_OPENING_HOURS');
    expect(await ctx.db.select().from(usageSessions).where(eq(usageSessions.machineId, machine.id))).toHaveLength(0);

    // Open, with time to spare: a walk-in.
    clock.set(local('10:00', '2026-03-04'));
    const walkIn = await start(machine.id);
    expect(walkIn.statusCode).toBe(200);
    expect(walkIn.json().usage).toMatchObject({ bookingId: null, end: null });
    clock.set(local('10:40', '2026-03-04'));
    await stop(machine.id);

    // A booking keeps its own rules: checked in at 07:50 for 08:00, before the lab opens.
    const booking = await insertBooking(ctx, {
      machine,
      userId: member.id,
      start: local('08:00', '2026-03-05'),
      end: local('09:00', '2026-03-05'),
    });
    clock.set(local('07:50', '2026-03-05'));
    const early = await start(machine.id);
    expect(early.statusCode).toBe(200);
    expect(early.json().booking).toMatchObject({ id: booking.id, status: 'checked_in' });
    clock.set(local('09:50'));
  });

  it('lets the lab’s managers allow walk-ins on a machine', async () => {
    const { machine, manager } = await setup();
    const res = await ctx.injectAs(manager, {
      method: 'PATCH',
      url: `/api/machines/${machine.id}`,
      payload: { walkIns: true },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().walkIns).toBe(true);
    expect((await ctx.app.inject({ method: 'GET', url: `/api/machines/${machine.id}` })).json().walkIns).toBe(true);
  });
});

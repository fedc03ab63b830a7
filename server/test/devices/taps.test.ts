import { and, eq, isNull, sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { bookings, deviceEvents, machines, usageSessions } from '../../src/db/schema/index.js';
import { SimReader, SimSwitch } from '../../src/scripts/device-simulator.js';
import { fixedClock, type TestContext, type TestUser } from '../helpers/app.js';
import { insertBooking, insertCertification } from '../usage/fixtures.js';
import { broker, createDeviceContext, eventually, nextProcessed, randomUid, uniqueId } from './support.js';

// Monday 2 March 2026 in Asia/Ho_Chi_Minh (UTC+7).
const local = (hhmm: string, day = '2026-03-02') => new Date(`${day}T${hhmm}:00+07:00`).toISOString();

describe('a tap at the machine', () => {
  const clock = fixedClock(local('09:50'));
  let ctx: TestContext;
  const open: Array<{ close(): Promise<void> }> = [];

  beforeAll(async () => {
    ctx = await createDeviceContext({ clock, tapDebounceMs: 3000 });
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((d) => d.close()));
  });
  afterAll(() => ctx.close());

  async function setup(machineInput: Record<string, unknown> = {}) {
    clock.set(local('09:50'));
    const lab = await ctx.createLab({ slug: uniqueId('lab') });
    const machine = await ctx.createMachine(lab.id, { type: 'laser_cutter', ...machineInput });
    const manager = await ctx.createUser({ role: 'manager', manages: [lab.id] });
    const member = await ctx.createUser({ fullName: 'Trần Văn Minh' });
    const switchId = uniqueId('shellyplusplugs');
    const readerId = uniqueId('reader');
    for (const [kind, deviceId] of [
      ['switch', switchId],
      ['reader', readerId],
    ]) {
      const res = await ctx.injectAs(manager, {
        method: 'POST',
        url: `/api/machines/${machine.id}/devices`,
        payload: { kind, deviceId },
      });
      expect(res.statusCode).toBe(201);
    }
    const sw = await SimSwitch.start(broker, switchId, { load: 40 });
    const reader = await SimReader.start(broker, lab.slug, readerId);
    open.push(sw, reader);
    const uid = randomUid();
    const card = await ctx.injectAs(manager, {
      method: 'POST',
      url: `/api/users/${member.id}/cards`,
      payload: { uid },
    });
    expect(card.statusCode).toBe(201);
    return { lab, machine, manager, member, sw, reader, uid };
  }

  async function sessionsOf(machineId: string) {
    return ctx.db.select().from(usageSessions).where(eq(usageSessions.machineId, machineId));
  }

  async function commandsOf(machineId: string) {
    return ctx.db
      .select()
      .from(deviceEvents)
      .where(and(eq(deviceEvents.machineId, machineId), eq(deviceEvents.kind, 'command')));
  }

  async function bookingStatus(id: string) {
    const [row] = await ctx.db.select({ status: bookings.status }).from(bookings).where(eq(bookings.id, id));
    return row?.status;
  }

  it('with an approved booking and a valid certification switches the machine on and checks the booking in', async () => {
    const { lab, machine, member, sw, reader, uid } = await setup({ requiresCertification: true });
    await insertCertification(ctx, {
      userId: member.id,
      labId: lab.id,
      machineType: 'laser_cutter',
      grantedAt: '2026-01-01T00:00:00Z',
    });
    const booking = await insertBooking(ctx, {
      machine,
      userId: member.id,
      start: local('10:00'),
      end: local('12:00'),
    });

    const answer = await reader.tap(uid);
    expect(answer).toMatchObject({ ok: true, code: 'STARTED' });
    await sw.waitForOutput(true);
    expect(sw.commands).toEqual([
      { id: expect.any(Number), src: 'fablab', method: 'Switch.Set', params: { id: 0, on: true } },
    ]);
    expect(await bookingStatus(booking.id)).toBe('checked_in');
    const [session] = await sessionsOf(machine.id);
    expect(session).toMatchObject({
      bookingId: booking.id,
      userId: member.id,
      endAt: null,
      startAt: new Date(local('09:50')),
    });

    // A second tap, a while later, checks out and switches off.
    clock.set(local('11:10'));
    const second = await reader.tap(uid);
    expect(second).toMatchObject({ ok: true, code: 'STOPPED' });
    await sw.waitForOutput(false);
    expect(await bookingStatus(booking.id)).toBe('completed');
    const [ended] = await sessionsOf(machine.id);
    expect(ended!.endAt).toEqual(new Date(local('11:10')));
  });

  it('without the certification the machine needs is refused, with no power and no session', async () => {
    const { machine, member, sw, reader, uid } = await setup({ requiresCertification: true });
    const booking = await insertBooking(ctx, {
      machine,
      userId: member.id,
      start: local('10:00'),
      end: local('12:00'),
    });

    const answer = await reader.tap(uid);
    expect(answer).toMatchObject({ ok: false, code: 'CERTIFICATION_REQUIRED' });
    expect(answer.message).toMatch(/certification/i);
    expect(await commandsOf(machine.id)).toHaveLength(0);
    expect(sw.commands).toHaveLength(0);
    expect(sw.output).toBe(false);
    expect(await bookingStatus(booking.id)).toBe('approved');
    expect(await sessionsOf(machine.id)).toHaveLength(0);
    const [logged] = await ctx.db
      .select()
      .from(deviceEvents)
      .where(and(eq(deviceEvents.machineId, machine.id), eq(deviceEvents.kind, 'tap')));
    expect(logged).toMatchObject({ ok: false, code: 'CERTIFICATION_REQUIRED', uid, userId: member.id });
  });

  it('never opens two sessions for a tap delivered twice, nor takes the resend for a second tap', async () => {
    const { machine, member, sw, reader, uid } = await setup();
    const booking = await insertBooking(ctx, {
      machine,
      userId: member.id,
      start: local('10:00'),
      end: local('11:00'),
    });

    // QoS 1 redelivery: the same message twice, back to back.
    const handled = [nextProcessed(ctx, 'tap', reader.deviceId)];
    await reader.publishTap(uid);
    await handled[0];
    const again = nextProcessed(ctx, 'tap', reader.deviceId);
    await reader.publishTap(uid);
    await again;
    const replies = await reader.waitForReplies(2);
    expect(replies.map((r) => r.code)).toEqual(['STARTED', 'STARTED']);

    // A reader that numbers its taps resends with the same id, even after the debounce window.
    clock.advance(60_000);
    const numbered = await reader.tap(uid, { id: 'tap-1' });
    expect(numbered.code).toBe('STOPPED');
    clock.advance(60_000);
    expect((await reader.tap(uid, { id: 'tap-1' })).code).toBe('STOPPED');

    const sessions = await sessionsOf(machine.id);
    expect(sessions).toHaveLength(1);
    expect(sessions[0]!.endAt).toEqual(new Date(local('09:51')));
    expect(await bookingStatus(booking.id)).toBe('completed');
    await sw.waitForOutput(false);
    expect(sw.commands.map((c) => c.params?.on)).toEqual([true, false]);
  });

  it('answers an unknown card, and ignores a reader the server does not know', async () => {
    const { machine, reader, lab, manager, member } = await setup();
    const stranger = randomUid();
    expect(await reader.tap(stranger)).toMatchObject({ ok: false, code: 'UNKNOWN_CARD' });
    const [logged] = await ctx.db
      .select()
      .from(deviceEvents)
      .where(and(eq(deviceEvents.machineId, machine.id), eq(deviceEvents.uid, stranger)));
    expect(logged).toMatchObject({ kind: 'tap', ok: false, code: 'UNKNOWN_CARD', userId: null });
    // At the desk: the manager finds the card just tapped, to assign it to its member.
    const waiting = await ctx.injectAs(manager, {
      method: 'GET',
      url: `/api/labs/${lab.id}/device-events?code=UNKNOWN_CARD`,
    });
    expect(waiting.json()).toMatchObject({
      total: 1,
      items: [{ uid: stranger, deviceId: reader.deviceId, machineId: machine.id }],
    });
    expect((await ctx.injectAs(member, { method: 'GET', url: `/api/labs/${lab.id}/device-events` })).statusCode).toBe(
      403,
    );
    // Once given to its member, the card is no longer waiting for an owner.
    expect(
      (await ctx.injectAs(manager, { method: 'POST', url: `/api/users/${member.id}/cards`, payload: { uid: stranger } }))
        .statusCode,
    ).toBe(201);
    const after = await ctx.injectAs(manager, {
      method: 'GET',
      url: `/api/labs/${lab.id}/device-events?code=UNKNOWN_CARD`,
    });
    expect(after.json()).toMatchObject({ total: 0, items: [] });

    // The same reader id under another lab's slug is not this reader: no answer.
    const impostor = await SimReader.start(broker, `${lab.slug}-x`, reader.deviceId);
    open.push(impostor);
    const handled = nextProcessed(ctx, 'tap', reader.deviceId);
    await impostor.publishTap(randomUid());
    expect((await handled).reply).toBeUndefined();
    expect(impostor.replies).toHaveLength(0);
    const unknown = await ctx.db
      .select()
      .from(deviceEvents)
      .where(and(eq(deviceEvents.deviceId, reader.deviceId), eq(deviceEvents.code, 'UNKNOWN_READER')));
    expect(unknown).toHaveLength(1);
  });

  it('without a booking: refused where the machine takes no walk-ins; a walk-in where it does and is free', async () => {
    const { machine, member, sw, reader, uid } = await setup();
    expect(await reader.tap(uid)).toMatchObject({ ok: false, code: 'NO_BOOKING' });

    await ctx.db.update(machines).set({ walkIns: true, minMinutes: 60 }).where(eq(machines.id, machine.id));
    const other = await ctx.createUser();
    // Booked by someone else from 10:30: not free for the 60 minutes a walk-in needs at 09:50.
    await insertBooking(ctx, { machine, userId: other.id, start: local('10:30'), end: local('11:30') });
    clock.advance(10_000);
    expect(await reader.tap(uid)).toMatchObject({
      ok: false,
      code: 'MACHINE_IN_USE',
      message: 'The machine is booked from 10:30',
    });

    clock.set(local('13:00'));
    expect(await reader.tap(uid)).toMatchObject({ ok: true, code: 'STARTED' });
    await sw.waitForOutput(true);
    const [session] = await ctx.db
      .select()
      .from(usageSessions)
      .where(and(eq(usageSessions.machineId, machine.id), isNull(usageSessions.endAt)));
    expect(session).toMatchObject({ bookingId: null, userId: member.id, startAt: new Date(local('13:00')) });

    clock.set(local('13:40'));
    expect(await reader.tap(uid)).toMatchObject({ ok: true, code: 'STOPPED' });
    await sw.waitForOutput(false);
    const [ended] = await ctx.db.select().from(usageSessions).where(eq(usageSessions.id, session!.id));
    expect(ended!.endAt).toEqual(new Date(local('13:40')));

    // After closing the reader refuses as the Start button does: walk-ins keep the lab's hours.
    clock.set(local('17:30'));
    expect(await reader.tap(uid)).toMatchObject({ ok: false, code: 'OUTSIDE_OPENING_HOURS' });
    expect(sw.commands.map((c) => c.params?.on)).toEqual([true, false]);
  });

  it("a walk-in's switch goes on before its session is written, and off again when the write is refused", async () => {
    const { machine, member, sw, reader, uid } = await setup({ walkIns: true, minMinutes: 60 });
    clock.set(local('13:00'));
    // What a racing writer would cause: the database refuses this machine's next session as it
    // refuses an overlap, after every rule of the walk-in was decided and the command went out.
    const refuse = `refuse_${machine.id.replace(/-/g, '')}`;
    await ctx.db.execute(
      sql.raw(`create function ${refuse}() returns trigger language plpgsql as $$ begin
        raise exception using errcode = '23P01', message = 'conflicting key value violates exclusion constraint';
      end $$`),
    );
    await ctx.db.execute(
      sql.raw(`create trigger ${refuse} before insert on usage_sessions for each row
        when (new.machine_id = '${machine.id}') execute function ${refuse}()`),
    );
    try {
      expect(await reader.tap(uid)).toMatchObject({ ok: false, code: 'USAGE_CONFLICT' });
      // On, then off again: nobody's session is open on the machine.
      await eventually(async () => sw.commands.length === 2, 5000, 'the switch-off');
      expect(sw.commands.map((c) => c.params?.on)).toEqual([true, false]);
      await sw.waitForOutput(false);
      expect(await sessionsOf(machine.id)).toHaveLength(0);
      expect((await commandsOf(machine.id)).map((c) => c.code).sort()).toEqual(['SWITCH_OFF', 'SWITCH_ON']);
    } finally {
      await ctx.db.execute(sql.raw(`drop trigger ${refuse} on usage_sessions; drop function ${refuse}()`));
    }

    // Written this time: the command the log took before the session was written is given it.
    clock.advance(10_000);
    expect(await reader.tap(uid)).toMatchObject({ ok: true, code: 'STARTED' });
    await sw.waitForOutput(true);
    const [session] = await sessionsOf(machine.id);
    const on = (await commandsOf(machine.id)).filter((c) => c.code === 'SWITCH_ON');
    expect(on.map((c) => c.usageSessionId)).toEqual([null, session!.id]);
    expect(on[1]).toMatchObject({ userId: member.id });
  });

  it('switches on for a member checked in on the phone; their next tap checks out', async () => {
    const { machine, member, sw, reader, uid } = await setup();
    const booking = await insertBooking(ctx, {
      machine,
      userId: member.id,
      start: local('10:00'),
      end: local('11:00'),
    });
    expect(
      (await ctx.injectAs(member, { method: 'POST', url: `/api/bookings/${booking.id}/check-in` })).statusCode,
    ).toBe(200);

    expect(await reader.tap(uid)).toMatchObject({ ok: true, code: 'STARTED' });
    await sw.waitForOutput(true);
    expect(await sessionsOf(machine.id)).toHaveLength(1);

    clock.advance(60_000);
    expect((await reader.tap(uid)).code).toBe('STOPPED');
    await sw.waitForOutput(false);
    expect(await bookingStatus(booking.id)).toBe('completed');
  });

  it('refuses a member while someone else uses the machine', async () => {
    const { machine, member, reader, uid, manager } = await setup();
    await insertBooking(ctx, { machine, userId: member.id, start: local('10:00'), end: local('11:00') });
    expect((await reader.tap(uid)).code).toBe('STARTED');
    const other: TestUser = await ctx.createUser();
    const otherUid = randomUid();
    await ctx.injectAs(manager, { method: 'POST', url: `/api/users/${other.id}/cards`, payload: { uid: otherUid } });
    expect(await reader.tap(otherUid)).toMatchObject({ ok: false, code: 'MACHINE_IN_USE' });
    expect(await sessionsOf(machine.id)).toHaveLength(1);
  });
});

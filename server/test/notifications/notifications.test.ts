import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bookings, notifications, outbox, passwordResets } from '../../src/db/schema/index.js';
import { createTestContext, fixedClock, type TestContext } from '../helpers/app.js';
import { insertBooking } from './support.js';

const HOUR = 3_600_000;

describe('in-app notifications', () => {
  let ctx: TestContext;
  const clock = fixedClock('2030-01-07T01:00:00Z');

  beforeAll(async () => {
    ctx = await createTestContext({ clock });
  });
  afterAll(() => ctx.close());

  it('lists the caller’s own, newest first, with unread counts; marks one or all as read', async () => {
    const member = await ctx.createUser();
    const someoneElse = await ctx.createUser();
    // Each notification is stamped by the app's clock: a minute apart, so each has its own time.
    const apart = () => clock.advance(60_000);
    await ctx.app.notifier.notify(ctx.db, {
      userId: member.id,
      kind: 'booking_approved',
      data: { reason: null, machineName: 'Máy in 3D' },
    });
    apart();
    await ctx.app.notifier.notify(ctx.db, { userId: member.id, kind: 'booking_rejected', data: { reason: 'Đã kín lịch' } });
    apart();
    await ctx.app.notifier.notify(ctx.db, {
      userId: member.id,
      kind: 'certification_granted',
      data: { machineType: 'laser_cutter', machineName: null, expiresAt: null },
    });
    await ctx.app.notifier.notify(ctx.db, { userId: someoneElse.id, kind: 'booking_approved', data: {} });

    const all = await ctx.injectAs(member, { method: 'GET', url: '/api/notifications' });
    expect(all.statusCode).toBe(200);
    const body = all.json();
    expect(body.total).toBe(3);
    expect(body.unread).toBe(3);
    expect(body.items.map((n: { kind: string }) => n.kind)).toEqual([
      'certification_granted',
      'booking_rejected',
      'booking_approved',
    ]);
    expect(body.items[1]).toMatchObject({ kind: 'booking_rejected', data: { reason: 'Đã kín lịch' }, readAt: null });
    // Data comes back as it was written, nulls included.
    expect(body.items[0].data).toEqual({ machineType: 'laser_cutter', machineName: null, expiresAt: null });

    const page = await ctx.injectAs(member, { method: 'GET', url: '/api/notifications?limit=1&offset=1' });
    expect(page.json().items.map((n: { kind: string }) => n.kind)).toEqual(['booking_rejected']);
    expect(page.json().total).toBe(3);

    const rejectedId = body.items[1].id as string;
    const read = await ctx.injectAs(member, { method: 'POST', url: `/api/notifications/${rejectedId}/read` });
    expect(read.statusCode).toBe(200);
    expect(read.json()).toMatchObject({ id: rejectedId, readAt: clock.now().toISOString() });
    // Reading again keeps the first time.
    clock.advance(60_000);
    const again = await ctx.injectAs(member, { method: 'POST', url: `/api/notifications/${rejectedId}/read` });
    expect(again.json().readAt).toBe(read.json().readAt);

    const unread = (await ctx.injectAs(member, { method: 'GET', url: '/api/notifications?unread=true' })).json();
    expect(unread.total).toBe(2);
    expect(unread.unread).toBe(2);
    expect(unread.items.every((n: { readAt: string | null }) => n.readAt === null)).toBe(true);

    // Someone else's notification does not exist for this caller.
    const theirs = (await ctx.injectAs(someoneElse, { method: 'GET', url: '/api/notifications' })).json().items[0]
      .id as string;
    const foreign = await ctx.injectAs(member, { method: 'POST', url: `/api/notifications/${theirs}/read` });
    expect(foreign.statusCode).toBe(404);
    const [untouched] = await ctx.db.select().from(notifications).where(eq(notifications.id, theirs));
    expect(untouched!.readAt).toBeNull();

    const readAll = await ctx.injectAs(member, { method: 'POST', url: '/api/notifications/read-all' });
    expect(readAll.json()).toEqual({ updated: 2 });
    const after = (await ctx.injectAs(member, { method: 'GET', url: '/api/notifications' })).json();
    expect(after.unread).toBe(0);
    expect(after.total).toBe(3);
    expect((await ctx.injectAs(someoneElse, { method: 'GET', url: '/api/notifications' })).json().unread).toBe(1);
  });

  it('refuses bad input and strangers', async () => {
    const member = await ctx.createUser();
    expect((await ctx.app.inject({ method: 'GET', url: '/api/notifications' })).statusCode).toBe(401);
    expect((await ctx.injectAs(member, { method: 'GET', url: '/api/notifications?limit=0' })).statusCode).toBe(400);
    expect((await ctx.injectAs(member, { method: 'GET', url: '/api/notifications?limit=501' })).statusCode).toBe(400);
    expect((await ctx.injectAs(member, { method: 'GET', url: '/api/notifications?offset=-1' })).statusCode).toBe(400);
    expect((await ctx.injectAs(member, { method: 'POST', url: '/api/notifications/not-a-uuid/read' })).statusCode).toBe(
      400,
    );
    expect(
      (
        await ctx.injectAs(member, {
          method: 'POST',
          url: '/api/notifications/00000000-0000-4000-8000-000000000000/read',
        })
      ).statusCode,
    ).toBe(404);
  });

  it('without SMTP_URL keeps notifications in-app only, and a reset request sends nothing', async () => {
    const member = await ctx.createUser();
    await ctx.app.notifier.notify(ctx.db, { userId: member.id, kind: 'booking_approved', data: {} });
    expect(await ctx.db.select().from(outbox)).toHaveLength(0);
    expect(await ctx.app.jobs.run('deliver-email')).toMatchObject({ skipped: expect.any(String) });

    const res = await ctx.app.inject({
      method: 'POST',
      url: '/api/auth/password-reset/request',
      payload: { email: member.email },
    });
    expect(res.statusCode).toBe(202);
    expect(await ctx.db.select().from(passwordResets).where(eq(passwordResets.userId, member.id))).toHaveLength(0);
    const invalid = await ctx.app.inject({ method: 'POST', url: '/api/auth/password-reset/request', payload: {} });
    expect(invalid.statusCode).toBe(400);
    const short = await ctx.app.inject({
      method: 'POST',
      url: '/api/auth/password-reset/confirm',
      payload: { token: 'abc', password: 'short' },
    });
    expect(short.statusCode).toBe(400);
  });
});

describe('booking reminders', () => {
  let ctx: TestContext;
  const clock = fixedClock('2030-02-04T00:00:00Z');

  beforeAll(async () => {
    ctx = await createTestContext({ clock });
  });
  afterAll(() => ctx.close());

  async function remindersOf(userId: string) {
    const rows = await ctx.db
      .select()
      .from(notifications)
      .where(and(eq(notifications.userId, userId), eq(notifications.kind, 'booking_reminder')));
    return rows.map((r) => r.data as { bookingId: string; offsetMinutes: number; start: string });
  }

  it('creates a 24-hour and a 1-hour reminder, once each', async () => {
    const lab = await ctx.createLab();
    const machine = await ctx.createMachine(lab.id, { name: 'Máy phay CNC' });
    const member = await ctx.createUser();
    clock.set('2030-02-04T00:00:00Z');
    const start = new Date('2030-02-05T06:00:00Z'); // 30 hours ahead
    const booking = await insertBooking(ctx, {
      machineId: machine.id,
      labId: lab.id,
      userId: member.id,
      start,
      end: new Date(start.getTime() + 2 * HOUR),
    });
    // Bookings that get no reminder: pending, cancelled, and one already started.
    for (const status of ['pending', 'cancelled'] as const) {
      await insertBooking(ctx, {
        machineId: machine.id,
        labId: lab.id,
        userId: member.id,
        start: new Date(start.getTime() + 3 * HOUR),
        end: new Date(start.getTime() + 4 * HOUR),
        status,
      });
    }

    expect(await ctx.app.jobs.run('booking-reminders')).toEqual({ created: 0 });

    clock.set(new Date(start.getTime() - 23 * HOUR));
    expect(await ctx.app.jobs.run('booking-reminders')).toEqual({ created: 1 });
    expect(await ctx.app.jobs.run('booking-reminders')).toEqual({ created: 0 });
    clock.advance(10 * HOUR);
    expect(await ctx.app.jobs.run('booking-reminders')).toEqual({ created: 0 });

    clock.set(new Date(start.getTime() - 59 * 60_000));
    expect(await ctx.app.jobs.run('booking-reminders')).toEqual({ created: 1 });
    expect(await ctx.app.jobs.run('booking-reminders')).toEqual({ created: 0 });
    clock.set(new Date(start.getTime() - 60_000));
    expect(await ctx.app.jobs.run('booking-reminders')).toEqual({ created: 0 });
    clock.set(new Date(start.getTime() + 60_000));
    expect(await ctx.app.jobs.run('booking-reminders')).toEqual({ created: 0 });

    const reminders = await remindersOf(member.id);
    expect(reminders.map((r) => r.offsetMinutes).sort((a, b) => a - b)).toEqual([60, 1440]);
    expect(reminders.every((r) => r.bookingId === booking.id && r.start === start.toISOString())).toBe(true);

    const list = (await ctx.injectAs(member, { method: 'GET', url: '/api/notifications' })).json();
    expect(list.items[0]).toMatchObject({
      kind: 'booking_reminder',
      data: {
        bookingId: booking.id,
        machineId: machine.id,
        machineName: 'Máy phay CNC',
        labId: lab.id,
        offsetMinutes: 60,
      },
    });
  });

  it('sends only the closest reminder for a booking found late, and reminds again after a reschedule', async () => {
    const lab = await ctx.createLab();
    const machine = await ctx.createMachine(lab.id);
    const member = await ctx.createUser();
    clock.set('2030-03-04T00:00:00Z');
    const booking = await insertBooking(ctx, {
      machineId: machine.id,
      labId: lab.id,
      userId: member.id,
      start: '2030-03-04T00:30:00Z',
      end: '2030-03-04T01:30:00Z',
    });
    expect(await ctx.app.jobs.run('booking-reminders')).toEqual({ created: 1 });
    expect((await remindersOf(member.id)).map((r) => r.offsetMinutes)).toEqual([60]);

    // Moved to the next day: the member hears about the new time too.
    await ctx.db
      .update(bookings)
      .set({
        startAt: new Date('2030-03-05T00:30:00Z'),
        endAt: new Date('2030-03-05T01:30:00Z'),
        occupiedUntil: new Date('2030-03-05T01:30:00Z'),
      })
      .where(eq(bookings.id, booking.id));
    clock.set('2030-03-04T02:00:00Z');
    expect(await ctx.app.jobs.run('booking-reminders')).toEqual({ created: 1 });
    expect(await ctx.app.jobs.run('booking-reminders')).toEqual({ created: 0 });
    const reminders = await remindersOf(member.id);
    expect(reminders.map((r) => [r.offsetMinutes, r.start]).sort()).toEqual([
      [1440, '2030-03-05T00:30:00.000Z'],
      [60, '2030-03-04T00:30:00.000Z'],
    ]);
  });
});

describe('booking reminders at configured offsets', () => {
  let ctx: TestContext;
  const clock = fixedClock('2030-02-04T00:00:00Z');

  beforeAll(async () => {
    ctx = await createTestContext({ clock, config: { reminderOffsetsMinutes: [180] } });
  });
  afterAll(() => ctx.close());

  it('reminds only at the offsets the configuration names', async () => {
    const lab = await ctx.createLab();
    const machine = await ctx.createMachine(lab.id);
    const member = await ctx.createUser();
    await insertBooking(ctx, {
      machineId: machine.id,
      labId: lab.id,
      userId: member.id,
      start: '2030-02-04T05:00:00Z',
      end: '2030-02-04T06:00:00Z',
    });
    expect(await ctx.app.jobs.run('booking-reminders')).toEqual({ created: 0 });
    clock.set('2030-02-04T02:30:00Z');
    expect(await ctx.app.jobs.run('booking-reminders')).toEqual({ created: 1 });
    clock.set('2030-02-04T04:30:00Z');
    expect(await ctx.app.jobs.run('booking-reminders')).toEqual({ created: 0 });
    const [reminder] = await ctx.db.select().from(notifications).where(eq(notifications.userId, member.id));
    expect(reminder!.data).toMatchObject({ offsetMinutes: 180 });
  });
});

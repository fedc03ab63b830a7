// A lab in Europe/Berlin, whose clock goes forward on Sunday 29 March 2026 (02:00 → 03:00, +01:00
// → +02:00) and back on Sunday 25 October 2026 (03:00 → 02:00). Its local rules are wall-clock
// rules on those days too: the booking rules, availability, the jobs, reminders, statistics,
// calendar feeds and emails all see 08:00–17:00 on the lab's clock.
import type { OpeningHours } from '@fablab/shared';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bookings, notifications, outbox } from '../../src/db/schema/index.js';
import { createTestContext, fixedClock, type TestContext } from '../helpers/app.js';
import { act, book, setupLab } from './fixtures.js';

const BERLIN = 'Europe/Berlin';
const day: [string, string][] = [['08:00', '17:00']];
const EVERY_DAY: OpeningHours = { mon: day, tue: day, wed: day, thu: day, fri: day, sat: day, sun: day };
const allDay: [string, string][] = [['00:00', '24:00']];
const ALL_DAY: OpeningHours = {
  mon: allDay,
  tue: allDay,
  wed: allDay,
  thu: allDay,
  fri: allDay,
  sat: allDay,
  sun: allDay,
};

// Spring-forward day: local times are +02:00 from 03:00 on.
const SPRING = (hhmm: string) => `2026-03-29T${hhmm}:00+02:00`;
// Fall-back day: local times are +01:00 from 03:00 (the second time) on.
const FALL = (hhmm: string) => `2026-10-25T${hhmm}:00+01:00`;

describe('a lab whose clock changes (Europe/Berlin)', () => {
  const clock = fixedClock('2026-03-20T12:00:00+01:00');
  let ctx: TestContext;
  beforeAll(async () => {
    // Email on, so that notifications are written as emails into the outbox (nothing delivers them).
    ctx = await createTestContext({
      clock,
      config: { smtpUrl: 'smtp://127.0.0.1:9', publicUrl: 'https://fablab.example.vn' },
    });
  });
  afterAll(() => ctx.close());

  const berlinLab = (opts: Parameters<typeof setupLab>[1] = {}) =>
    setupLab(ctx, { timezone: BERLIN, openingHours: EVERY_DAY, ...opts });

  it('takes 08:00–09:00 and refuses 17:00–18:00 on the spring-forward day', async () => {
    clock.set('2026-03-20T12:00:00+01:00');
    const s = await berlinLab();
    const morning = await book(ctx, s.member, {
      machineId: s.machine.id,
      start: SPRING('08:00'),
      end: SPRING('09:00'),
    });
    expect(morning.statusCode).toBe(201);
    expect(morning.json().start).toBe('2026-03-29T06:00:00.000Z');
    const evening = await book(ctx, s.member, {
      machineId: s.machine.id,
      start: SPRING('17:00'),
      end: SPRING('18:00'),
    });
    expect(evening.statusCode).toBe(422);
    expect(evening.json().code).toBe('OUTSIDE_OPENING_HOURS');
    const last = await book(ctx, s.member, { machineId: s.machine.id, start: SPRING('16:00'), end: SPRING('17:00') });
    expect(last.statusCode).toBe(201);
  });

  it('opens 08:00–17:00, not 07:00–16:00, on the fall-back day', async () => {
    clock.set('2026-10-20T12:00:00+02:00');
    const s = await berlinLab();
    const early = await book(ctx, s.member, { machineId: s.machine.id, start: FALL('07:00'), end: FALL('08:00') });
    expect(early.statusCode).toBe(422);
    expect(early.json().code).toBe('OUTSIDE_OPENING_HOURS');
    expect(
      (await book(ctx, s.member, { machineId: s.machine.id, start: FALL('08:00'), end: FALL('09:00') })).statusCode,
    ).toBe(201);
    expect(
      (await book(ctx, s.member, { machineId: s.machine.id, start: FALL('16:00'), end: FALL('17:00') })).statusCode,
    ).toBe(201);
  });

  it('puts 90-minute slots at 09:00 and 10:30, not 10:00, on the spring-forward day', async () => {
    clock.set('2026-03-20T12:00:00+01:00');
    const s = await berlinLab({ machine: { slotMinutes: 90, minMinutes: 90, maxMinutes: 180 } });
    const onGrid = await book(ctx, s.member, { machineId: s.machine.id, start: SPRING('09:00'), end: SPRING('10:30') });
    expect(onGrid.statusCode).toBe(201);
    const offGrid = await book(ctx, s.other, { machineId: s.machine.id, start: SPRING('10:00'), end: SPRING('11:30') });
    expect(offGrid.statusCode).toBe(422);
    expect(offGrid.json().code).toBe('INVALID_DURATION');
  });

  it('shows the lab closed until 08:00 and from 17:00 on the spring-forward day', async () => {
    clock.set('2026-03-20T12:00:00+01:00');
    const s = await berlinLab();
    const from = '2026-03-29T00:00:00+01:00';
    const to = '2026-03-30T00:00:00+02:00';
    const res = await act(
      ctx,
      null,
      'GET',
      `/api/machines/${s.machine.id}/availability?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`,
    );
    expect(res.statusCode).toBe(200);
    expect(res.json().busy).toEqual([
      { start: '2026-03-28T23:00:00.000Z', end: '2026-03-29T06:00:00.000Z', kind: 'closed' },
      { start: '2026-03-29T15:00:00.000Z', end: '2026-03-29T22:00:00.000Z', kind: 'closed' },
    ]);
  });

  it('counts 745 open hours in October for a lab open 00:00–24:00', async () => {
    clock.set('2026-11-02T12:00:00+01:00');
    const s = await berlinLab({ openingHours: ALL_DAY });
    const department = await ctx.createUser({ role: 'department' });
    const res = await act(ctx, department, 'GET', `/api/stats/monthly?month=2026-10&labId=${s.lab.id}`);
    expect(res.statusCode).toBe(200);
    expect(res.json().totals.openHours).toBe(745);
    expect(res.json().byMachine.find((r: { machineId: string }) => r.machineId === s.machine.id).openHours).toBe(745);
  });

  it('counts a month’s used hours from the lab’s local midnight, also when the month ends on a clock change', async () => {
    // March 2026 in Berlin ends at 2026-03-31T22:00Z (+02:00), not at 23:00Z.
    clock.set('2026-04-02T12:00:00+02:00');
    const s = await berlinLab({ openingHours: ALL_DAY });
    const walkIn = await act(ctx, s.manager, 'POST', '/api/usage', {
      machineId: s.machine.id,
      userId: s.member.id,
      start: '2026-03-31T21:00:00Z',
      end: '2026-03-31T23:00:00Z',
    });
    expect(walkIn.statusCode).toBe(201);
    const department = await ctx.createUser({ role: 'department' });
    const march = await act(ctx, department, 'GET', `/api/stats/monthly?month=2026-03&labId=${s.lab.id}`);
    const april = await act(ctx, department, 'GET', `/api/stats/monthly?month=2026-04&labId=${s.lab.id}`);
    expect(march.json().totals.usedHours).toBe(1);
    expect(april.json().totals.usedHours).toBe(1);
  });

  it('marks a no-show 15 minutes of real time after an 08:00 start on the spring-forward day', async () => {
    clock.set('2026-03-20T12:00:00+01:00');
    const s = await berlinLab({ settings: { noShowGraceMinutes: 15 } });
    const made = await book(ctx, s.member, { machineId: s.machine.id, start: SPRING('08:00'), end: SPRING('09:00') });
    expect(made.statusCode).toBe(201);
    const id = made.json().id as string;
    clock.set(SPRING('08:14'));
    expect(((await ctx.app.jobs.run('mark-no-shows')) as { bookingIds?: string[] }).bookingIds ?? []).not.toContain(id);
    clock.set(SPRING('08:15'));
    expect(((await ctx.app.jobs.run('mark-no-shows')) as { bookingIds: string[] }).bookingIds).toContain(id);
    const [row] = await ctx.db.select().from(bookings).where(eq(bookings.id, id));
    expect(row!.status).toBe('no_show');
  });

  it('expires an undecided request at its 16:00 start on the fall-back day, not an hour early', async () => {
    clock.set('2026-10-20T12:00:00+02:00');
    const s = await berlinLab({ machine: { requiresApproval: true } });
    const made = await book(ctx, s.member, { machineId: s.machine.id, start: FALL('16:00'), end: FALL('17:00') });
    expect(made.statusCode).toBe(201);
    expect(made.json().status).toBe('pending');
    const id = made.json().id as string;
    const status = async () => (await ctx.db.select().from(bookings).where(eq(bookings.id, id)))[0]!.status;
    clock.set(FALL('15:59'));
    await ctx.app.jobs.run('expire-pending-bookings');
    expect(await status()).toBe('pending');
    clock.set(FALL('16:00'));
    await ctx.app.jobs.run('expire-pending-bookings');
    expect(await status()).toBe('expired');
  });

  it('reminds 24 hours and 1 hour of real time before an 08:00 start on the spring-forward day', async () => {
    clock.set('2026-03-20T12:00:00+01:00');
    const s = await berlinLab();
    const made = await book(ctx, s.member, { machineId: s.machine.id, start: SPRING('08:00'), end: SPRING('09:00') });
    expect(made.statusCode).toBe(201);
    const id = made.json().id as string;
    const reminders = async () =>
      (
        await ctx.db
          .select()
          .from(notifications)
          .where(and(eq(notifications.userId, s.member.id), eq(notifications.kind, 'booking_reminder')))
      )
        .filter((n) => (n.data as { bookingId?: string }).bookingId === id)
        .map((n) => Number((n.data as { offsetMinutes: number }).offsetMinutes))
        .sort((a, b) => a - b);
    // 24 hours before 08:00 +02:00 is 07:00 on the Saturday, still +01:00.
    clock.set('2026-03-28T06:59:00+01:00');
    await ctx.app.jobs.run('booking-reminders');
    expect(await reminders()).toEqual([]);
    clock.set('2026-03-28T07:00:00+01:00');
    await ctx.app.jobs.run('booking-reminders');
    expect(await reminders()).toEqual([1440]);
    clock.set(SPRING('06:59'));
    await ctx.app.jobs.run('booking-reminders');
    expect(await reminders()).toEqual([1440]);
    clock.set(SPRING('07:00'));
    await ctx.app.jobs.run('booking-reminders');
    expect(await reminders()).toEqual([60, 1440]);
    // The reminder's email names the lab's wall-clock time.
    const mails = await ctx.db.select().from(outbox).where(eq(outbox.toAddress, s.member.email));
    expect(mails.map((m) => m.subject)).toContain(`Nhắc lịch: ${s.machine.name} lúc 29/03/2026 08:00`);
  });

  it('writes the approval email with the lab’s wall-clock times of the spring-forward day', async () => {
    clock.set('2026-03-20T12:00:00+01:00');
    const s = await berlinLab({ machine: { requiresApproval: true } });
    const made = await book(ctx, s.member, { machineId: s.machine.id, start: SPRING('08:00'), end: SPRING('10:00') });
    expect(made.statusCode).toBe(201);
    expect((await act(ctx, s.manager, 'POST', `/api/bookings/${made.json().id}/approve`)).statusCode).toBe(200);
    const [mail] = (await ctx.db.select().from(outbox).where(eq(outbox.toAddress, s.member.email))).filter((m) =>
      m.subject.startsWith('Đặt máy đã được duyệt'),
    );
    expect(mail!.subject).toBe(`Đặt máy đã được duyệt: ${s.machine.name}, 29/03/2026 08:00`);
    expect(mail!.body).toContain('29/03/2026 08:00 – 10:00');
    expect(mail!.body).toContain(BERLIN);
    expect(mail!.ics).toContain('DTSTART:20260329T060000Z');
  });

  it('puts the booking of the fall-back day into the calendar feed at its instants, with the lab’s zone', async () => {
    clock.set('2026-10-20T12:00:00+02:00');
    const s = await berlinLab();
    const made = await book(ctx, s.member, { machineId: s.machine.id, start: FALL('15:30'), end: FALL('17:00') });
    expect(made.statusCode).toBe(201);
    const { url } = (await act(ctx, s.member, 'GET', '/api/me/calendar-feed')).json() as { url: string };
    const feed = await ctx.app.inject({ method: 'GET', url: new URL(url).pathname });
    expect(feed.statusCode).toBe(200);
    expect(feed.body).toContain('X-WR-TIMEZONE:Europe/Berlin');
    expect(feed.body).toContain('DTSTART:20261025T143000Z');
    expect(feed.body).toContain('DTEND:20261025T160000Z');
  });

  it('repeats a weekly series at the same wall-clock time across the spring-forward day', async () => {
    clock.set('2026-03-16T12:00:00+01:00');
    const s = await berlinLab();
    const res = await act(ctx, s.manager, 'POST', '/api/bookings/series', {
      machineIds: [s.machine.id],
      firstStart: '2026-03-22T08:00:00+01:00',
      firstEnd: '2026-03-22T09:00:00+01:00',
      repeat: { every: 'week', count: 2 },
      title: 'Lớp STEM',
      purpose: 'stem_class',
      onConflict: 'fail',
    });
    expect(res.statusCode).toBe(201);
    expect(res.json().created.map((b: { start: string }) => b.start)).toEqual([
      '2026-03-22T07:00:00.000Z',
      '2026-03-29T06:00:00.000Z',
    ]);
  });

  it('makes a plan every 7 days due at the same wall-clock time across the spring-forward day', async () => {
    clock.set('2026-03-25T12:00:00+01:00');
    const s = await berlinLab();
    const res = await act(ctx, s.manager, 'POST', `/api/machines/${s.machine.id}/maintenance-plans`, {
      title: 'Vệ sinh thấu kính',
      everyDays: 7,
      lastDoneAt: '2026-03-24T09:00:00+01:00',
    });
    expect(res.statusCode).toBe(201);
    // 09:00 on the Tuesday a week later, now +02:00: six days and 23 hours of real time.
    expect(res.json().dueAt).toBe('2026-03-31T07:00:00.000Z');
  });
});

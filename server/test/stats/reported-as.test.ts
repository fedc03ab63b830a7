// Who a booking is reported as: the member as they were when they booked (a later profile edit
// never rewrites a reported month), and a class's or a series' bookings as a group, never in the
// category of the manager who booked them. And the weekly-quota query reads one bounded range of
// the member's bookings, not their whole history.
import { GROUP_CATEGORY, type MonthlyStats } from '@fablab/shared';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bookings } from '../../src/db/schema/index.js';
import { createBookingRepository } from '../../src/modules/bookings/bookings.repository.js';
import { createTestContext, fixedClock, type TestContext, type TestUser } from '../helpers/app.js';
import { rowsRead } from '../helpers/plan.js';

// Tuesday 1 December 2026, 09:00 in Ho Chi Minh City.
const clock = fixedClock('2026-12-01T02:00:00Z');
const hcm = (local: string) => `${local}:00+07:00`;

describe('who a booking is reported as', () => {
  let ctx: TestContext;
  let lab: { id: string };
  let bench: string;
  let printer: string;
  let member: TestUser;
  let manager: TestUser;

  async function december(): Promise<MonthlyStats> {
    const res = await ctx.injectAs(manager, { method: 'GET', url: `/api/stats/monthly?month=2026-12&labId=${lab.id}` });
    expect(res.statusCode).toBe(200);
    return res.json() as MonthlyStats;
  }
  const row = <K extends 'category' | 'gender'>(stats: MonthlyStats, key: K, value: string) =>
    (key === 'category' ? stats.byCategory : stats.byGender).find((r) => (r as Record<string, unknown>)[key] === value);

  async function book(user: TestUser, machineId: string, start: string, end: string) {
    const res = await ctx.injectAs(user, {
      method: 'POST',
      url: '/api/bookings',
      payload: { machineId, start: hcm(start), end: hcm(end), purpose: 'personal_project' },
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as { id: string };
  }

  beforeAll(async () => {
    ctx = await createTestContext({ clock });
    lab = await ctx.createLab();
    bench = (await ctx.createMachine(lab.id, { type: 'electronics_bench' })).id;
    printer = (await ctx.createMachine(lab.id, { type: 'fdm_printer' })).id;
    member = await ctx.createUser({ category: 'student', gender: 'female' });
    manager = await ctx.createUser({ role: 'manager', manages: [lab.id], category: 'teacher', gender: 'male' });
  });
  afterAll(() => ctx.close());

  it('keeps a booking in the category and gender the member had when booking', async () => {
    await book(member, bench, '2026-12-02T09:00', '2026-12-02T10:00');
    await book(member, bench, '2026-12-03T09:00', '2026-12-03T10:00');
    const patch = await ctx.injectAs(member, {
      method: 'PATCH',
      url: '/api/me',
      payload: { category: 'startup', gender: 'undisclosed' },
    });
    expect(patch.statusCode, patch.body).toBe(200);
    await book(member, bench, '2026-12-04T09:00', '2026-12-04T10:00');

    const stats = await december();
    expect(row(stats, 'category', 'student')?.bookings).toBe(2);
    expect(row(stats, 'category', 'startup')?.bookings).toBe(1);
    expect(row(stats, 'gender', 'female')?.bookings).toBe(2);
    expect(row(stats, 'gender', 'undisclosed')?.bookings).toBe(1);
  });

  it("counts a class's and a series' bookings as a group, not in the manager's category", async () => {
    const cls = await ctx.injectAs(manager, {
      method: 'POST',
      url: '/api/bookings/class',
      payload: {
        labId: lab.id,
        machineIds: [bench, printer],
        start: hcm('2026-12-08T13:00'),
        end: hcm('2026-12-08T15:00'),
        title: 'Lớp STEM',
        participants: 20,
      },
    });
    expect(cls.statusCode, cls.body).toBe(201);
    const series = await ctx.injectAs(manager, {
      method: 'POST',
      url: '/api/bookings/series',
      payload: {
        machineIds: [printer],
        firstStart: hcm('2026-12-09T09:00'),
        firstEnd: hcm('2026-12-09T10:00'),
        repeat: { every: 'week', count: 3 },
        title: 'CLB robot',
        purpose: 'training',
        onConflict: 'fail',
      },
    });
    expect(series.statusCode, series.body).toBe(201);

    const stats = await december();
    expect(row(stats, 'category', GROUP_CATEGORY)?.bookings).toBe(5);
    expect(row(stats, 'category', 'teacher')?.bookings ?? 0).toBe(0);
    expect(row(stats, 'gender', 'male')?.bookings ?? 0).toBe(0);
    expect(stats.totals.classSessions).toBe(1);
  });

  it("reports a class's use as the group's and leaves the manager out of the makers", async () => {
    const [classBooking] = await ctx.db
      .select({ id: bookings.id })
      .from(bookings)
      .where(sql`${bookings.classSessionId} is not null and ${bookings.machineId} = ${bench}`);
    clock.set(hcm('2026-12-08T13:00'));
    const checkIn = await ctx.injectAs(manager, {
      method: 'POST',
      url: `/api/bookings/${classBooking!.id}/check-in`,
      payload: {},
    });
    expect(checkIn.statusCode, checkIn.body).toBe(200);
    clock.set(hcm('2026-12-08T14:00'));
    const checkOut = await ctx.injectAs(manager, {
      method: 'POST',
      url: `/api/bookings/${classBooking!.id}/check-out`,
      payload: {},
    });
    expect(checkOut.statusCode, checkOut.body).toBe(200);

    const stats = await december();
    const group = row(stats, 'category', GROUP_CATEGORY)!;
    expect(group.usedHours).toBe(1);
    expect(group.uniqueMakers).toBe(0);
    expect(row(stats, 'category', 'teacher')?.usedHours ?? 0).toBe(0);
    expect(stats.totals.uniqueMakers).toBe(0);
    clock.set('2026-12-01T02:00:00Z');
  });
});

describe('the weekly-quota query', () => {
  let ctx: TestContext;

  beforeAll(async () => {
    ctx = await createTestContext({ clock });
  });
  afterAll(() => ctx.close());

  it("reads a bounded range of the member's bookings, however long their history", async () => {
    const lab = await ctx.createLab();
    const machine = await ctx.createMachine(lab.id);
    const member = await ctx.createUser();
    // Three years of completed two-hour bookings, one a day.
    await ctx.db.execute(sql`
      insert into bookings (machine_id, lab_id, user_id, start_at, end_at, occupied_until, status, purpose, created_by)
      select ${machine.id}::uuid, ${lab.id}::uuid, ${member.id}::uuid, t, t + interval '2 hours', t + interval '2 hours',
        'completed', 'personal_project', ${member.id}::uuid
      from generate_series(timestamptz '2023-12-01 02:00Z', timestamptz '2026-11-30 02:00Z', interval '1 day') as t`);
    await ctx.db.execute(sql`analyze bookings`);

    // The query the quota rule runs for the week of 7 December, as the repository builds it.
    const query = createBookingRepository(ctx.db).bookedSecondsQuery({
      userId: member.id,
      labId: lab.id,
      from: new Date('2026-12-06T17:00:00Z'),
      to: new Date('2026-12-13T17:00:00Z'),
    });
    const { sql: text, params } = query.toSQL();
    expect(await rowsRead(ctx.database, text, params)).toBeLessThan(20);
  });
});

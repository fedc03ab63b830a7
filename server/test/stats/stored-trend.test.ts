// The trend reads stored totals of closed months, and every stored month stays exactly the
// monthly answer: after a change to any table a figure reads, after a write that was still in
// flight while the month was computed, after pruning, and in a copy of the rows under another
// postmaster. Months are of 2025 with the server's clock in January 2026, so that they are closed
// by the database's clock too, whatever day the suite runs.
import type { StatsFigures } from '@fablab/shared';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bookings,
  classSessions,
  closures,
  devices,
  labs,
  machines,
  maintenanceWindows,
  usageMeter,
  usageSessions,
  users,
} from '../../src/db/schema/index.js';
import { createTestContext, fixedClock, type TestContext, type TestUser } from '../helpers/app.js';

const clock = fixedClock('2026-01-20T03:00:00Z');
const hcm = (local: string) => new Date(`${local}:00+07:00`);
const MONTHS = ['2025-09', '2025-10', '2025-11', '2025-12', '2026-01'];
const CLOSED = MONTHS.slice(0, 4);

describe('the trend over stored months', () => {
  let ctx: TestContext;
  let lab: { id: string };
  let laser: string;
  let printer: string;
  let member: TestUser;
  let manager: TestUser;
  let department: TestUser;

  type Row = StatsFigures & { month: string };
  async function trend(user: TestUser, labId?: string): Promise<Row[]> {
    const url = `/api/stats/trend?from=${MONTHS[0]}&to=${MONTHS.at(-1)}${labId ? `&labId=${labId}` : ''}`;
    const res = await ctx.injectAs(user, { method: 'GET', url });
    expect(res.statusCode, res.body).toBe(200);
    return (res.json() as { items: Row[] }).items;
  }
  async function monthly(user: TestUser, month: string, labId?: string): Promise<StatsFigures> {
    const url = `/api/stats/monthly?month=${month}${labId ? `&labId=${labId}` : ''}`;
    const res = await ctx.injectAs(user, { method: 'GET', url });
    expect(res.statusCode, res.body).toBe(200);
    return (res.json() as { totals: StatsFigures }).totals;
  }
  /** Every trend row, of the department's scope and the lab's, equals that month's answer; returns the lab's rows. */
  async function expectExact(): Promise<Map<string, Row>> {
    const rows = new Map<string, Row>();
    for (const [user, labId] of [
      [department, undefined],
      [manager, lab.id],
    ] as const) {
      const items = await trend(user, labId);
      expect(items.map((i) => i.month)).toEqual(MONTHS);
      for (const item of items) {
        const { month, ...figures } = item;
        expect(figures, `${month} ${labId ? 'of the lab' : 'of every lab'}`).toEqual(await monthly(user, month, labId));
        if (labId) rows.set(month, item);
      }
    }
    return rows;
  }
  const storedMonths = async () =>
    (
      await ctx.database.query<{ month: string }>(
        `select month from stats_month_totals where scope_key = 'all' order by month`,
      )
    ).map((r) => r.month);

  beforeAll(async () => {
    ctx = await createTestContext({ clock });
    lab = await ctx.createLab();
    laser = (await ctx.createMachine(lab.id, { type: 'laser_cutter' })).id;
    printer = (await ctx.createMachine(lab.id, { type: 'fdm_printer' })).id;
    member = await ctx.createUser({ category: 'student', gender: 'female' });
    manager = await ctx.createUser({ role: 'manager', manages: [lab.id] });
    department = await ctx.createUser({ role: 'department' });
    await ctx.db
      .update(users)
      .set({ createdAt: hcm('2025-10-02T10:00') })
      .where(eq(users.id, member.id));
    for (const [month, day] of [
      ['2025-09', '09'],
      ['2025-10', '14'],
      ['2025-11', '12'],
      ['2025-12', '10'],
    ]) {
      await ctx.db.insert(bookings).values({
        labId: lab.id,
        machineId: laser,
        userId: member.id,
        createdBy: member.id,
        startAt: hcm(`${month}-${day}T09:00`),
        endAt: hcm(`${month}-${day}T11:00`),
        occupiedUntil: hcm(`${month}-${day}T11:00`),
        status: 'completed',
        purpose: 'personal_project',
      });
    }
  });
  afterAll(() => ctx.close());

  it('stores the closed months, reads them back and answers each as the monthly statistics do', async () => {
    const first = await expectExact();
    expect(first.get('2025-11')!.bookings).toBe(1);
    // The current month (by the clock) is never stored: its figures still grow with time.
    expect(await storedMonths()).toEqual(CLOSED);
    // What is stored is what the trend answers from: a stored row changed behind its back shows.
    await ctx.database.query(
      `update stats_month_totals set totals = jsonb_set(totals, '{bookings}', '999') where scope_key = 'all' and month = '2025-11'`,
    );
    expect((await trend(department)).find((r) => r.month === '2025-11')!.bookings).toBe(999);
    await ctx.database.query(`delete from stats_month_totals`);
    await expectExact();
  });

  it('stays exact after a change to each table a figure reads', async () => {
    const changes: Array<[string, () => Promise<unknown>, (rows: Map<string, Row>) => void]> = [
      [
        'a booking added',
        () =>
          ctx.db.insert(bookings).values({
            labId: lab.id,
            machineId: printer,
            userId: member.id,
            createdBy: member.id,
            startAt: hcm('2025-11-20T09:00'),
            endAt: hcm('2025-11-20T10:00'),
            occupiedUntil: hcm('2025-11-20T10:00'),
            status: 'completed',
            purpose: 'research',
          }),
        (r) => expect(r.get('2025-11')!.bookings).toBe(2),
      ],
      [
        'a booking cancelled',
        () => ctx.db.update(bookings).set({ status: 'cancelled' }).where(eq(bookings.machineId, printer)),
        (r) => expect(r.get('2025-11')!.cancelled).toBe(1),
      ],
      [
        'a booking deleted',
        () => ctx.db.delete(bookings).where(eq(bookings.machineId, printer)),
        (r) => expect(r.get('2025-11')!.bookings).toBe(1),
      ],
      [
        'a session opened long ago',
        () =>
          ctx.db.insert(usageSessions).values({
            labId: lab.id,
            machineId: printer,
            userId: member.id,
            category: 'student',
            gender: 'female',
            purpose: 'research',
            startAt: hcm('2025-10-30T09:00'),
          }),
        // Open, it runs to the end of October and through the months after.
        (r) => expect(r.get('2025-11')!.usedHours).toBe(720),
      ],
      [
        'that session closed',
        () =>
          ctx.db
            .update(usageSessions)
            .set({ endAt: hcm('2025-10-30T12:00') })
            .where(eq(usageSessions.machineId, printer)),
        (r) => {
          expect(r.get('2025-10')!.usedHours).toBe(3);
          expect(r.get('2025-11')!.usedHours).toBe(0);
        },
      ],
      [
        'what its switch measured',
        async () => {
          const [s] = await ctx.db.select().from(usageSessions).where(eq(usageSessions.machineId, printer));
          await ctx.db
            .insert(usageMeter)
            .values({ usageSessionId: s!.id, quarterStart: hcm('2025-10-30T09:00'), poweredSecs: 900 });
        },
        (r) => expect(r.get('2025-10')!.poweredHours).toBe(0.25),
      ],
      [
        'a power switch fitted',
        () =>
          ctx.db
            .insert(devices)
            .values({ labId: lab.id, machineId: laser, kind: 'switch', deviceId: 'shellyplus1pm-stored' }),
        (r) => expect(r.get('2025-12')!.poweredHours).toBe(0),
      ],
      [
        'maintenance in November',
        () =>
          ctx.db.insert(maintenanceWindows).values({
            labId: lab.id,
            machineId: laser,
            startAt: hcm('2025-11-03T00:00'),
            endAt: hcm('2025-11-08T00:00'),
            reason: 'Thay ống laser',
          }),
        // Monday 3 to Friday 7 November: five weekdays of 9 open hours.
        (r) => expect(r.get('2025-11')!.openHours).toBe(2 * 20 * 9 - 45),
      ],
      [
        'a closed day in December',
        () =>
          ctx.db
            .insert(closures)
            .values({ labId: lab.id, fromDate: '2025-12-24', toDate: '2025-12-24', reason: 'Giáng sinh' }),
        (r) => expect(r.get('2025-12')!.openHours).toBe(2 * 22 * 9),
      ],
      [
        "the lab's opening hours",
        () =>
          ctx.db
            .update(labs)
            .set({ openingHours: { mon: [], tue: [], wed: [], thu: [], fri: [], sat: [['08:00', '12:00']], sun: [] } })
            .where(eq(labs.id, lab.id)),
        // September 2025 has four Saturdays.
        (r) => expect(r.get('2025-09')!.openHours).toBe(2 * 4 * 4),
      ],
      [
        'a machine retired',
        () => ctx.db.update(machines).set({ status: 'retired' }).where(eq(machines.id, printer)),
        (r) => expect(r.get('2025-09')!.openHours).toBe(4 * 4),
      ],
      [
        'a class session',
        () =>
          ctx.db.insert(classSessions).values({
            labId: lab.id,
            title: 'Lớp STEM',
            participants: 12,
            startAt: hcm('2025-09-13T09:00'),
            endAt: hcm('2025-09-13T11:00'),
          }),
        (r) => expect(r.get('2025-09')!.participants).toBe(12),
      ],
      [
        "a member's account made a manager's",
        () => ctx.db.update(users).set({ role: 'manager' }).where(eq(users.id, member.id)),
        (r) => expect(r.get('2025-10')!.newMembers).toBe(0),
      ],
    ];
    const before = await expectExact();
    expect(before.get('2025-10')!.newMembers).toBe(1);
    for (const [what, change, check] of changes) {
      await change();
      const rows = await expectExact().catch((err: Error) => {
        throw new Error(`after ${what}: ${err.message}`);
      });
      check(rows);
      expect(await storedMonths(), what).toEqual(CLOSED);
    }
  });

  it('never keeps a month computed while a write to it was still in flight', async () => {
    await expectExact();
    const client = await ctx.database.pool.connect();
    try {
      await client.query('begin');
      await client.query(
        `insert into bookings (lab_id, machine_id, user_id, created_by, start_at, end_at, occupied_until, status, purpose)
         values ($1, $2, $3, $3, $4, $5, $5, 'completed', 'research')`,
        [lab.id, laser, member.id, hcm('2025-12-15T09:00'), hcm('2025-12-15T10:00')],
      );
      // Computed and stored without the uncommitted booking…
      await ctx.database.query(`delete from stats_month_totals`);
      expect((await trend(department)).find((r) => r.month === '2025-12')!.bookings).toBe(1);
      expect(await storedMonths()).toEqual(CLOSED);
      await client.query('commit');
    } finally {
      client.release();
    }
    // …so once it commits, December is computed again.
    const rows = await expectExact();
    expect(rows.get('2025-12')!.bookings).toBe(2);
  });

  it('prunes the notes it no longer needs and stays exact', async () => {
    await ctx.db.update(bookings).set({ purpose: 'research' }).where(eq(bookings.labId, lab.id));
    const notes = async () =>
      (await ctx.database.query<{ n: number }>('select count(*)::int as n from stats_changes'))[0]!.n;
    expect(await notes()).toBeGreaterThan(0);
    // The first pruning sets the horizon; the second drops every note older than it.
    await ctx.app.jobs.run('stats-prune-stored');
    await ctx.app.jobs.run('stats-prune-stored');
    expect(await notes()).toBe(0);
    await expectExact();
    expect(await storedMonths()).toEqual(CLOSED);
    await ctx.db
      .update(bookings)
      .set({ status: 'no_show' })
      .where(eq(bookings.startAt, hcm('2025-12-15T09:00')));
    await ctx.app.jobs.run('stats-prune-stored');
    await ctx.app.jobs.run('stats-prune-stored');
    // The note was dropped, and the stored December it voided with it.
    expect(await notes()).toBe(0);
    expect(await storedMonths()).toEqual(CLOSED.filter((m) => m !== '2025-12'));
    const rows = await expectExact();
    expect(rows.get('2025-12')!.noShows).toBe(1);
  });

  it('ignores stored rows of another postmaster, as in a dump restored elsewhere', async () => {
    await expectExact();
    await ctx.database.query(
      `update stats_month_totals set postmaster_started = '2020-01-01T00:00:00Z', totals = jsonb_set(totals, '{bookings}', '999')`,
    );
    await expectExact();
  });

  it('notes no write that touches only the last hours, and notes one that reaches back', async () => {
    const notes = async () =>
      (await ctx.database.query<{ n: number }>('select count(*)::int as n from stats_changes'))[0]!.n;
    const before = await notes();
    const soon = new Date(Date.now() + 86_400_000);
    const later = new Date(soon.getTime() + 3_600_000);
    await ctx.db.insert(bookings).values({
      labId: lab.id,
      machineId: laser,
      userId: member.id,
      createdBy: member.id,
      startAt: soon,
      endAt: later,
      occupiedUntil: later,
      status: 'approved',
      purpose: 'research',
    });
    expect(await notes()).toBe(before);
    await ctx.db
      .update(bookings)
      .set({ startAt: hcm('2025-12-20T09:00'), endAt: hcm('2025-12-20T10:00'), occupiedUntil: hcm('2025-12-20T10:00') })
      .where(eq(bookings.startAt, soon));
    expect(await notes()).toBe(before + 1);
    await expectExact();
  });
  it("notes no change to a lab's booking rules or a machine's name, which no figure reads", async () => {
    const notes = async () => (await ctx.database.query<{ n: number }>('select count(*)::int as n from stats_changes'))[0]!.n;
    const before = await notes();
    await ctx.db.update(labs).set({ nameVi: 'Phòng thí nghiệm mới' }).where(eq(labs.id, lab.id));
    await ctx.db.update(machines).set({ name: 'Laser 100W', bufferMinutes: 15 }).where(eq(machines.id, laser));
    expect(await notes()).toBe(before);
    await ctx.db.update(machines).set({ requiresApproval: true }).where(eq(machines.id, laser));
    expect(await notes()).toBe(before + 1);
    await expectExact();
  });

  it('reads no stored month back on a server whose clock is still inside it', async () => {
    await ctx.db.insert(usageSessions).values({
      labId: lab.id,
      machineId: laser,
      userId: member.id,
      category: 'student',
      gender: 'female',
      purpose: 'research',
      startAt: hcm('2025-12-01T09:00'),
    });
    const stored = await expectExact();
    expect(await storedMonths()).toContain('2025-12');
    // Open since 1 December 09:00: the whole rest of the month, once it is over.
    expect(stored.get('2025-12')!.usedHours).toBeGreaterThan(700);
    clock.set('2025-12-20T03:00:00Z');
    try {
      const rows = await trend(manager, lab.id);
      const december = rows.find((r) => r.month === '2025-12')!;
      const { month: _month, ...figures } = december;
      expect(figures).toEqual(await monthly(manager, '2025-12', lab.id));
      // Counted up to the clock, 20 December 10:00 in Ho Chi Minh City.
      expect(december.usedHours).toBeLessThan(stored.get('2025-12')!.usedHours);
    } finally {
      clock.set('2026-01-20T03:00:00Z');
    }
  });
});

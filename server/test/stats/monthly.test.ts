// A hand-built October 2026 in two labs (Asia/Ho_Chi_Minh and Asia/Tokyo); every expected figure
// below is worked out by hand in the comments beside it.
import type { StatsFigures } from '@fablab/shared';
import { eq } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bookings,
  classSessions,
  closures,
  labs,
  maintenanceWindows,
  usageMaterials,
  usageSessions,
  users,
} from '../../src/db/schema/index.js';
import { createTestContext, fixedClock, type TestContext, type TestUser } from '../helpers/app.js';

const clock = fixedClock('2026-11-05T03:00:00Z');
const hcm = (local: string) => new Date(`${local}:00+07:00`);
const tokyo = (local: string) => new Date(`${local}:00+09:00`);

/** Figures with every count zero; a test names only what differs. */
function fig(overrides: Partial<StatsFigures>, kind: 'machine' | 'people' = 'machine'): StatsFigures {
  const machineBound = kind === 'machine';
  return {
    bookings: 0,
    approved: 0,
    rejected: 0,
    cancelled: 0,
    expired: 0,
    noShows: 0,
    noShowRate: null,
    bookedHours: 0,
    usedHours: 0,
    usedOpenHours: machineBound ? 0 : null,
    openHours: machineBound ? 0 : null,
    utilization: machineBound ? 0 : null,
    uniqueMakers: 0,
    newMembers: 0,
    classSessions: machineBound ? 0 : null,
    participants: machineBound ? 0 : null,
    medianApprovalMinutes: null,
    poweredHours: null,
    runningHours: null,
    energyKwh: null,
    ...overrides,
  };
}

/** A minimal RFC 4180 reader, enough for the export. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n') {
      row.push(field.replace(/\r$/, ''));
      rows.push(row);
      row = [];
      field = '';
    } else field += ch;
  }
  if (field || row.length) rows.push([...row, field]);
  return rows;
}

describe('monthly statistics', () => {
  let ctx: TestContext;
  let labA: { id: string; slug: string };
  let labB: { id: string; slug: string };
  let L: string; // laser cutter in A, needs approval
  let P: string; // FDM printer in A, may run unattended
  let E: string; // electronics bench in B
  let alice: TestUser;
  let bob: TestUser;
  let managerA: TestUser;
  let managerB: TestUser;
  let department: TestUser;
  let admin: TestUser;

  const LAB_A_NAME_VI = 'Phòng thí nghiệm chế tạo đa ngành';

  beforeAll(async () => {
    ctx = await createTestContext({ clock });
    const db = ctx.db;
    labA = await ctx.createLab({ slug: 'biic', timezone: 'Asia/Ho_Chi_Minh' });
    labB = await ctx.createLab({ slug: 'tokyo', timezone: 'Asia/Tokyo' });
    await db
      .update(labs)
      .set({ name: 'Multidisciplinary Fab Lab at BIIC', nameVi: LAB_A_NAME_VI })
      .where(eq(labs.id, labA.id));
    // Friday 16 October is a closure day in lab A.
    await db
      .insert(closures)
      .values({ labId: labA.id, fromDate: '2026-10-16', toDate: '2026-10-16', reason: 'Ngày hội / Festival' });

    L = (await ctx.createMachine(labA.id, { name: 'Laser 80W', type: 'laser_cutter', requiresApproval: true })).id;
    P = (await ctx.createMachine(labA.id, { name: 'Prusa MK4', type: 'fdm_printer', mayRunUnattended: true })).id;
    await ctx.createMachine(labA.id, { name: 'Old CNC', type: 'cnc_router', status: 'retired' });
    E = (await ctx.createMachine(labB.id, { name: 'Bench 1', type: 'electronics_bench' })).id;

    alice = await ctx.createUser({ category: 'student', gender: 'female', fullName: 'Phạm Minh Anh' });
    bob = await ctx.createUser({ category: 'teacher', gender: 'male' });
    const carol = await ctx.createUser({ category: 'startup', gender: 'female' });
    managerA = await ctx.createUser({ role: 'manager', manages: [labA.id], category: 'teacher', gender: 'male' });
    managerB = await ctx.createUser({ role: 'manager', manages: [labB.id] });
    department = await ctx.createUser({ role: 'department' });
    admin = await ctx.createUser({ role: 'admin' });
    // Accounts: alice and carol are new in October; the others are older.
    const created: Array<[TestUser, Date]> = [
      [alice, hcm('2026-10-05T10:00')],
      [carol, hcm('2026-10-20T10:00')],
      [bob, hcm('2026-08-01T10:00')],
      [managerA, hcm('2020-01-01T10:00')],
      [managerB, hcm('2020-01-01T10:00')],
      [department, hcm('2020-01-01T10:00')],
      [admin, hcm('2020-01-01T10:00')],
    ];
    for (const [u, at] of created) await db.update(users).set({ createdAt: at }).where(eq(users.id, u.id));

    // Maintenance on the laser, Tuesday 13 October 15:00–19:00: cuts 2 h of open hours (15–17).
    await db
      .insert(maintenanceWindows)
      .values({
        machineId: L,
        labId: labA.id,
        startAt: hcm('2026-10-13T15:00'),
        endAt: hcm('2026-10-13T19:00'),
        reason: 'Thay ống laser',
      });

    const [c1] = await db
      .insert(classSessions)
      .values({
        labId: labA.id,
        title: 'Lớp STEM THCS Phú Hòa',
        participants: 12,
        startAt: hcm('2026-10-22T13:00'),
        endAt: hcm('2026-10-22T15:00'),
        createdBy: managerA.id,
      })
      .returning();
    const [c2] = await db
      .insert(classSessions)
      .values({
        labId: labA.id,
        title: 'Lớp bị hủy',
        participants: 8,
        startAt: hcm('2026-10-23T09:00'),
        endAt: hcm('2026-10-23T10:00'),
        createdBy: managerA.id,
      })
      .returning();

    type NewBooking = typeof bookings.$inferInsert;
    const booking = (
      b: Omit<NewBooking, 'occupiedUntil' | 'labId' | 'createdBy'> & { labId?: string },
    ): NewBooking => ({
      labId: labA.id,
      occupiedUntil: b.endAt,
      createdBy: b.userId,
      ...b,
    });
    const minutes = (d: Date, m: number) => new Date(d.getTime() + m * 60_000);
    const b1Created = hcm('2026-10-04T10:00');
    const b2Created = hcm('2026-10-05T08:00');
    const b3Created = hcm('2026-10-01T10:00');
    const b8Created = hcm('2026-10-28T09:00');
    const [b1, , , , b5, b6, , , b9] = await db
      .insert(bookings)
      .values([
        // b1: laser, alice, completed; approved 60 min after the request.
        booking({
          machineId: L,
          userId: alice.id,
          startAt: hcm('2026-10-05T09:00'),
          endAt: hcm('2026-10-05T11:00'),
          status: 'completed',
          purpose: 'personal_project',
          createdAt: b1Created,
          approvedAt: minutes(b1Created, 60),
          decidedAt: minutes(b1Created, 60),
          decidedBy: managerA.id,
        }),
        // b2: laser, bob, no-show; approved after 30 min.
        booking({
          machineId: L,
          userId: bob.id,
          startAt: hcm('2026-10-06T13:00'),
          endAt: hcm('2026-10-06T15:00'),
          status: 'no_show',
          purpose: 'research',
          createdAt: b2Created,
          approvedAt: minutes(b2Created, 30),
          decidedAt: minutes(b2Created, 30),
          decidedBy: managerA.id,
        }),
        // b3: laser, alice, approved after 90 min, then cancelled: nowhere in booked hours.
        booking({
          machineId: L,
          userId: alice.id,
          startAt: hcm('2026-10-07T10:00'),
          endAt: hcm('2026-10-07T12:00'),
          status: 'cancelled',
          purpose: 'personal_project',
          createdAt: b3Created,
          approvedAt: minutes(b3Created, 90),
          decidedAt: minutes(b3Created, 90),
          decidedBy: managerA.id,
          cancelledAt: hcm('2026-10-06T10:00'),
          cancelledBy: alice.id,
        }),
        // b4: laser, bob, rejected.
        booking({
          machineId: L,
          userId: bob.id,
          startAt: hcm('2026-10-08T14:00'),
          endAt: hcm('2026-10-08T16:00'),
          status: 'rejected',
          purpose: 'research',
          createdAt: hcm('2026-10-07T09:00'),
          decidedAt: hcm('2026-10-07T12:00'),
          decidedBy: managerA.id,
          reason: 'Máy bận',
        }),
        // b5: printer, bob, 15:00–21:00 (unattended past closing), completed, auto-approved.
        booking({
          machineId: P,
          userId: bob.id,
          startAt: hcm('2026-10-09T15:00'),
          endAt: hcm('2026-10-09T21:00'),
          status: 'completed',
          purpose: 'training',
          createdAt: hcm('2026-10-08T09:00'),
          approvedAt: hcm('2026-10-08T09:00'),
        }),
        // b6: printer, alice, Saturday 31 October 22:00 → Sunday 1 November 02:00: 2 h in each month.
        booking({
          machineId: P,
          userId: alice.id,
          startAt: hcm('2026-10-31T22:00'),
          endAt: hcm('2026-11-01T02:00'),
          status: 'completed',
          purpose: 'personal_project',
          createdAt: hcm('2026-10-30T09:00'),
          approvedAt: hcm('2026-10-30T09:00'),
        }),
        // b7: laser, alice, nobody decided before its start.
        booking({
          machineId: L,
          userId: alice.id,
          startAt: hcm('2026-10-28T08:00'),
          endAt: hcm('2026-10-28T09:00'),
          status: 'expired',
          purpose: 'startup_prototype',
          createdAt: hcm('2026-10-27T09:00'),
        }),
        // b8: laser, bob, approved after 120 min, start passed, not yet marked: it reached its start approved.
        booking({
          machineId: L,
          userId: bob.id,
          startAt: hcm('2026-10-29T10:00'),
          endAt: hcm('2026-10-29T11:00'),
          status: 'approved',
          purpose: 'enterprise_service',
          createdAt: b8Created,
          approvedAt: minutes(b8Created, 120),
          decidedAt: minutes(b8Created, 120),
          decidedBy: managerA.id,
        }),
        // b9: printer, bob, 30 September 23:00 → 1 October 01:00: a September booking with 1 h in October.
        booking({
          machineId: P,
          userId: bob.id,
          startAt: hcm('2026-09-30T23:00'),
          endAt: hcm('2026-10-01T01:00'),
          status: 'completed',
          purpose: 'training',
          createdAt: hcm('2026-09-29T09:00'),
          approvedAt: hcm('2026-09-29T09:00'),
        }),
        // The class c1 on the laser and the printer, booked by the manager (no decision to wait for).
        booking({
          machineId: L,
          userId: managerA.id,
          startAt: hcm('2026-10-22T13:00'),
          endAt: hcm('2026-10-22T15:00'),
          status: 'completed',
          purpose: 'stem_class',
          createdAt: hcm('2026-10-15T09:00'),
          approvedAt: hcm('2026-10-15T09:00'),
          classSessionId: c1!.id,
        }),
        booking({
          machineId: P,
          userId: managerA.id,
          startAt: hcm('2026-10-22T13:00'),
          endAt: hcm('2026-10-22T15:00'),
          status: 'completed',
          purpose: 'stem_class',
          createdAt: hcm('2026-10-15T09:00'),
          approvedAt: hcm('2026-10-15T09:00'),
          classSessionId: c1!.id,
        }),
        // The class c2, cancelled: not held.
        booking({
          machineId: L,
          userId: managerA.id,
          startAt: hcm('2026-10-23T09:00'),
          endAt: hcm('2026-10-23T10:00'),
          status: 'cancelled',
          purpose: 'stem_class',
          createdAt: hcm('2026-10-15T09:00'),
          classSessionId: c2!.id,
        }),
        // bB1: lab B (Tokyo), alice, completed.
        booking({
          labId: labB.id,
          machineId: E,
          userId: alice.id,
          startAt: tokyo('2026-10-12T10:00'),
          endAt: tokyo('2026-10-12T12:00'),
          status: 'completed',
          purpose: 'personal_project',
          createdAt: tokyo('2026-10-10T10:00'),
          approvedAt: tokyo('2026-10-10T10:00'),
        }),
      ])
      .returning();

    const session = (s: Partial<typeof usageSessions.$inferInsert> & { machineId: string; startAt: Date }) => ({
      labId: labA.id,
      category: 'student',
      gender: 'undisclosed',
      ...s,
    });
    const sessions = await db
      .insert(usageSessions)
      .values([
        // s1: laser 09:05–10:50 = 1.75 h, all inside opening hours.
        session({
          machineId: L,
          bookingId: b1!.id,
          userId: alice.id,
          category: 'student',
          gender: 'female',
          purpose: 'personal_project',
          startAt: hcm('2026-10-05T09:05'),
          endAt: hcm('2026-10-05T10:50'),
        }),
        // s2: printer 15:00–21:00 = 6 h, 2 h of them before closing at 17:00.
        session({
          machineId: P,
          bookingId: b5!.id,
          userId: bob.id,
          category: 'teacher',
          gender: 'male',
          purpose: 'training',
          startAt: hcm('2026-10-09T15:00'),
          endAt: hcm('2026-10-09T21:00'),
        }),
        // s3: printer across midnight at the end of October: 2 h in October, 2 h in November.
        session({
          machineId: P,
          bookingId: b6!.id,
          userId: alice.id,
          category: 'student',
          gender: 'female',
          purpose: 'personal_project',
          startAt: hcm('2026-10-31T22:00'),
          endAt: hcm('2026-11-01T02:00'),
        }),
        // s4: printer across midnight at the start of October: 1 h in October.
        session({
          machineId: P,
          bookingId: b9!.id,
          userId: bob.id,
          category: 'teacher',
          gender: 'male',
          purpose: 'training',
          startAt: hcm('2026-09-30T23:00'),
          endAt: hcm('2026-10-01T01:00'),
        }),
        // s5: a walk-in visitor on the laser, 16:00–17:30 = 1.5 h, 1 h before closing.
        session({
          machineId: L,
          guestName: 'Nguyễn Thị Lan',
          guestCategory: 'community',
          guestGender: 'female',
          category: 'community',
          gender: 'female',
          startAt: hcm('2026-10-14T16:00'),
          endAt: hcm('2026-10-14T17:30'),
          createdBy: managerA.id,
        }),
        // sB1: lab B, 10:00–11:30 Tokyo time = 1.5 h.
        session({
          labId: labB.id,
          machineId: E,
          userId: alice.id,
          category: 'student',
          gender: 'female',
          purpose: 'personal_project',
          startAt: tokyo('2026-10-12T10:00'),
          endAt: tokyo('2026-10-12T11:30'),
        }),
        // sB2: a walk-in in lab B at 00:30–01:30 on 1 October Tokyo time (still 30 September in
        // Ho Chi Minh City): October for lab B, whose month is counted in its own zone.
        session({
          labId: labB.id,
          machineId: E,
          guestName: 'Trần Văn Nam',
          guestCategory: 'community',
          guestGender: 'male',
          category: 'community',
          gender: 'male',
          startAt: tokyo('2026-10-01T00:30'),
          endAt: tokyo('2026-10-01T01:30'),
        }),
      ])
      .returning();
    const [s1, s2, s3, s4, s5] = sessions;
    await db.insert(usageMaterials).values([
      { usageSessionId: s1!.id, material: 'Ván ép 3 mm', quantity: 2, unit: 'tấm' },
      { usageSessionId: s2!.id, material: 'PLA', quantity: 150, unit: 'g' },
      { usageSessionId: s3!.id, material: 'PLA', quantity: 80, unit: 'g' },
      // s4 started in September: its material is September's.
      { usageSessionId: s4!.id, material: 'PLA', quantity: 50, unit: 'g' },
      { usageSessionId: s5!.id, material: 'Mica 3 mm', quantity: 1, unit: 'tấm' },
    ]);
  });
  afterAll(() => ctx.close());

  // Open hours. October 2026 has 22 weekdays (it starts on a Thursday). Lab A: Mon–Fri 08–17
  // (9 h) minus the closure on Friday 16 → 21 days × 9 h = 189 h; the laser loses 2 h to
  // maintenance → 187 h. The retired CNC has none. Lab B: 22 × 9 h = 198 h.
  const laser = fig({
    // b1, b2, b3, b4, b7, b8, class c1, class c2
    bookings: 8,
    approved: 4, // b1, b2, b8, c1
    rejected: 1,
    cancelled: 2, // b3, c2
    expired: 1,
    noShows: 1,
    noShowRate: 0.25, // 1 / (b1, b2, b8, c1)
    bookedHours: 7, // b1 2 + b2 2 + b8 1 + c1 2
    usedHours: 3.25, // s1 1.75 + s5 1.5
    usedOpenHours: 2.75, // s1 1.75 + s5 1
    openHours: 187,
    utilization: 0.0147, // 2.75 / 187
    uniqueMakers: 2, // alice, the visitor Lan
    newMembers: 1, // alice
    classSessions: 1,
    participants: 12,
    medianApprovalMinutes: 75, // median of 60, 30, 90, 120 (c1 and c2 were the manager's own)
  });
  const printer = fig({
    bookings: 3, // b5, b6, c1 (b9 started in September)
    approved: 3,
    noShowRate: 0,
    bookedHours: 11, // b5 6 + b6 2 (October part) + c1 2 + b9 1 (October part)
    usedHours: 9, // s2 6 + s3 2 + s4 1
    usedOpenHours: 2, // s2 15–17
    openHours: 189,
    utilization: 0.0106, // 2 / 189
    uniqueMakers: 2,
    newMembers: 1,
    classSessions: 1,
    participants: 12,
  });
  const bench = fig({
    bookings: 1,
    approved: 1,
    noShowRate: 0,
    bookedHours: 2,
    usedHours: 2.5, // sB1 1.5 + sB2 1
    usedOpenHours: 1.5,
    openHours: 198,
    utilization: 0.0076, // 1.5 / 198
    uniqueMakers: 2, // alice, the visitor Nam
    newMembers: 1,
  });
  const labAFigures = fig({
    bookings: 11,
    approved: 7,
    rejected: 1,
    cancelled: 2,
    expired: 1,
    noShows: 1,
    noShowRate: 0.1429, // 1 / 7
    bookedHours: 18,
    usedHours: 12.25,
    usedOpenHours: 4.75,
    openHours: 376,
    utilization: 0.0126, // 4.75 / 376
    uniqueMakers: 3, // alice, bob, Lan
    newMembers: 1, // alice, created in October, booked here
    classSessions: 1, // c2's only booking was cancelled: not held
    participants: 12,
    medianApprovalMinutes: 75,
  });
  const totals = fig({
    bookings: 12,
    approved: 8,
    rejected: 1,
    cancelled: 2,
    expired: 1,
    noShows: 1,
    noShowRate: 0.125, // 1 / 8
    bookedHours: 20,
    usedHours: 14.75,
    usedOpenHours: 6.25,
    openHours: 574, // 376 + 198
    utilization: 0.0109, // 6.25 / 574
    uniqueMakers: 4, // alice (in both labs, once), bob, Lan, Nam
    newMembers: 2, // every account created in October: alice and carol (who has not booked yet)
    classSessions: 1,
    participants: 12,
    medianApprovalMinutes: 75,
  });

  it('answers the department with every figure of the hand-built month', async () => {
    const res = await ctx.injectAs(department, { method: 'GET', url: '/api/stats/monthly?month=2026-10' });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.month).toBe('2026-10');
    expect(body.labId).toBeNull();
    expect(body.totals).toEqual(totals);

    // Lab rows in name order ('Lab tokyo' before 'Multidisciplinary…'); the totals are their sums.
    expect(body.byLab.map((l: { slug: string }) => l.slug)).toEqual(['tokyo', 'biic']);
    const byLab = Object.fromEntries(body.byLab.map((r: { slug: string }) => [r.slug, r]));
    expect(byLab.biic).toMatchObject(labAFigures);
    expect(byLab.tokyo).toMatchObject({ ...bench, classSessions: 0, participants: 0 });

    // The retired CNC has no activity: no row, and no open hours anywhere.
    const byMachine = Object.fromEntries(body.byMachine.map((r: { machineId: string }) => [r.machineId, r]));
    expect(Object.keys(byMachine).sort()).toEqual([L, P, E].sort());
    expect(byMachine[L]).toEqual({
      machineId: L,
      name: 'Laser 80W',
      type: 'laser_cutter',
      labId: labA.id,
      status: 'available',
      ...laser,
    });
    expect(byMachine[P]).toMatchObject(printer);
    expect(byMachine[E]).toMatchObject(bench);

    const byType = Object.fromEntries(body.byMachineType.map((r: { type: string }) => [r.type, r]));
    expect(Object.keys(byType).sort()).toEqual(['electronics_bench', 'fdm_printer', 'laser_cutter']);
    expect(byType.laser_cutter).toEqual({ type: 'laser_cutter', ...laser });
    expect(byType.fdm_printer).toEqual({ type: 'fdm_printer', ...printer });

    const byCategory = Object.fromEntries(body.byCategory.map((r: { category: string }) => [r.category, r]));
    expect(body.byCategory.map((r: { category: string }) => r.category)).toEqual([
      'student',
      'teacher',
      'startup',
      'enterprise',
      'researcher',
      'community',
      'class_session',
    ]);
    // Bookings and usage in the category recorded when they were made; a class's as a group.
    expect(byCategory.student).toEqual({
      category: 'student',
      ...fig(
        {
          bookings: 5, // b1, b3, b6, b7, bB1
          approved: 3, // b1, b6, bB1
          cancelled: 1,
          expired: 1,
          noShowRate: 0,
          bookedHours: 6, // b1 2 + b6 2 + bB1 2
          usedHours: 5.25, // s1 1.75 + s3 2 + sB1 1.5
          uniqueMakers: 1,
          newMembers: 1, // alice
          medianApprovalMinutes: 75, // 60, 90
        },
        'people',
      ),
    });
    expect(byCategory.teacher).toEqual({
      category: 'teacher',
      ...fig(
        {
          bookings: 4, // bob: b2, b4, b5, b8 (the manager's class bookings are the class's)
          approved: 3,
          rejected: 1,
          noShows: 1,
          noShowRate: 0.3333, // 1 / (b2, b5, b8)
          bookedHours: 10, // b2 2 + b5 6 + b8 1 + b9 1
          usedHours: 7, // s2 6 + s4 1
          uniqueMakers: 1,
          medianApprovalMinutes: 75, // 30, 120
        },
        'people',
      ),
    });
    expect(byCategory.class_session).toEqual({
      category: 'class_session',
      ...fig(
        {
          bookings: 3, // c1 ×2, c2: never in the manager's category
          approved: 2,
          cancelled: 1,
          noShowRate: 0,
          bookedHours: 4, // c1 2 + 2
        },
        'people',
      ),
    });
    expect(byCategory.startup).toEqual({ category: 'startup', ...fig({ newMembers: 1 }, 'people') }); // carol
    expect(byCategory.community).toEqual({
      category: 'community',
      ...fig({ usedHours: 2.5, uniqueMakers: 2 }, 'people'),
    });

    const byGender = Object.fromEntries(body.byGender.map((r: { gender: string }) => [r.gender, r]));
    expect(body.byGender.map((r: { gender: string }) => r.gender)).toEqual(['female', 'male', 'other', 'undisclosed']);
    expect(byGender.female).toMatchObject({
      bookings: 5,
      bookedHours: 6,
      usedHours: 6.75,
      uniqueMakers: 2,
      newMembers: 2,
      openHours: null,
      utilization: null,
    });
    expect(byGender.male).toMatchObject({
      bookings: 4,
      bookedHours: 10,
      usedHours: 8,
      uniqueMakers: 2,
      newMembers: 0,
      noShowRate: 0.3333,
    });
    expect(byGender.other).toEqual({ gender: 'other', ...fig({}, 'people') });

    const byPurpose = Object.fromEntries(body.byPurpose.map((r: { purpose: string | null }) => [String(r.purpose), r]));
    expect(body.byPurpose.map((r: { purpose: string | null }) => r.purpose)).toEqual([
      'personal_project',
      'startup_prototype',
      'stem_class',
      'training',
      'research',
      'enterprise_service',
      null,
    ]);
    expect(byPurpose.personal_project).toMatchObject({
      bookings: 4,
      approved: 3,
      cancelled: 1,
      bookedHours: 6,
      usedHours: 5.25,
      uniqueMakers: 1,
      newMembers: 1,
      medianApprovalMinutes: 75,
    });
    expect(byPurpose.research).toMatchObject({
      bookings: 2,
      approved: 1,
      rejected: 1,
      noShows: 1,
      noShowRate: 1,
      bookedHours: 2,
      medianApprovalMinutes: 30,
    });
    expect(byPurpose.training).toMatchObject({
      bookings: 1,
      bookedHours: 7,
      usedHours: 7,
      medianApprovalMinutes: null,
    });
    expect(byPurpose.startup_prototype).toMatchObject({ bookings: 1, expired: 1, noShowRate: null, newMembers: 1 });
    expect(byPurpose.stem_class).toMatchObject({
      bookings: 3,
      approved: 2,
      cancelled: 1,
      bookedHours: 4,
      classSessions: null,
    });
    // Walk-ins state no purpose.
    expect(byPurpose.null).toEqual({ purpose: null, ...fig({ usedHours: 2.5, uniqueMakers: 2 }, 'people') });

    expect(body.materials).toEqual([
      { material: 'Mica 3 mm', unit: 'tấm', quantity: 1 },
      { material: 'PLA', unit: 'g', quantity: 230 }, // 150 + 80; s4's 50 g belong to September
      { material: 'Ván ép 3 mm', unit: 'tấm', quantity: 2 },
    ]);
  });

  it('gives a manager their own lab, and 403 for another lab', async () => {
    const own = await ctx.injectAs(managerA, {
      method: 'GET',
      url: `/api/stats/monthly?month=2026-10&labId=${labA.id}`,
    });
    expect(own.statusCode).toBe(200);
    expect(own.json().labId).toBe(labA.id);
    expect(own.json().totals).toEqual(labAFigures);
    expect(own.json().byLab).toHaveLength(1);

    const mine = await ctx.injectAs(managerA, { method: 'GET', url: '/api/stats/monthly?month=2026-10' });
    expect(mine.statusCode).toBe(200);
    expect(mine.json().byLab.map((l: { labId: string }) => l.labId)).toEqual([labA.id]);
    expect(mine.json().totals).toEqual(labAFigures);

    const other = await ctx.injectAs(managerA, {
      method: 'GET',
      url: `/api/stats/monthly?month=2026-10&labId=${labB.id}`,
    });
    expect(other.statusCode).toBe(403);
    expect(other.json().code).toBe('FORBIDDEN');
    const otherCsv = await ctx.injectAs(managerB, {
      method: 'GET',
      url: `/api/stats/monthly?month=2026-10&labId=${labA.id}&format=csv`,
    });
    expect(otherCsv.statusCode).toBe(403);

    const adminOne = await ctx.injectAs(admin, {
      method: 'GET',
      url: `/api/stats/monthly?month=2026-10&labId=${labB.id}`,
    });
    expect(adminOne.json().totals).toMatchObject(bench);
  });

  it('refuses members, callers without a token, bad months and unknown labs', async () => {
    expect((await ctx.injectAs(alice, { method: 'GET', url: '/api/stats/monthly?month=2026-10' })).statusCode).toBe(
      403,
    );
    expect(
      (await ctx.injectAs(bob, { method: 'GET', url: '/api/stats/trend?from=2026-01&to=2026-10' })).statusCode,
    ).toBe(403);
    expect((await ctx.app.inject({ method: 'GET', url: '/api/stats/monthly?month=2026-10' })).statusCode).toBe(401);
    expect((await ctx.app.inject({ method: 'GET', url: '/api/stats/monthly?month=bad' })).statusCode).toBe(401);
    for (const month of ['2026-13', '2026-1', '26-10', '', '2026-10-01']) {
      const res = await ctx.injectAs(department, { method: 'GET', url: `/api/stats/monthly?month=${month}` });
      expect(res.statusCode, month).toBe(400);
    }
    expect((await ctx.injectAs(department, { method: 'GET', url: '/api/stats/monthly' })).statusCode).toBe(400);
    expect(
      (await ctx.injectAs(department, { method: 'GET', url: '/api/stats/monthly?month=2026-10&format=pdf' }))
        .statusCode,
    ).toBe(400);
    expect(
      (await ctx.injectAs(department, { method: 'GET', url: '/api/stats/monthly?month=2026-10&labId=nope' }))
        .statusCode,
    ).toBe(400);
    const unknown = await ctx.injectAs(department, {
      method: 'GET',
      url: '/api/stats/monthly?month=2026-10&labId=00000000-0000-4000-8000-000000000000',
    });
    expect(unknown.statusCode).toBe(404);
  });

  it('exports CSV with a BOM, Vietnamese intact, the same figures as the JSON', async () => {
    const res = await ctx.injectAs(department, { method: 'GET', url: '/api/stats/monthly?month=2026-10&format=csv' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    expect(res.headers['content-disposition']).toBe('attachment; filename="fablab-stats-2026-10-all-labs.csv"');
    const bytes = res.rawPayload;
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.subarray(3).toString('utf8');
    expect(text).toContain(LAB_A_NAME_VI);
    expect(text).toContain('Ván ép 3 mm');
    expect(text).toContain('Học sinh, sinh viên');

    const [header, ...rows] = parseCsv(text);
    expect(header!.slice(0, 5)).toEqual(['month', 'breakdown', 'key', 'name', 'lab']);
    const col = (name: string) => header!.indexOf(name);
    const total = rows.find((r) => r[col('breakdown')] === 'total')!;
    expect(Number(total[col('bookings')])).toBe(totals.bookings);
    expect(Number(total[col('usedHours')])).toBe(totals.usedHours);
    expect(Number(total[col('utilization')])).toBe(totals.utilization);
    const lab = rows.find((r) => r[col('breakdown')] === 'lab' && r[col('key')] === 'biic')!;
    expect(lab[col('name')]).toBe(LAB_A_NAME_VI);
    expect(Number(lab[col('openHours')])).toBe(376);
    const walkIns = rows.find((r) => r[col('breakdown')] === 'purpose' && r[col('key')] === 'unspecified')!;
    expect(walkIns[col('openHours')]).toBe('');
    expect(Number(walkIns[col('usedHours')])).toBe(2.5);
    const pla = rows.find((r) => r[col('breakdown')] === 'material' && r[col('key')] === 'PLA')!;
    expect([pla[col('unit')], Number(pla[col('quantity')])]).toEqual(['g', 230]);
    expect(rows.filter((r) => r[col('breakdown')] === 'machine')).toHaveLength(3);

    const one = await ctx.injectAs(managerA, {
      method: 'GET',
      url: `/api/stats/monthly?month=2026-10&labId=${labA.id}&format=csv`,
    });
    expect(one.headers['content-disposition']).toBe('attachment; filename="fablab-stats-2026-10-biic.csv"');
  });

  it('exports XLSX holding the same numbers as the JSON, headers in the caller’s language', async () => {
    const json = (await ctx.injectAs(department, { method: 'GET', url: '/api/stats/monthly?month=2026-10' })).json();
    const res = await ctx.injectAs(department, { method: 'GET', url: '/api/stats/monthly?month=2026-10&format=xlsx' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-disposition']).toBe('attachment; filename="fablab-stats-2026-10-all-labs.xlsx"');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    expect(workbook.worksheets.map((w) => w.name)).toEqual([
      'Tổng hợp',
      'Theo phòng lab',
      'Theo máy',
      'Theo loại máy',
      'Theo đối tượng',
      'Theo giới tính',
      'Theo mục đích',
      'Vật tư',
    ]);
    const totalsSheet = workbook.worksheets[0]!;
    const headers = (totalsSheet.getRow(1).values as unknown[]).slice(1);
    expect(headers).toContain('Giờ sử dụng');
    expect(totalsSheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    const cell = (sheet: ExcelJS.Worksheet, row: number, header: string) => {
      const index = (sheet.getRow(1).values as unknown[]).indexOf(header);
      return sheet.getRow(row).getCell(index);
    };
    expect(cell(totalsSheet, 2, 'Lượt đặt').value).toBe(json.totals.bookings);
    expect(cell(totalsSheet, 2, 'Giờ sử dụng').value).toBe(json.totals.usedHours);
    expect(cell(totalsSheet, 2, 'Giờ mở cửa').value).toBe(json.totals.openHours);
    expect(cell(totalsSheet, 2, 'Hiệu suất sử dụng').value).toBe(json.totals.utilization);
    expect(cell(totalsSheet, 2, 'Giờ sử dụng').numFmt).toBe('0.00');
    expect(cell(totalsSheet, 2, 'Hiệu suất sử dụng').numFmt).toBe('0.0%');
    expect(cell(totalsSheet, 2, 'Tỷ lệ vắng mặt').value).toBe(json.totals.noShowRate);

    const labsSheet = workbook.worksheets[1]!;
    for (let r = 2; r <= labsSheet.rowCount; r++) {
      const slug = cell(labsSheet, r, 'Mã').value;
      const lab = json.byLab.find((l: { slug: string }) => l.slug === slug);
      expect(cell(labsSheet, r, 'Giờ đã đặt').value).toBe(lab.bookedHours);
      expect(cell(labsSheet, r, 'Giờ mở cửa').value).toBe(lab.openHours);
      expect(cell(labsSheet, r, 'Số người sử dụng').value).toBe(lab.uniqueMakers);
    }
    const machinesSheet = workbook.worksheets[2]!;
    expect(machinesSheet.rowCount).toBe(1 + json.byMachine.length);
    const categories = workbook.worksheets[4]!;
    expect(cell(categories, 2, 'Đối tượng').value).toBe('Học sinh, sinh viên');
    expect(cell(categories, 2, 'Giờ mở cửa').value).toBeNull();
    const materials = workbook.worksheets[7]!;
    expect(materials.getRow(4).values).toEqual([undefined, 'Ván ép 3 mm', 'tấm', 2]);

    const en = await ctx.injectAs(department, {
      method: 'GET',
      url: '/api/stats/monthly?month=2026-10&format=xlsx&lang=en',
    });
    const english = new ExcelJS.Workbook();
    await english.xlsx.load(en.rawPayload as unknown as ArrayBuffer);
    expect(english.worksheets[0]!.name).toBe('Totals');
    expect((english.worksheets[0]!.getRow(1).values as unknown[]).slice(1)).toContain('Used hours');
  });

  it('prints XLSX sheets landscape, one page wide, with the header row on every page; integers without a dot', async () => {
    const res = await ctx.injectAs(department, { method: 'GET', url: '/api/stats/monthly?month=2026-10&format=xlsx' });
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    for (const sheet of workbook.worksheets) {
      expect(sheet.pageSetup, sheet.name).toMatchObject({
        orientation: 'landscape',
        fitToPage: true,
        fitToWidth: 1,
        fitToHeight: 0,
        printTitlesRow: '1:1',
      });
    }
    // "0.###" shows 230 as "230." in Excel and LibreOffice.
    const materials = workbook.worksheets[7]!;
    for (let r = 2; r <= materials.rowCount; r++) {
      const cell = materials.getRow(r).getCell(3);
      expect(Number.isInteger(cell.value)).toBe(true);
      expect(cell.numFmt, `row ${r}`).toBe('0');
    }
  });

  it('counts an open session up to now, and the November part of the session across midnight', async () => {
    // Tuesday 10 November, 12:00 in Ho Chi Minh City; bob has been on the laser since 09:00.
    clock.set('2026-11-10T05:00:00Z');
    try {
      await ctx.db.insert(usageSessions).values({
        labId: labA.id,
        machineId: L,
        userId: bob.id,
        category: 'teacher',
        gender: 'male',
        purpose: 'research',
        startAt: hcm('2026-11-10T09:00'),
      });
      const res = await ctx.injectAs(managerA, {
        method: 'GET',
        url: `/api/stats/monthly?month=2026-11&labId=${labA.id}`,
      });
      expect(res.statusCode).toBe(200);
      const body = res.json();
      // November 2026: 21 weekdays × 9 h = 189 h for each of the laser and the printer.
      expect(body.totals).toEqual(
        fig({
          bookedHours: 2, // b6's November part; b6 itself counts in October
          usedHours: 5, // s3 00:00–02:00 on 1 November + the open session 09:00–12:00
          usedOpenHours: 3,
          openHours: 378,
          utilization: 0.0079, // 3 / 378
          uniqueMakers: 2,
        }),
      );
      const trend = await ctx.injectAs(department, { method: 'GET', url: '/api/stats/trend?from=2026-09&to=2026-11' });
      expect(trend.statusCode).toBe(200);
      const items = trend.json().items;
      expect(items.map((i: { month: string }) => i.month)).toEqual(['2026-09', '2026-10', '2026-11']);
      expect(items[1]).toEqual({ month: '2026-10', ...totals });
      expect(items[0]).toMatchObject({ bookings: 1, bookedHours: 1, usedHours: 1 }); // b9 / s4 September parts
    } finally {
      clock.set('2026-11-05T03:00:00Z');
    }
  });

  it('caps the trend at 36 months and refuses a reversed range', async () => {
    const ok = await ctx.injectAs(admin, {
      method: 'GET',
      url: `/api/stats/trend?from=2024-01&to=2026-12&labId=${labB.id}`,
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().items).toHaveLength(36);
    const tooLong = await ctx.injectAs(admin, { method: 'GET', url: '/api/stats/trend?from=2023-12&to=2026-12' });
    expect(tooLong.statusCode).toBe(400);
    const reversed = await ctx.injectAs(admin, { method: 'GET', url: '/api/stats/trend?from=2026-10&to=2026-09' });
    expect(reversed.statusCode).toBe(400);
    const other = await ctx.injectAs(managerB, {
      method: 'GET',
      url: `/api/stats/trend?from=2026-09&to=2026-10&labId=${labA.id}`,
    });
    expect(other.statusCode).toBe(403);
  });
});

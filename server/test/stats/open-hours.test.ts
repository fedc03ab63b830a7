// Utilization's numerator: usage inside open hours, less what falls in the machine's maintenance.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maintenanceWindows, usageSessions, users } from '../../src/db/schema/index.js';
import { splitByUtcDay, subtractPeriods } from '../../src/modules/stats/open-hours.js';
import { createTestContext, fixedClock, type TestContext } from '../helpers/app.js';

const hcm = (local: string) => new Date(`${local}:00+07:00`);
const p = (start: string, end: string) => ({ start: new Date(start), end: new Date(end) });

describe('open hours and utilization', () => {
  it('subtracts cuts from periods and splits periods at UTC midnight', () => {
    expect(
      subtractPeriods(
        [p('2026-03-02T01:00:00Z', '2026-03-02T10:00:00Z'), p('2026-03-03T01:00:00Z', '2026-03-03T10:00:00Z')],
        [p('2026-03-02T03:00:00Z', '2026-03-02T05:00:00Z'), p('2026-03-02T04:00:00Z', '2026-03-03T02:00:00Z')],
      ),
    ).toEqual([p('2026-03-02T01:00:00Z', '2026-03-02T03:00:00Z'), p('2026-03-03T02:00:00Z', '2026-03-03T10:00:00Z')]);
    const pieces = splitByUtcDay([p('2026-03-02T20:00:00Z', '2026-03-04T02:00:00Z')]);
    expect(pieces.map((x) => [x.start.toISOString(), x.end.toISOString()])).toEqual([
      ['2026-03-02T20:00:00.000Z', '2026-03-03T00:00:00.000Z'],
      ['2026-03-03T00:00:00.000Z', '2026-03-04T00:00:00.000Z'],
      ['2026-03-04T00:00:00.000Z', '2026-03-04T02:00:00.000Z'],
    ]);
    expect(pieces[1]!.day - pieces[0]!.day).toBe(1);
  });

  describe('through the API', () => {
    let ctx: TestContext;
    beforeAll(async () => {
      ctx = await createTestContext({ clock: fixedClock('2026-04-10T00:00:00Z') });
    });
    afterAll(() => ctx.close());

    it('counts used hours outside opening hours and during maintenance as used, not as open use', async () => {
      // March 2026 in Ho Chi Minh City: 22 weekdays × 9 h (08–17) = 198 h.
      const lab = await ctx.createLab({ slug: 'mech', timezone: 'Asia/Ho_Chi_Minh' });
      const machine = await ctx.createMachine(lab.id, { type: 'cnc_router' });
      const maker = await ctx.createUser({ category: 'researcher', gender: 'other' });
      await ctx.db
        .update(users)
        .set({ createdAt: new Date('2025-01-01T00:00:00Z') })
        .where(eq(users.id, maker.id));
      const department = await ctx.createUser({ role: 'department' });
      // Maintenance Monday 2 March 10:00–12:00: open hours lose 2 h.
      await ctx.db
        .insert(maintenanceWindows)
        .values({
          machineId: machine.id,
          labId: lab.id,
          startAt: hcm('2026-03-02T10:00'),
          endAt: hcm('2026-03-02T12:00'),
          reason: 'Hiệu chuẩn',
        });
      await ctx.db.insert(usageSessions).values([
        // 09:00–13:00 on that Monday: 4 h used, 2 h of them in open hours outside the maintenance.
        {
          machineId: machine.id,
          labId: lab.id,
          userId: maker.id,
          category: 'researcher',
          gender: 'other',
          purpose: 'research',
          startAt: hcm('2026-03-02T09:00'),
          endAt: hcm('2026-03-02T13:00'),
        },
        // Tuesday 16:00–19:00: 3 h used, 1 h before closing.
        {
          machineId: machine.id,
          labId: lab.id,
          userId: maker.id,
          category: 'researcher',
          gender: 'other',
          purpose: 'research',
          startAt: hcm('2026-03-03T16:00'),
          endAt: hcm('2026-03-03T19:00'),
        },
        // Saturday: 2 h used, none in open hours; an unnamed, accountless session: no maker.
        {
          machineId: machine.id,
          labId: lab.id,
          category: 'community',
          gender: 'undisclosed',
          startAt: hcm('2026-03-07T09:00'),
          endAt: hcm('2026-03-07T11:00'),
        },
      ]);
      const res = await ctx.injectAs(department, {
        method: 'GET',
        url: `/api/stats/monthly?month=2026-03&labId=${lab.id}`,
      });
      expect(res.statusCode).toBe(200);
      expect(res.json().totals).toMatchObject({
        usedHours: 9,
        usedOpenHours: 3,
        openHours: 196,
        utilization: 0.0153, // 3 / 196
        uniqueMakers: 1,
        newMembers: 0,
      });
      const byGender = Object.fromEntries(res.json().byGender.map((r: { gender: string }) => [r.gender, r]));
      expect(byGender.other).toMatchObject({ usedHours: 7, uniqueMakers: 1 });
      expect(byGender.undisclosed).toMatchObject({ usedHours: 2, uniqueMakers: 0 });
    });
  });
});

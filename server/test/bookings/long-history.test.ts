// A booking costs the same on a machine with years of use behind it as on a new one: the reads
// every booking makes of the machine's state find what they need without its history.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBookingRepository } from '../../src/modules/bookings/bookings.repository.js';
import { createTestContext, fixedClock, type TestContext } from '../helpers/app.js';
import { rowsRead } from '../helpers/plan.js';

// Tuesday 1 December 2026, 09:00 in Ho Chi Minh City.
const clock = fixedClock('2026-12-01T02:00:00Z');

describe('a machine with a long history', () => {
  let ctx: TestContext;

  beforeAll(async () => {
    ctx = await createTestContext({ clock });
  });
  afterAll(() => ctx.close());

  it("finds the machine's open session without reading its past sessions", async () => {
    const lab = await ctx.createLab();
    const machine = await ctx.createMachine(lab.id);
    const member = await ctx.createUser();
    // Three years of two-hour sessions, one a day, and one open now.
    await ctx.db.execute(sql`
      insert into usage_sessions (lab_id, machine_id, user_id, category, gender, start_at, end_at)
      select ${lab.id}::uuid, ${machine.id}::uuid, ${member.id}::uuid, 'student', 'undisclosed', t, t + interval '2 hours'
      from generate_series(timestamptz '2023-12-01 02:00Z', timestamptz '2026-11-30 02:00Z', interval '1 day') as t`);
    await ctx.db.execute(sql`
      insert into usage_sessions (lab_id, machine_id, user_id, category, gender, start_at)
      values (${lab.id}::uuid, ${machine.id}::uuid, ${member.id}::uuid, 'student', 'undisclosed', timestamptz '2026-12-01 01:30Z')`);
    await ctx.db.execute(sql`analyze usage_sessions`);

    const repo = createBookingRepository(ctx.db);
    expect(await repo.openSessionStart(machine.id)).toEqual(new Date('2026-12-01T01:30:00Z'));
    const { sql: text, params } = repo.openSessionStartQuery(machine.id).toSQL();
    expect(await rowsRead(ctx.database, text, params)).toBeLessThan(5);
  });
});

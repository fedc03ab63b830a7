import { BOOKING_STATUSES, SLOT_HOLDING_STATUSES } from '@fablab/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqlState } from '../../src/lib/errors.js';
import { createTestContext, type TestContext } from '../helpers/app.js';

describe('migrations and the overlap constraint', () => {
  let ctx: TestContext;
  let labId: string;
  let machineA: string;
  let machineB: string;
  let userId: string;

  beforeAll(async () => {
    ctx = await createTestContext();
    labId = (await ctx.createLab()).id;
    machineA = (await ctx.createMachine(labId)).id;
    machineB = (await ctx.createMachine(labId)).id;
    userId = (await ctx.createUser()).id;
  });
  afterAll(() => ctx.close());

  it('holds slots in the database for exactly the shared slot-holding statuses', async () => {
    const rows = await ctx.database.query<{ def: string }>(
      "select pg_get_constraintdef(oid) as def from pg_constraint where conname = 'bookings_no_overlap'",
    );
    const held = BOOKING_STATUSES.filter((status) => new RegExp(`'${status}'`).test(rows[0]!.def));
    expect(held.sort()).toEqual([...SLOT_HOLDING_STATUSES].sort());
  });

  async function insertBooking(machineId: string, start: string, end: string, status = 'approved', occupiedUntil = end) {
    await ctx.database.query(
      `insert into bookings (machine_id, lab_id, user_id, start_at, end_at, occupied_until, status, purpose)
       values ($1, $2, $3, $4, $5, $6, $7, 'personal_project')`,
      [machineId, labId, userId, start, end, occupiedUntil, status],
    );
  }

  async function refusal(fn: () => Promise<unknown>): Promise<string | undefined> {
    try {
      await fn();
      return undefined;
    } catch (err) {
      return sqlState(err);
    }
  }

  it('applies every migration to an empty database', async () => {
    const tables = await ctx.database.query<{ table_name: string }>(
      `select table_name from information_schema.tables where table_schema = 'public' order by table_name`,
    );
    const names = tables.map((t) => t.table_name);
    for (const t of ['labs', 'closures', 'machines', 'users', 'lab_managers', 'certifications', 'bookings', 'maintenance_windows', 'usage_sessions', 'usage_materials', 'notifications', 'audit_log', 'class_sessions', 'booking_series']) {
      expect(names).toContain(t);
    }
    const ext = await ctx.database.query<{ extname: string }>(`select extname from pg_extension where extname = 'btree_gist'`);
    expect(ext).toHaveLength(1);
  });

  it('refuses an overlapping booking row on one machine', async () => {
    await insertBooking(machineA, '2030-01-07T01:00:00Z', '2030-01-07T03:00:00Z');
    expect(await refusal(() => insertBooking(machineA, '2030-01-07T02:00:00Z', '2030-01-07T04:00:00Z', 'pending'))).toBe('23P01');
    expect(await refusal(() => insertBooking(machineA, '2030-01-07T00:00:00Z', '2030-01-07T05:00:00Z', 'checked_in'))).toBe('23P01');
  });

  it('accepts an adjacent booking, one on another machine and one overlapping a cancelled booking', async () => {
    await insertBooking(machineA, '2030-01-07T03:00:00Z', '2030-01-07T04:00:00Z');
    await insertBooking(machineB, '2030-01-07T01:00:00Z', '2030-01-07T03:00:00Z');
    await insertBooking(machineA, '2030-01-08T01:00:00Z', '2030-01-08T03:00:00Z', 'cancelled');
    await insertBooking(machineA, '2030-01-08T01:00:00Z', '2030-01-08T03:00:00Z', 'approved');
    const rows = await ctx.database.query(`select id from bookings where machine_id = $1`, [machineA]);
    expect(rows).toHaveLength(4);
  });

  it('counts the buffer after a booking as occupied', async () => {
    await insertBooking(machineB, '2030-01-09T01:00:00Z', '2030-01-09T02:00:00Z', 'approved', '2030-01-09T02:30:00Z');
    expect(await refusal(() => insertBooking(machineB, '2030-01-09T02:00:00Z', '2030-01-09T03:00:00Z'))).toBe('23P01');
    await insertBooking(machineB, '2030-01-09T02:30:00Z', '2030-01-09T03:00:00Z');
  });

  it('lets an under-16 account wait for consent, and keeps a consent and its method together (migration 0012)', async () => {
    const insert = (consentAt: string | null, method: string | null) =>
      ctx.database.query(
        `insert into users (email, full_name, category, under16, guardian_name, guardian_contact, guardian_consent_at, guardian_consent_method)
         values ($1, 'Bé Na', 'student', true, 'Mẹ', 'me@example.test', $2, $3)`,
        [`minor-${Math.random().toString(36).slice(2)}@example.test`, consentAt, method],
      );
    await insert(null, null);
    await insert('2026-06-01T01:00:00Z', 'paper');
    expect(await refusal(() => insert('2026-06-01T01:00:00Z', null))).toBe('23514');
    expect(await refusal(() => insert(null, 'link'))).toBe('23514');
    expect(await refusal(() => insert('2026-06-01T01:00:00Z', 'phone'))).toBe('23514');
  });

  it('raises a lab’s version on every change of its row or its closures, whoever writes them', async () => {
    const version = async () => (await ctx.database.query<{ version: number }>(`select version from labs where id = $1`, [labId]))[0]!.version;
    const before = await version();
    await ctx.database.query(`update labs set settings = settings || '{"weeklyQuotaHours": 9}' where id = $1`, [labId]);
    expect(await version()).toBe(before + 1);
    const [closure] = await ctx.database.query<{ id: string }>(
      `insert into closures (lab_id, from_date, to_date, reason) values ($1, '2030-02-01', '2030-02-02', 'Tết') returning id`,
      [labId],
    );
    expect(await version()).toBe(before + 2);
    await ctx.database.query(`update closures set to_date = '2030-02-03' where id = $1`, [closure!.id]);
    expect(await version()).toBe(before + 3);
    await ctx.database.query(`delete from closures where id = $1`, [closure!.id]);
    expect(await version()).toBe(before + 4);
  });

  it('refuses a booking state outside the state machine', async () => {
    expect(await refusal(() => insertBooking(machineB, '2030-02-01T01:00:00Z', '2030-02-01T02:00:00Z', 'lost'))).toBe('23514');
  });
});

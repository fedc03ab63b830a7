// The sums behind the monthly statistics, in SQL. Luxon computes the instants (each lab's month
// bounds in its own zone, each machine's open periods); they arrive here as JSON parameters and
// the database sums over them with GROUPING SETS, so that no row of bookings or usage is ever
// loaded into JS.
//
// Reads the tables directly (bookings, usage_sessions, users, class_sessions, ...), not another
// module's code. Each lab's rows of the month are reached through a LATERAL subquery on that lab's
// bounds, fenced with OFFSET 0, so that they always come from the per-lab indexes: the planner,
// unable to see how few rows a month holds, would otherwise scan whole tables.
//
// The bookings', usage's and meter's sums are in stats-sums.repository.ts; here are the helpers the
// statements share, where they run, the rest of the month's figures, and the labs, machines and
// closures the service reads through drizzle.
import type { Period } from '@fablab/shared';
import { asc, eq, inArray } from 'drizzle-orm';
import { createHash } from 'node:crypto';
import type { Database, DbOrTx } from '../../db/client.js';
import { closures, labs, machines } from '../../db/schema/index.js';

export type StatsDb = Pick<Database, 'query'>;
export type LabRow = typeof labs.$inferSelect;
export type MachineRow = typeof machines.$inferSelect;
export type ClosureRow = typeof closures.$inferSelect;

/** The labs, machines and closures the figures are computed for. */
export function createStatsRepository(db: DbOrTx) {
  return {
    async findLab(id: string, tx: DbOrTx = db): Promise<LabRow | undefined> {
      const [lab] = await tx.select().from(labs).where(eq(labs.id, id));
      return lab;
    },

    /** Every lab, by name. */
    async allLabs(tx: DbOrTx = db): Promise<LabRow[]> {
      return tx.select().from(labs).orderBy(asc(labs.name));
    },

    /** These labs, by name. */
    async labsIn(ids: string[], tx: DbOrTx = db): Promise<LabRow[]> {
      return tx.select().from(labs).where(inArray(labs.id, ids)).orderBy(asc(labs.name));
    },

    async machinesOfLabs(labIds: string[], tx: DbOrTx = db): Promise<MachineRow[]> {
      return tx
        .select()
        .from(machines)
        .where(inArray(machines.labId, labIds))
        .orderBy(asc(machines.type), asc(machines.name));
    },

    async closuresOfLabs(labIds: string[], tx: DbOrTx = db): Promise<ClosureRow[]> {
      return tx.select().from(closures).where(inArray(closures.labId, labIds));
    },
  };
}

export type StatsRepository = ReturnType<typeof createStatsRepository>;

/**
 * Where the statistics queries run. Each runs in its own read-only transaction
 * without JIT (compiling takes longer than these sub-second queries run), without parallel
 * workers (the queries of one answer already run side by side on the pool) and with enough
 * work_mem for their hash aggregates.
 */
export function statsQueries(database: Pick<Database, 'query' | 'pool'>): StatsDb {
  const pool = database.pool;
  return {
    async query<T>(text: string, params: unknown[] = []): Promise<T[]> {
      const client = await pool.connect();
      let broken: Error | undefined;
      try {
        await client.query(
          `begin read only; set local jit = off; set local work_mem = '64MB'; set local max_parallel_workers_per_gather = 0`,
        );
        // A named statement is parsed and planned once per connection, then reused.
        const res = await client.query({
          name: `stats_${createHash('sha1').update(text).digest('hex').slice(0, 16)}`,
          text,
          values: params,
        });
        await client.query('commit');
        return res.rows as T[];
      } catch (err) {
        await client.query('rollback').catch((e: Error) => (broken = e));
        throw err;
      } finally {
        client.release(broken);
      }
    },
  };
}

export interface LabBounds {
  labId: string;
  start: Date;
  end: Date;
}

/** An open period of a lab, cut at UTC midnight; `day` counts UTC days since 1970. */
export interface DayPeriod {
  day: number;
  start: Date;
  end: Date;
}

/**
 * The open time of a lab's machines in the month: the lab's open periods, and per machine the
 * parts of them it loses to maintenance.
 */
export interface OpenTime {
  labs: ReadonlyArray<{ labId: string; periods: readonly DayPeriod[] }>;
  cuts: ReadonlyArray<{ machineId: string; periods: readonly Period[] }>;
}

/** Which grouping set a row of a GROUPING SETS query belongs to. */
export type GroupSet = 'total' | 'lab' | 'machine' | 'type' | 'category' | 'gender' | 'purpose';

const GROUP_COLUMNS = ['lab_id', 'machine_id', 'type', 'category', 'gender', 'purpose'] as const;
const SET_OF_COLUMN: Record<(typeof GROUP_COLUMNS)[number], GroupSet> = {
  lab_id: 'lab',
  machine_id: 'machine',
  type: 'type',
  category: 'category',
  gender: 'gender',
  purpose: 'purpose',
};

/** GROUPING(lab_id, machine_id, type, category, gender, purpose): a bit is 1 where a column is rolled up. */
export function groupSetOf(mask: number): GroupSet {
  for (let i = 0; i < GROUP_COLUMNS.length; i++) {
    const bit = 1 << (GROUP_COLUMNS.length - 1 - i);
    if ((mask & bit) === 0) return SET_OF_COLUMN[GROUP_COLUMNS[i]!];
  }
  return 'total';
}

export function groupingSets(breakdowns: boolean, extra = ''): string {
  const sets = breakdowns ? ['', 'lab_id', 'machine_id', 'type', 'category', 'gender', 'purpose'] : [''];
  return sets.map((s) => `(${[s, extra].filter(Boolean).join(', ')})`).join(', ');
}

/** The grouping columns of the select list; with only the grand total there is nothing to group by. */
export function grouping(breakdowns: boolean): string {
  return breakdowns
    ? `grouping(lab_id, machine_id, type, category, gender, purpose)::int as gset,
      lab_id::text as lab_id, machine_id::text as machine_id, type, category, gender, purpose`
    : `63 as gset, null::text as lab_id, null::text as machine_id, null::text as type,
      null::text as category, null::text as gender, null::text as purpose`;
}

/** Positional parameters of one statement, numbered in the order they are added. */
export class Params {
  readonly values: unknown[] = [];
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/**
 * The labs' bounds as a VALUES list: the planner then knows there are only a few (a JSON
 * recordset would be guessed at a hundred rows and turn index lookups into full scans).
 */
export function boundsCte(params: Params, bounds: readonly LabBounds[]): string {
  const rows = bounds.map(
    (b) =>
      `(${params.add(b.labId)}::uuid, ${params.add(b.start.toISOString())}::timestamptz, ${params.add(b.end.toISOString())}::timestamptz)`,
  );
  return `bounds (lab_id, ms, me) as (values ${rows.join(', ')})`;
}

export interface Grouped {
  gset: number;
  lab_id: string | null;
  machine_id: string | null;
  type: string | null;
  category: string | null;
  gender: string | null;
  purpose: string | null;
}

/** Machines of these labs that have a power switch: their rows measure use even when there was none. */
export async function switchedMachines(db: StatsDb, labIds: readonly string[]): Promise<string[]> {
  const rows = await db.query<{ machine_id: string }>(
    `select distinct machine_id::text as machine_id from devices where kind = 'switch' and lab_id = any($1::uuid[])`,
    [labIds],
  );
  return rows.map((r) => r.machine_id);
}

export interface NewMemberSums extends Grouped {
  new_members: number;
}

/**
 * Member accounts created in a lab's month that booked (a booking starting in the month) or used
 * that lab in the month, in the category and gender their bookings and sessions recorded.
 */
export async function activeNewMembers(
  db: StatsDb,
  bounds: readonly LabBounds[],
  breakdowns: boolean,
): Promise<NewMemberSums[]> {
  const params = new Params();
  const cte = boundsCte(params, bounds);
  return db.query<NewMemberSums>(
    `with ${cte},
    nu as materialized (
      select x.lab_id, x.ms, x.me, u.id, u.category, u.gender
      from bounds x cross join lateral (
        select u.id, u.category, u.gender from users u
        where u.role = 'member' and u.created_at >= x.ms and u.created_at < x.me
      ) u
    ),
    act as (
      select nu.lab_id, b.machine_id, b.purpose, nu.id as user_id,
        coalesce(b.category, nu.category) as category, coalesce(b.gender, nu.gender) as gender
      from nu cross join lateral (
        select b.machine_id, b.purpose, b.category, b.gender from bookings b
        where b.user_id = nu.id and b.lab_id = nu.lab_id and b.start_at >= nu.ms and b.start_at < nu.me
        offset 0 -- keeps this a per-member index lookup instead of a hash join over the whole table
      ) b
      union all
      select nu.lab_id, s.machine_id, s.purpose, nu.id, s.category, s.gender
      from nu cross join lateral (
        select s.machine_id, s.purpose, s.category, s.gender from usage_sessions s
        where s.user_id = nu.id and s.lab_id = nu.lab_id
          and s.start_at < nu.me and coalesce(s.end_at, 'infinity'::timestamptz) > nu.ms
        offset 0
      ) s
    )
    select ${grouping(breakdowns)}, count(distinct user_id)::int as new_members
    from (select a.*, m.type from act a join machines m on m.id = a.machine_id) t
    group by grouping sets (${groupingSets(breakdowns)})`,
    params.values,
  );
}

export interface AccountSums {
  gset: number;
  category: string | null;
  gender: string | null;
  new_members: number;
}

/** Every member account created in [start, end), whether or not it has booked yet. */
export async function newAccounts(db: StatsDb, start: Date, end: Date, breakdowns: boolean): Promise<AccountSums[]> {
  const columns = breakdowns
    ? 'grouping(category, gender)::int as gset, category, gender'
    : '3 as gset, null::text as category, null::text as gender';
  return db.query<AccountSums>(
    `select ${columns}, count(*)::int as new_members
     from users
     where role = 'member' and created_at >= $1::timestamptz and created_at < $2::timestamptz
     group by grouping sets (${breakdowns ? '(), (category), (gender)' : '()'})`,
    [start.toISOString(), end.toISOString()],
  );
}

export interface ClassRow {
  id: string;
  lab_id: string;
  participants: number;
  bookings: number;
  /** Machines of its bookings that still stand (not cancelled, rejected or expired). */
  live_machines: string[];
}

/** Class sessions that start in the month, with the machines their bookings reserve. */
export async function classSessionsOfMonth(db: StatsDb, bounds: readonly LabBounds[]): Promise<ClassRow[]> {
  const params = new Params();
  const cte = boundsCte(params, bounds);
  return db.query<ClassRow>(
    `with ${cte},
    cls as materialized (
      select c.id, c.lab_id, c.participants
      from bounds x join class_sessions c on c.lab_id = x.lab_id and c.start_at >= x.ms and c.start_at < x.me
    ),
    cb as (
      select b.class_session_id, b.machine_id, b.status
      from cls join bookings b on b.class_session_id = cls.id
    )
    select cls.id::text as id, cls.lab_id::text as lab_id, cls.participants::int as participants,
      count(cb.class_session_id)::int as bookings,
      coalesce(array_agg(distinct cb.machine_id::text)
        filter (where cb.status not in ('cancelled', 'rejected', 'expired')), '{}') as live_machines
    from cls left join cb on cb.class_session_id = cls.id
    group by cls.id, cls.lab_id, cls.participants`,
    params.values,
  );
}

export interface MaterialSum {
  material: string;
  unit: string;
  quantity: number;
}

/**
 * Materials of the usage sessions that start in the month (a session's materials are not split),
 * one row per catalogue entry under its name of now: "PLA g" and "pla G" are one entry, so one
 * row. Over several labs, entries of one name and unit (as material_key() compares them) are one
 * row too. A row without an entry (blank text from before the catalogue) counts by its text,
 * compared the same way.
 */
export async function materialsOfMonth(db: StatsDb, bounds: readonly LabBounds[]): Promise<MaterialSum[]> {
  const params = new Params();
  const cte = boundsCte(params, bounds);
  // Summed per recorded (entry, text) first: the few hundred distinct rows of a month, not its
  // thousands of uses, then pay for material_key's normalisation. Quantities are numeric, so the
  // two steps add up exactly as one would.
  return db.query<MaterialSum>(
    `with ${cte},
    used as (
      select um.material_id, um.material, um.unit, sum(um.quantity) as quantity
      from usage_materials um
      where um.usage_session_id in (
        select s.id from bounds x cross join lateral (
          select s.id from usage_sessions s where s.lab_id = x.lab_id and s.start_at >= x.ms and s.start_at < x.me
          offset 0
        ) s
      )
      group by um.material_id, um.material, um.unit
    )
    select coalesce(min(m.name), min(btrim(u.material))) as material,
      coalesce(min(m.unit), min(btrim(u.unit))) as unit,
      sum(u.quantity)::float8 as quantity
    from used u
    left join materials m on m.id = u.material_id
    group by material_key(coalesce(m.name, u.material)), material_key(coalesce(m.unit, u.unit))`,
    params.values,
  );
}

export interface MaintenanceRow {
  machine_id: string;
  start_at: Date;
  end_at: Date;
}

export async function maintenanceOfMonth(db: StatsDb, bounds: readonly LabBounds[]): Promise<MaintenanceRow[]> {
  const params = new Params();
  const cte = boundsCte(params, bounds);
  const rows = await db.query<{ machine_id: string; start_at: Date | string; end_at: Date | string }>(
    `with ${cte}
    select mw.machine_id::text as machine_id, mw.start_at, mw.end_at
    from bounds x
    join maintenance_windows mw on mw.lab_id = x.lab_id and mw.start_at < x.me and mw.end_at > x.ms`,
    params.values,
  );
  return rows.map((r) => ({ machine_id: r.machine_id, start_at: new Date(r.start_at), end_at: new Date(r.end_at) }));
}

// The sums behind the monthly statistics, in SQL. Luxon computes the instants (each lab's month
// bounds in its own zone, each machine's open periods); they arrive here as JSON parameters and
// the database sums over them with GROUPING SETS, so that no row of bookings or usage is ever
// loaded into JS.
//
// Reads the tables directly (bookings, usage_sessions, users, class_sessions, ...), not another
// module's code. Each lab's rows of the month are reached through a LATERAL subquery on that lab's
// bounds, fenced with OFFSET 0, so that they always come from the per-lab indexes: the planner,
// unable to see how few rows a month holds, would otherwise scan whole tables.
import { APPROVED_STATUSES, type Period } from '@fablab/shared';
import type { Database } from '../../db/client.js';

export type StatsDb = Pick<Database, 'query'>;

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

function groupingSets(breakdowns: boolean, extra = ''): string {
  const sets = breakdowns ? ['', 'lab_id', 'machine_id', 'type', 'category', 'gender', 'purpose'] : [''];
  return sets.map((s) => `(${[s, extra].filter(Boolean).join(', ')})`).join(', ');
}

/** The grouping columns of the select list; with only the grand total there is nothing to group by. */
function grouping(breakdowns: boolean): string {
  return breakdowns
    ? `grouping(lab_id, machine_id, type, category, gender, purpose)::int as gset,
      lab_id::text as lab_id, machine_id::text as machine_id, type, category, gender, purpose`
    : `63 as gset, null::text as lab_id, null::text as machine_id, null::text as type,
      null::text as category, null::text as gender, null::text as purpose`;
}

/** Positional parameters of one statement, numbered in the order they are added. */
class Params {
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
function boundsCte(params: Params, bounds: readonly LabBounds[]): string {
  const rows = bounds.map(
    (b) =>
      `(${params.add(b.labId)}::uuid, ${params.add(b.start.toISOString())}::timestamptz, ${params.add(b.end.toISOString())}::timestamptz)`,
  );
  return `bounds (lab_id, ms, me) as (values ${rows.join(', ')})`;
}

interface Grouped {
  gset: number;
  lab_id: string | null;
  machine_id: string | null;
  type: string | null;
  category: string | null;
  gender: string | null;
  purpose: string | null;
}

/** A breakdown row of the bookings: additive sums, or (kind 'median') the median time to approval. */
export interface BookingSums extends Grouped {
  kind: 'sums' | 'median';
  bookings: number;
  approved: number;
  rejected: number;
  cancelled: number;
  expired: number;
  no_shows: number;
  reached_start: number;
  booked_secs: number;
  median: number | null;
}

/** The shared set as an SQL list (its members are fixed slugs, never input). */
const APPROVED = `(${APPROVED_STATUSES.map((s) => `'${s}'`).join(', ')})`;

/**
 * Bookings of each lab's month. A booking that starts in the month counts in it (counts, the
 * no-show rate, the median time to approval); one that started earlier and runs into it adds only
 * its booked hours. Booked hours are clipped to the month. The first kind comes through the btree
 * on (lab_id, start_at), the second through the gist index on (lab_id, tstzrange(start_at,
 * end_at)). Additive figures are summed once per (machine, category, gender, purpose), in
 * integers, and only those few thousand rows are rolled up to every breakdown. The median is over
 * bookings on machines that need approval that a manager approved (a manager's own booking for
 * someone, approved at once, is no decision); a median does not add up, so it is computed per
 * breakdown row from the raw minutes.
 */
export async function bookingSums(
  db: StatsDb,
  bounds: readonly LabBounds[],
  now: Date,
  breakdowns: boolean,
): Promise<BookingSums[]> {
  const params = new Params();
  const cte = boundsCte(params, bounds);
  const at = params.add(now.toISOString());
  return db.query<BookingSums>(
    `with ${cte},
    bk as materialized (
      select b.* from bounds x cross join lateral (
        select b.lab_id, b.machine_id, b.user_id, b.purpose, b.status, b.start_at, true as counted,
          date_part('epoch', least(b.end_at, x.me) - b.start_at) as secs,
          case when b.approved_at >= b.created_at and b.decided_by is not null and b.decided_by is distinct from b.created_by
            then date_part('epoch', b.approved_at - b.created_at) / 60 end as approval_minutes
        from bookings b where b.lab_id = x.lab_id and b.start_at >= x.ms and b.start_at < x.me
        union all
        select b.lab_id, b.machine_id, b.user_id, b.purpose, b.status, b.start_at, false,
          date_part('epoch', least(b.end_at, x.me) - x.ms), null
        from bookings b
        where b.lab_id = x.lab_id and tstzrange(b.start_at, b.end_at, '[)') @> x.ms and b.start_at < x.ms
        offset 0
      ) b
    ),
    people as materialized (
      select u.id, u.category, u.gender from users u where u.id in (select user_id from bk)
    ),
    fine as (
      select bk.lab_id, bk.machine_id, p.category, p.gender, bk.purpose,
        (count(*) filter (where counted))::int as bookings,
        (count(*) filter (where counted and status in ${APPROVED}))::int as approved,
        (count(*) filter (where counted and status = 'rejected'))::int as rejected,
        (count(*) filter (where counted and status = 'cancelled'))::int as cancelled,
        (count(*) filter (where counted and status = 'expired'))::int as expired,
        (count(*) filter (where counted and status = 'no_show'))::int as no_shows,
        (count(*) filter (where counted and (status in ('checked_in', 'completed', 'no_show')
          or (status = 'approved' and start_at <= ${at}::timestamptz))))::int as reached_start,
        coalesce(sum(secs) filter (where status in ${APPROVED}), 0)::float8 as booked_secs
      from bk left join people p on p.id = bk.user_id
      group by bk.lab_id, bk.machine_id, p.category, p.gender, bk.purpose
    ),
    decided as (
      select bk.lab_id, bk.machine_id, m.type, p.category, p.gender, bk.purpose, bk.approval_minutes
      from bk
      join machines m on m.id = bk.machine_id and m.requires_approval
      left join people p on p.id = bk.user_id
      where bk.approval_minutes is not null
    )
    select 'sums' as kind, ${grouping(breakdowns)},
      sum(bookings)::int as bookings, sum(approved)::int as approved, sum(rejected)::int as rejected,
      sum(cancelled)::int as cancelled, sum(expired)::int as expired, sum(no_shows)::int as no_shows,
      sum(reached_start)::int as reached_start, sum(booked_secs)::float8 as booked_secs, null::float8 as median
    from (select fine.*, m.type from fine join machines m on m.id = fine.machine_id) f
    group by grouping sets (${groupingSets(breakdowns)})
    union all
    select 'median', ${grouping(breakdowns)}, 0, 0, 0, 0, 0, 0, 0, 0,
      percentile_cont(0.5) within group (order by approval_minutes)::float8
    from decided
    group by grouping sets (${groupingSets(breakdowns)})`,
    params.values,
  );
}

/** A breakdown row of the usage: used seconds (kind 'sums') or distinct makers (kind 'makers'). */
export interface UsageSums extends Grouped {
  kind: 'sums' | 'makers';
  used_secs: number;
  used_open_secs: number;
  makers: number;
}

/** A session of each lab's month, clipped to it; an open session runs up to now. */
function monthSessions(params: Params, now: Date): string {
  const at = params.add(now.toISOString());
  // Sessions that start in the month: the btree on (lab_id, start_at); sessions running into it:
  // the usage_no_overlap gist index of each machine.
  return `select s.id, s.lab_id, s.machine_id, s.category, s.gender, s.purpose, s.user_id, s.guest_name,
        s.start_at >= x.ms as starts,
        greatest(s.start_at, x.ms) as cs, least(coalesce(s.end_at, ${at}::timestamptz), x.me) as ce
      from bounds x cross join lateral (
        select s.id, s.lab_id, s.machine_id, s.category, s.gender, s.purpose, s.user_id, s.guest_name, s.start_at, s.end_at
        from usage_sessions s where s.lab_id = x.lab_id and s.start_at >= x.ms and s.start_at < x.me
        union all
        select s.id, s.lab_id, s.machine_id, s.category, s.gender, s.purpose, s.user_id, s.guest_name, s.start_at, s.end_at
        from machines m join usage_sessions s on s.machine_id = m.id
        where m.lab_id = x.lab_id
          and tstzrange(s.start_at, coalesce(s.end_at, 'infinity'::timestamptz), '[)') @> x.ms and s.start_at < x.ms
        offset 0
      ) s`;
}

/**
 * Usage (walk-ins included) of each lab's month: used seconds, the part of them inside the
 * machine's open hours (utilization's numerator), and distinct makers, per breakdown row.
 *
 * Use in open hours is the overlap with the lab's open periods minus the overlap with the
 * machine's maintenance inside them. The lab's periods arrive cut at UTC midnight and numbered by
 * UTC day, so a session within one such day meets only that day's periods (a hash join); only the
 * few longer sessions meet them all. Epoch seconds keep the parameters small.
 *
 * A maker is an account, or a named visitor (by name, case and spaces ignored). Distinct makers do
 * not add up: they are counted as (breakdown, key, maker) rows, hashed in one pass.
 */
export async function usageSums(
  db: StatsDb,
  bounds: readonly LabBounds[],
  open: OpenTime,
  now: Date,
  breakdowns: boolean,
): Promise<UsageSums[]> {
  const params = new Params();
  const cte = boundsCte(params, bounds);
  const sessions = monthSessions(params, now);
  const secs = (d: Date) => d.getTime() / 1000;
  const labPeriods = params.add(
    JSON.stringify(open.labs.flatMap((l) => l.periods.map((p) => [l.labId, p.day, secs(p.start), secs(p.end)]))),
  );
  const cuts = params.add(
    JSON.stringify(open.cuts.flatMap((c) => c.periods.map((p) => [c.machineId, secs(p.start), secs(p.end)]))),
  );
  return db.query<UsageSums>(
    `with ${cte},
    lp as materialized (
      select (p->>0)::uuid as l, (p->>1)::int as d, to_timestamp((p->>2)::float8) as s, to_timestamp((p->>3)::float8) as e
      from jsonb_array_elements(${labPeriods}::jsonb) as p
    ),
    cut as materialized (
      select (p->>0)::uuid as m, to_timestamp((p->>1)::float8) as s, to_timestamp((p->>2)::float8) as e
      from jsonb_array_elements(${cuts}::jsonb) as p
    ),
    us as materialized (
      select c.lab_id, c.machine_id, m.type, m.status, c.category, c.gender, c.purpose, c.cs, c.ce,
        floor(date_part('epoch', c.cs) / 86400)::int as d0, ceil(date_part('epoch', c.ce) / 86400)::int - 1 as d1,
        coalesce(c.user_id, case when nullif(btrim(c.guest_name), '') is not null
          then md5('guest:' || lower(btrim(c.guest_name)))::uuid end) as maker
      from (${sessions}) c
      join machines m on m.id = c.machine_id
      where c.ce > c.cs
    ),
    fine as (
      select lab_id, machine_id, type, status, category, gender, purpose,
        sum(used) as used_secs, sum(inside) as used_open_secs
      from (
        select lab_id, machine_id, type, status, category, gender, purpose,
          date_part('epoch', ce - cs) as used, 0::float8 as inside
        from us
        union all
        select us.lab_id, us.machine_id, us.type, us.status, us.category, us.gender, us.purpose, 0,
          date_part('epoch', least(us.ce, lp.e) - greatest(us.cs, lp.s))
        from us join lp on lp.l = us.lab_id and lp.d = us.d0 and lp.s < us.ce and lp.e > us.cs
        where us.d0 = us.d1
        union all
        select us.lab_id, us.machine_id, us.type, us.status, us.category, us.gender, us.purpose, 0,
          date_part('epoch', least(us.ce, lp.e) - greatest(us.cs, lp.s))
        from us join lp on lp.l = us.lab_id and lp.s < us.ce and lp.e > us.cs
        where us.d0 <> us.d1
        union all
        select us.lab_id, us.machine_id, us.type, us.status, us.category, us.gender, us.purpose, 0,
          -date_part('epoch', least(us.ce, cut.e) - greatest(us.cs, cut.s))
        from us join cut on cut.m = us.machine_id and cut.s < us.ce and cut.e > us.cs
      ) t
      group by lab_id, machine_id, type, status, category, gender, purpose
    ),
    pairs as (
      select ${grouping(breakdowns)}
      from us
      where maker is not null
      group by grouping sets (${groupingSets(breakdowns, 'maker')})
    )
    -- A retired machine has no open hours, so none of its use counts as use in open hours.
    select 'sums' as kind, ${grouping(breakdowns)},
      sum(used_secs)::float8 as used_secs,
      sum(case when status = 'retired' then 0 else used_open_secs end)::float8 as used_open_secs,
      0 as makers
    from fine
    group by grouping sets (${groupingSets(breakdowns)})
    union all
    select 'makers', gset, lab_id, machine_id, type, category, gender, purpose, 0, 0, count(*)::int
    from pairs
    group by gset, lab_id, machine_id, type, category, gender, purpose`,
    params.values,
  );
}

export interface MeterSums extends Grouped {
  powered_secs: number;
  running_secs: number;
  energy_wh: number;
}

/**
 * What the machines' power switches measured in each lab's month: the quarter-hour rows of the
 * month's sessions (usage_meter) that fall inside the month, so that a session across a month
 * boundary counts in each month for what it measured there. Sessions no switch measured have no
 * such rows and leave their breakdown rows without figures.
 */
export async function meterSums(db: StatsDb, bounds: readonly LabBounds[], now: Date, breakdowns: boolean): Promise<MeterSums[]> {
  const params = new Params();
  const cte = boundsCte(params, bounds);
  const sessions = monthSessions(params, now);
  return db.query<MeterSums>(
    `with ${cte},
    mt as (
      select c.lab_id, c.machine_id, m.type, c.category, c.gender, c.purpose, um.powered_secs, um.running_secs, um.energy_wh
      from (${sessions}) c
      join bounds x on x.lab_id = c.lab_id
      join usage_meter um on um.usage_session_id = c.id and um.quarter_start >= x.ms and um.quarter_start < x.me
      join machines m on m.id = c.machine_id
    )
    select ${grouping(breakdowns)},
      sum(powered_secs)::float8 as powered_secs, sum(running_secs)::float8 as running_secs, sum(energy_wh)::float8 as energy_wh
    from mt
    group by grouping sets (${groupingSets(breakdowns)})
    -- Without any measured row the grand total would still come back, with null sums.
    having count(*) > 0`,
    params.values,
  );
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
 * that lab in the month. Category and gender are the account's.
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
      select nu.lab_id, b.machine_id, b.purpose, nu.id as user_id, nu.category, nu.gender
      from nu cross join lateral (
        select b.machine_id, b.purpose from bookings b
        where b.user_id = nu.id and b.lab_id = nu.lab_id and b.start_at >= nu.ms and b.start_at < nu.me
        offset 0 -- keeps this a per-member index lookup instead of a hash join over the whole table
      ) b
      union all
      select nu.lab_id, s.machine_id, s.purpose, nu.id, nu.category, nu.gender
      from nu cross join lateral (
        select s.machine_id, s.purpose from usage_sessions s
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
  return db.query<MaterialSum>(
    `with ${cte}
    select coalesce(min(m.name), min(btrim(um.material))) as material,
      coalesce(min(m.unit), min(btrim(um.unit))) as unit,
      sum(um.quantity)::float8 as quantity
    from usage_materials um
    left join materials m on m.id = um.material_id
    where um.usage_session_id in (
      select s.id from bounds x cross join lateral (
        select s.id from usage_sessions s where s.lab_id = x.lab_id and s.start_at >= x.ms and s.start_at < x.me
        offset 0
      ) s
    )
    group by material_key(coalesce(m.name, um.material)), material_key(coalesce(m.unit, um.unit))`,
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

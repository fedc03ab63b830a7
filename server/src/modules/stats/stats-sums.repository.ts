// The sums of each lab's month over its bookings, its usage sessions and what the power switches
// measured of them: the largest of the statistics' statements (stats.repository.ts explains how
// they reach each lab's rows, and holds the helpers they share).
import { APPROVED_STATUSES, GROUP_CATEGORY } from '@fablab/shared';
import {
  boundsCte,
  grouping,
  groupingSets,
  Params,
  type Grouped,
  type LabBounds,
  type OpenTime,
  type StatsDb,
} from './stats.repository.js';

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
        select b.lab_id, b.machine_id, b.category, b.gender, b.purpose, b.status, b.start_at, true as counted,
          date_part('epoch', least(b.end_at, x.me) - b.start_at) as secs,
          case when b.approved_at >= b.created_at and b.decided_by is not null and b.decided_by is distinct from b.created_by
            then date_part('epoch', b.approved_at - b.created_at) / 60 end as approval_minutes
        from bookings b where b.lab_id = x.lab_id and b.start_at >= x.ms and b.start_at < x.me
        union all
        select b.lab_id, b.machine_id, b.category, b.gender, b.purpose, b.status, b.start_at, false,
          date_part('epoch', least(b.end_at, x.me) - x.ms), null
        from bookings b
        where b.lab_id = x.lab_id and tstzrange(b.start_at, b.end_at, '[)') @> x.ms and b.start_at < x.ms
        offset 0
      ) b
    ),
    fine as (
      select bk.lab_id, bk.machine_id, bk.category, bk.gender, bk.purpose,
        (count(*) filter (where counted))::int as bookings,
        (count(*) filter (where counted and status in ${APPROVED}))::int as approved,
        (count(*) filter (where counted and status = 'rejected'))::int as rejected,
        (count(*) filter (where counted and status = 'cancelled'))::int as cancelled,
        (count(*) filter (where counted and status = 'expired'))::int as expired,
        (count(*) filter (where counted and status = 'no_show'))::int as no_shows,
        (count(*) filter (where counted and (status in ('checked_in', 'completed', 'no_show')
          or (status = 'approved' and start_at <= ${at}::timestamptz))))::int as reached_start,
        coalesce(sum(secs) filter (where status in ${APPROVED}), 0)::float8 as booked_secs
      from bk
      group by bk.lab_id, bk.machine_id, bk.category, bk.gender, bk.purpose
    ),
    decided as (
      select bk.lab_id, bk.machine_id, m.type, bk.category, bk.gender, bk.purpose, bk.approval_minutes
      from bk
      join machines m on m.id = bk.machine_id and m.requires_approval
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
  // the gist index on (lab_id, their time), one probe per lab.
  return `select s.id, s.lab_id, s.machine_id, s.category, s.gender, s.purpose, s.user_id, s.guest_name,
        s.start_at >= x.ms as starts,
        greatest(s.start_at, x.ms) as cs, least(coalesce(s.end_at, ${at}::timestamptz), x.me) as ce
      from bounds x cross join lateral (
        select s.id, s.lab_id, s.machine_id, s.category, s.gender, s.purpose, s.user_id, s.guest_name, s.start_at, s.end_at
        from usage_sessions s where s.lab_id = x.lab_id and s.start_at >= x.ms and s.start_at < x.me
        union all
        select s.id, s.lab_id, s.machine_id, s.category, s.gender, s.purpose, s.user_id, s.guest_name, s.start_at, s.end_at
        from usage_sessions s
        where s.lab_id = x.lab_id
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
        -- A class's use is counted as its participants, apart from makers.
        case when c.category is distinct from ${params.add(GROUP_CATEGORY)} then coalesce(c.user_id,
          case when nullif(btrim(c.guest_name), '') is not null
          then md5('guest:' || lower(btrim(c.guest_name)))::uuid end) end as maker
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
export async function meterSums(
  db: StatsDb,
  bounds: readonly LabBounds[],
  now: Date,
  breakdowns: boolean,
): Promise<MeterSums[]> {
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

// Monthly statistics (DOMAIN.md "Monthly statistics"; definitions in the README). Each lab's month
// is [local midnight of the 1st, local midnight of the next 1st) in the lab's own zone; luxon
// computes those instants and each machine's open periods, SQL sums over them, and this file
// folds the grouped sums into rows and rounds at the very end.
import {
  GENDERS,
  REPORTED_CATEGORIES,
  PURPOSES,
  TREND_MAX_MONTHS,
  commonZone,
  monthBounds,
  type MonthlyStats,
  type Period,
  type StatsFigures,
  type StatsTrend,
} from '@fablab/shared';
import { asc, eq, inArray } from 'drizzle-orm';
import { DateTime } from 'luxon';
import { createHash } from 'node:crypto';
import type { Database } from '../../db/client.js';
import { closures, labs, machines } from '../../db/schema/index.js';
import type { Clock } from '../../lib/clock.js';
import { badRequest, forbidden, notFound } from '../../lib/errors.js';
import { can, type Actor } from '../../plugins/policy.js';
import { labOpenPeriods, splitByUtcDay, subtractPeriods, totalSeconds } from './open-hours.js';
import {
  activeNewMembers,
  bookingSums,
  classSessionsOfMonth,
  groupSetOf,
  maintenanceOfMonth,
  materialsOfMonth,
  meterSums,
  newAccounts,
  switchedMachines,
  usageSums,
  type GroupSet,
  type LabBounds,
  type OpenTime,
  type StatsDb,
} from './stats.repository.js';

export type LabRow = typeof labs.$inferSelect;
export type MachineRow = typeof machines.$inferSelect;

/** Which labs an answer covers. */
export interface StatsScope {
  labs: LabRow[];
  /** The lab asked for, or null for "every lab the caller may see". */
  labId: string | null;
  /** Department or admin without a labId: totals count every new account, not only active ones. */
  allLabs: boolean;
}

interface Acc {
  bookings: number;
  approved: number;
  rejected: number;
  cancelled: number;
  expired: number;
  noShows: number;
  reachedStart: number;
  bookedSecs: number;
  usedSecs: number;
  usedOpenSecs: number | null;
  openSecs: number | null;
  makers: number;
  newMembers: number;
  classSessions: number | null;
  participants: number | null;
  medianApproval: number | null;
  /** Measured by power switches; null where none measured anything for the row. */
  poweredSecs: number | null;
  runningSecs: number | null;
  energyWh: number | null;
}

/** Breakdowns where open hours and class sessions mean nothing: a category has no opening hours. */
const PEOPLE_SETS: ReadonlySet<GroupSet> = new Set(['category', 'gender', 'purpose']);

function emptyAcc(set: GroupSet): Acc {
  const machineBound = !PEOPLE_SETS.has(set);
  return {
    bookings: 0,
    approved: 0,
    rejected: 0,
    cancelled: 0,
    expired: 0,
    noShows: 0,
    reachedStart: 0,
    bookedSecs: 0,
    usedSecs: 0,
    usedOpenSecs: machineBound ? 0 : null,
    openSecs: machineBound ? 0 : null,
    makers: 0,
    newMembers: 0,
    classSessions: machineBound ? 0 : null,
    participants: machineBound ? 0 : null,
    medianApproval: null,
    poweredSecs: null,
    runningSecs: null,
    energyWh: null,
  };
}

const hours = (secs: number) => Math.round(secs / 36) / 100;
const fraction = (x: number) => Math.round(x * 10_000) / 10_000;

function finish(a: Acc): StatsFigures {
  return {
    bookings: a.bookings,
    approved: a.approved,
    rejected: a.rejected,
    cancelled: a.cancelled,
    expired: a.expired,
    noShows: a.noShows,
    noShowRate: a.reachedStart > 0 ? fraction(a.noShows / a.reachedStart) : null,
    bookedHours: hours(a.bookedSecs),
    usedHours: hours(a.usedSecs),
    usedOpenHours: a.usedOpenSecs === null ? null : hours(a.usedOpenSecs),
    openHours: a.openSecs === null ? null : hours(a.openSecs),
    utilization: a.openSecs && a.usedOpenSecs !== null ? fraction(a.usedOpenSecs / a.openSecs) : null,
    uniqueMakers: a.makers,
    newMembers: a.newMembers,
    classSessions: a.classSessions,
    participants: a.participants,
    medianApprovalMinutes: a.medianApproval === null ? null : Math.round(a.medianApproval * 100) / 100,
    poweredHours: a.poweredSecs === null ? null : hours(a.poweredSecs),
    runningHours: a.runningSecs === null ? null : hours(a.runningSecs),
    energyKwh: a.energyWh === null ? null : Math.round(a.energyWh) / 1000,
  };
}

/** Rows by breakdown and key; a null key is a real key (e.g. walk-ins' purpose). */
class Rows {
  private readonly sets = new Map<GroupSet, Map<string | null, Acc>>();

  private setOf(set: GroupSet): Map<string | null, Acc> {
    let m = this.sets.get(set);
    if (!m) {
      m = new Map();
      this.sets.set(set, m);
    }
    return m;
  }

  get(set: GroupSet, key: string | null): Acc {
    const m = this.setOf(set);
    let acc = m.get(key);
    if (!acc) {
      acc = emptyAcc(set);
      m.set(key, acc);
    }
    return acc;
  }

  has(set: GroupSet, key: string | null): boolean {
    return this.setOf(set).has(key);
  }

  of(set: GroupSet): Array<{ key: string | null; acc: Acc }> {
    return [...this.setOf(set)].map(([key, acc]) => ({ key, acc }));
  }
}

function keyOf(
  set: GroupSet,
  row: {
    lab_id: string | null;
    machine_id: string | null;
    type: string | null;
    category: string | null;
    gender: string | null;
    purpose: string | null;
  },
): string | null {
  switch (set) {
    case 'total':
      return null;
    case 'lab':
      return row.lab_id;
    case 'machine':
      return row.machine_id;
    case 'type':
      return row.type;
    case 'category':
      return row.category;
    case 'gender':
      return row.gender;
    case 'purpose':
      return row.purpose;
  }
}

/** Known slugs first in their canonical order, then anything else the data holds, null last. */
function orderKeys(found: Array<string | null>, known: readonly string[]): Array<string | null> {
  const extra = found.filter((k): k is string => k !== null && !known.includes(k)).sort();
  return [...known, ...extra, ...(found.includes(null) ? [null] : [])];
}

/** The months from..to inclusive, as YYYY-MM. */
export function monthsBetween(from: string, to: string): string[] {
  const start = DateTime.fromFormat(from, 'yyyy-MM', { zone: 'utc' });
  const end = DateTime.fromFormat(to, 'yyyy-MM', { zone: 'utc' });
  const months: string[] = [];
  for (let m = start; m <= end; m = m.plus({ months: 1 })) months.push(m.toFormat('yyyy-MM'));
  return months;
}

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

export function createStatsService(deps: { database: Pick<Database, 'db' | 'query' | 'pool'>; clock: Clock }) {
  const { clock } = deps;
  const { db } = deps.database;
  const database = statsQueries(deps.database);

  async function resolveScope(actor: Actor, labId?: string): Promise<StatsScope> {
    if (!can(actor, 'stats.read')) throw forbidden('Statistics are for lab managers, the department and administrators');
    if (labId) {
      const [lab] = await db.select().from(labs).where(eq(labs.id, labId));
      if (!lab) throw notFound('Lab');
      if (!can(actor, 'stats.read', { labId })) throw forbidden('Managers see the statistics of their own labs only');
      return { labs: [lab], labId, allLabs: false };
    }
    if (actor.role === 'department' || actor.role === 'admin') {
      return { labs: await db.select().from(labs).orderBy(asc(labs.name)), labId: null, allLabs: true };
    }
    if (actor.role === 'manager' && actor.managedLabIds.length > 0) {
      const managed = await db.select().from(labs).where(inArray(labs.id, actor.managedLabIds)).orderBy(asc(labs.name));
      return { labs: managed, labId: null, allLabs: false };
    }
    throw forbidden('Statistics are for lab managers, the department and administrators');
  }

  /** The whole monthly answer; with breakdowns false only `totals` is filled (the trend). */
  async function monthly(
    scope: StatsScope,
    month: string,
    options: { breakdowns?: boolean } = {},
  ): Promise<MonthlyStats> {
    const breakdowns = options.breakdowns ?? true;
    const now = clock.now();
    const empty: MonthlyStats = {
      month,
      labId: scope.labId,
      totals: finish(emptyAcc('total')),
      byLab: [],
      byMachine: [],
      byMachineType: [],
      byCategory: [],
      byGender: [],
      byPurpose: [],
      materials: [],
    };
    if (scope.labs.length === 0) return empty;

    const labIds = scope.labs.map((l) => l.id);
    const boundsByLab = new Map<string, Period>(scope.labs.map((l) => [l.id, monthBounds(month, l.timezone)]));
    const bounds: LabBounds[] = scope.labs.map((l) => ({ labId: l.id, ...boundsByLab.get(l.id)! }));

    const [machineRows, closureRows, maintenance] = await Promise.all([
      db.select().from(machines).where(inArray(machines.labId, labIds)).orderBy(asc(machines.type), asc(machines.name)),
      db.select().from(closures).where(inArray(closures.labId, labIds)),
      maintenanceOfMonth(database, bounds),
    ]);

    // Open periods: the lab's (opening hours minus closures) minus the machine's maintenance.
    // A retired machine is out of the fleet: it has no open hours (the table keeps no date of
    // retirement to tell from when), and its usage stays out of utilization's numerator.
    const openSecsByMachine = new Map<string, number>();
    const labPeriods = new Map<string, readonly Period[]>();
    for (const lab of scope.labs) {
      const labClosures = closureRows
        .filter((c) => c.labId === lab.id)
        .map((c) => ({ from: c.fromDate, to: c.toDate }));
      labPeriods.set(
        lab.id,
        labOpenPeriods(
          { openingHours: lab.openingHours, closures: labClosures, timezone: lab.timezone },
          boundsByLab.get(lab.id)!,
        ),
      );
    }
    const cuts: Array<OpenTime['cuts'][number]> = [];
    for (const machine of machineRows) {
      if (machine.status === 'retired') {
        openSecsByMachine.set(machine.id, 0);
        continue;
      }
      const windows = maintenance
        .filter((w) => w.machine_id === machine.id)
        .map((w) => ({ start: w.start_at, end: w.end_at }));
      const labOpen = labPeriods.get(machine.labId) ?? [];
      const periods = subtractPeriods(labOpen, windows);
      openSecsByMachine.set(machine.id, totalSeconds(periods));
      // What maintenance takes out of the lab's open periods, for utilization's numerator.
      if (windows.length) cuts.push({ machineId: machine.id, periods: subtractPeriods(labOpen, periods) });
    }
    const open: OpenTime = {
      labs: scope.labs.map((l) => ({ labId: l.id, periods: splitByUtcDay(labPeriods.get(l.id)!) })),
      cuts,
    };

    // Every member account created in the month counts in the all-labs totals; in the month of
    // the labs' common zone (Asia/Ho_Chi_Minh when they differ), since an account has no lab.
    const accountZone = commonZone(scope.labs.map((l) => l.timezone));
    const accountBounds = monthBounds(month, accountZone);

    const [bookingRows, usageRows, activeRows, accountRows, classRows, materialRows, meterRows, switched] = await Promise.all([
      bookingSums(database, bounds, now, breakdowns),
      usageSums(database, bounds, open, now, breakdowns),
      activeNewMembers(database, bounds, breakdowns),
      scope.allLabs ? newAccounts(database, accountBounds.start, accountBounds.end, breakdowns) : Promise.resolve([]),
      classSessionsOfMonth(database, bounds),
      breakdowns ? materialsOfMonth(database, bounds) : Promise.resolve([]),
      meterSums(database, bounds, now, breakdowns),
      switchedMachines(database, labIds),
    ]);

    const rows = new Rows();
    const machineById = new Map(machineRows.map((m) => [m.id, m]));
    rows.get('total', null);
    if (breakdowns) {
      for (const lab of scope.labs) rows.get('lab', lab.id);
      for (const m of machineRows) {
        if (m.status === 'retired') continue;
        rows.get('machine', m.id);
        rows.get('type', m.type);
      }
      for (const c of REPORTED_CATEGORIES) rows.get('category', c);
      for (const g of GENDERS) rows.get('gender', g);
      for (const p of PURPOSES) rows.get('purpose', p);
    }
    for (const r of bookingRows) {
      const set = groupSetOf(r.gset);
      const a = rows.get(set, keyOf(set, r));
      if (r.kind === 'median') {
        a.medianApproval = r.median;
        continue;
      }
      a.bookings += r.bookings;
      a.approved += r.approved;
      a.rejected += r.rejected;
      a.cancelled += r.cancelled;
      a.expired += r.expired;
      a.noShows += r.no_shows;
      a.reachedStart += r.reached_start;
      a.bookedSecs += r.booked_secs;
    }
    for (const r of usageRows) {
      const set = groupSetOf(r.gset);
      const a = rows.get(set, keyOf(set, r));
      if (r.kind === 'makers') {
        a.makers = r.makers;
        continue;
      }
      a.usedSecs += r.used_secs;
      if (a.usedOpenSecs !== null) a.usedOpenSecs += r.used_open_secs;
    }
    // A row with a switched machine in it is measured, if only to say it drew nothing.
    const measured = (a: Acc) => {
      a.poweredSecs ??= 0;
      a.runningSecs ??= 0;
      a.energyWh ??= 0;
    };
    for (const machineId of switched) {
      const machine = machineById.get(machineId);
      if (!machine) continue;
      measured(rows.get('total', null));
      if (!breakdowns) continue;
      measured(rows.get('lab', machine.labId));
      if (machine.status !== 'retired' || rows.has('machine', machineId)) measured(rows.get('machine', machineId));
      if (machine.status !== 'retired' || rows.has('type', machine.type)) measured(rows.get('type', machine.type));
    }
    for (const r of meterRows) {
      const set = groupSetOf(r.gset);
      const a = rows.get(set, keyOf(set, r));
      a.poweredSecs = (a.poweredSecs ?? 0) + r.powered_secs;
      a.runningSecs = (a.runningSecs ?? 0) + r.running_secs;
      a.energyWh = (a.energyWh ?? 0) + r.energy_wh;
    }
    for (const r of activeRows) {
      const set = groupSetOf(r.gset);
      // All-labs totals, categories and genders count every new account instead (below).
      if (scope.allLabs && (set === 'total' || set === 'category' || set === 'gender')) continue;
      rows.get(set, keyOf(set, r)).newMembers = r.new_members;
    }
    for (const r of accountRows) {
      const set: GroupSet = r.gset === 3 ? 'total' : r.gset === 1 ? 'category' : 'gender';
      rows.get(set, set === 'category' ? r.category : set === 'gender' ? r.gender : null).newMembers = r.new_members;
    }

    // Open hours: per machine, summed to its type, its lab and the totals.
    const total = rows.get('total', null);
    for (const [machineId, secs] of openSecsByMachine) {
      const machine = machineById.get(machineId)!;
      total.openSecs! += secs;
      if (!breakdowns) continue;
      rows.get('lab', machine.labId).openSecs! += secs;
      if (machine.status !== 'retired' || rows.has('machine', machineId))
        rows.get('machine', machineId).openSecs! += secs;
      if (machine.status !== 'retired' || rows.has('type', machine.type))
        rows.get('type', machine.type).openSecs! += secs;
    }

    // A class session is held unless every one of its bookings was cancelled, rejected or expired.
    for (const c of classRows) {
      if (c.bookings > 0 && c.live_machines.length === 0) continue;
      total.classSessions! += 1;
      total.participants! += c.participants;
      if (!breakdowns) continue;
      const lab = rows.get('lab', c.lab_id);
      lab.classSessions! += 1;
      lab.participants! += c.participants;
      const types = new Set<string>();
      for (const machineId of c.live_machines) {
        const m = rows.get('machine', machineId);
        m.classSessions! += 1;
        m.participants! += c.participants;
        const machine = machineById.get(machineId);
        if (machine) types.add(machine.type);
      }
      for (const type of types) {
        const t = rows.get('type', type);
        t.classSessions! += 1;
        t.participants! += c.participants;
      }
    }

    const result: MonthlyStats = { ...empty, totals: finish(total) };
    if (!breakdowns) return result;

    const labById = new Map(scope.labs.map((l) => [l.id, l]));
    result.byLab = scope.labs.map((lab) => ({
      labId: lab.id,
      slug: lab.slug,
      name: lab.name,
      nameVi: lab.nameVi,
      timezone: lab.timezone,
      ...finish(rows.get('lab', lab.id)),
    }));
    result.byMachine = rows
      .of('machine')
      .map(({ key, acc }) => ({ machine: machineById.get(key ?? ''), acc }))
      .filter((e): e is { machine: MachineRow; acc: Acc } => e.machine !== undefined)
      .sort(
        (a, b) =>
          (labById.get(a.machine.labId)?.name ?? '').localeCompare(labById.get(b.machine.labId)?.name ?? '') ||
          a.machine.type.localeCompare(b.machine.type) ||
          a.machine.name.localeCompare(b.machine.name),
      )
      .map(({ machine, acc }) => ({
        machineId: machine.id,
        name: machine.name,
        type: machine.type,
        labId: machine.labId,
        status: machine.status,
        ...finish(acc),
      }));
    result.byMachineType = rows
      .of('type')
      .filter((e) => e.key !== null)
      .sort((a, b) => (a.key ?? '').localeCompare(b.key ?? ''))
      .map(({ key, acc }) => ({ type: key!, ...finish(acc) }));
    const keyed = (set: GroupSet, known: readonly string[]) =>
      orderKeys(
        rows.of(set).map((e) => e.key),
        known,
      ).map((key) => ({ key, figures: finish(rows.get(set, key)) }));
    result.byCategory = keyed('category', REPORTED_CATEGORIES).map(({ key, figures }) => ({ category: key, ...figures }));
    result.byGender = keyed('gender', GENDERS).map(({ key, figures }) => ({ gender: key, ...figures }));
    result.byPurpose = keyed('purpose', PURPOSES).map(({ key, figures }) => ({ purpose: key, ...figures }));
    result.materials = materialRows
      .map((m) => ({ material: m.material, unit: m.unit, quantity: Math.round(m.quantity * 1000) / 1000 }))
      .sort((a, b) => a.material.localeCompare(b.material, 'vi') || a.unit.localeCompare(b.unit, 'vi'));
    return result;
  }

  async function trend(scope: StatsScope, from: string, to: string): Promise<StatsTrend> {
    if (from > to) throw badRequest('VALIDATION_ERROR', '`from` is after `to`');
    const months = monthsBetween(from, to);
    if (months.length > TREND_MAX_MONTHS) {
      throw badRequest('VALIDATION_ERROR', `A trend covers at most ${TREND_MAX_MONTHS} months`);
    }
    const items: StatsTrend['items'] = [];
    // Two months at a time: each month's queries already run side by side.
    for (let i = 0; i < months.length; i += 2) {
      const pair = await Promise.all(months.slice(i, i + 2).map((m) => monthly(scope, m, { breakdowns: false })));
      for (const stats of pair) items.push({ month: stats.month, ...stats.totals });
    }
    return { labId: scope.labId, items };
  }

  return { resolveScope, monthly, trend };
}

export type StatsService = ReturnType<typeof createStatsService>;

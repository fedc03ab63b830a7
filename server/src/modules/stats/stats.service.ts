// Monthly statistics (DOMAIN.md "Monthly statistics"; definitions in the README). Each lab's month
// is [local midnight of the 1st, local midnight of the next 1st) in the lab's own zone; luxon
// computes those instants and each machine's open periods, SQL sums over them (the repositories),
// and stats-figures.ts folds the grouped sums into rows and rounds at the very end.
import {
  STATS_FIGURE_KEYS,
  TREND_MAX_MONTHS,
  commonZone,
  monthBounds,
  type MonthlyStats,
  type Period,
  type StatsFigures,
  type StatsTrend,
} from '@fablab/shared';
import { DateTime } from 'luxon';
import type { Database } from '../../db/client.js';
import type { Clock } from '../../lib/clock.js';
import { badRequest, forbidden, notFound } from '../../lib/errors.js';
import { can, type Actor } from '../../plugins/policy.js';
import { labOpenPeriods, splitByUtcDay, subtractPeriods, totalSeconds } from './open-hours.js';
import { emptyAcc, finish, foldMonth, monthlyAnswer } from './stats-figures.js';
import { STORE_AFTER_MS, createMonthStore, type MonthToStore } from './stats-month-store.repository.js';
import { bookingSums, meterSums, usageSums } from './stats-sums.repository.js';
import {
  activeNewMembers,
  classSessionsOfMonth,
  createStatsRepository,
  maintenanceOfMonth,
  materialsOfMonth,
  newAccounts,
  statsQueries,
  switchedMachines,
  type LabBounds,
  type LabRow,
  type OpenTime,
} from './stats.repository.js';

export type { LabRow, MachineRow } from './stats.repository.js';
export { statsQueries } from './stats.repository.js';

/** Which labs an answer covers. */
export interface StatsScope {
  labs: LabRow[];
  /** The lab asked for, or null for "every lab the caller may see". */
  labId: string | null;
  /** Department or admin without a labId: totals count every new account, not only active ones. */
  allLabs: boolean;
}

/** Which stored totals a scope's trend reads: the same labs with and without every new account differ. */
function scopeKey(scope: StatsScope): string {
  return scope.allLabs ? 'all' : `labs:${scope.labs.map((l) => l.id).sort().join(',')}`;
}

/** The month over every zone its figures are counted in: each lab's, and the accounts' common zone. */
function monthSpan(scope: StatsScope, month: string): Period {
  const zones = scope.labs.map((l) => l.timezone);
  const bounds = [...zones, commonZone(zones)].map((zone) => monthBounds(month, zone));
  return {
    start: new Date(Math.min(...bounds.map((b) => b.start.getTime()))),
    end: new Date(Math.max(...bounds.map((b) => b.end.getTime()))),
  };
}

/** The figures in their contract's order (stored JSON comes back with its keys reordered). */
function inOrder(totals: StatsFigures): StatsFigures {
  return Object.fromEntries(STATS_FIGURE_KEYS.map((k) => [k, totals[k]])) as unknown as StatsFigures;
}

/** The months from..to inclusive, as YYYY-MM. */
export function monthsBetween(from: string, to: string): string[] {
  const start = DateTime.fromFormat(from, 'yyyy-MM', { zone: 'utc' });
  const end = DateTime.fromFormat(to, 'yyyy-MM', { zone: 'utc' });
  const months: string[] = [];
  for (let m = start; m <= end; m = m.plus({ months: 1 })) months.push(m.toFormat('yyyy-MM'));
  return months;
}

export function createStatsService(deps: { database: Pick<Database, 'db' | 'query' | 'pool'>; clock: Clock }) {
  const { clock } = deps;
  const repo = createStatsRepository(deps.database.db);
  const database = statsQueries(deps.database);
  const store = createMonthStore(deps.database);

  async function resolveScope(actor: Actor, labId?: string): Promise<StatsScope> {
    if (!can(actor, 'stats.read')) throw forbidden('Statistics are for lab managers, the department and administrators');
    if (labId) {
      const lab = await repo.findLab(labId);
      if (!lab) throw notFound('Lab');
      if (!can(actor, 'stats.read', { labId })) throw forbidden('Managers see the statistics of their own labs only');
      return { labs: [lab], labId, allLabs: false };
    }
    if (actor.role === 'department' || actor.role === 'admin') {
      return { labs: await repo.allLabs(), labId: null, allLabs: true };
    }
    if (actor.role === 'manager' && actor.managedLabIds.length > 0) {
      const managed = await repo.labsIn(actor.managedLabIds);
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
      repo.machinesOfLabs(labIds),
      repo.closuresOfLabs(labIds),
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

    const context = { labs: scope.labs, machineRows, openSecsByMachine, allLabs: scope.allLabs, breakdowns };
    const rows = foldMonth(context, { bookingRows, usageRows, activeRows, accountRows, classRows, meterRows, switched });
    return monthlyAnswer(empty, rows, { ...context, materialRows });
  }

  async function trend(scope: StatsScope, from: string, to: string): Promise<StatsTrend> {
    if (from > to) throw badRequest('VALIDATION_ERROR', '`from` is after `to`');
    const months = monthsBetween(from, to);
    if (months.length > TREND_MAX_MONTHS) {
      throw badRequest('VALIDATION_ERROR', `A trend covers at most ${TREND_MAX_MONTHS} months`);
    }
    const key = scopeKey(scope);
    // Stored months first; the snapshot is taken before any missing month is computed.
    const { stored, snapshot, databaseNow } = await store.read(key, months);
    // A month is stored, and read back, once it ended long enough ago that nothing in it still
    // changes with the clock (open sessions and approved bookings count up to now) and every
    // write to it is noted.
    const settled = Math.min(clock.now().getTime(), databaseNow.getTime()) - STORE_AFTER_MS;
    const isSettled = (month: string) => monthSpan(scope, month).end.getTime() <= settled;
    const totals = new Map(stored.filter((s) => isSettled(s.month)).map((s) => [s.month, inOrder(s.totals)]));
    const missing = months.filter((m) => !totals.has(m));
    const toStore: MonthToStore[] = [];
    // Two months at a time: each month's queries already run side by side.
    for (let i = 0; i < missing.length; i += 2) {
      const pair = await Promise.all(missing.slice(i, i + 2).map((m) => monthly(scope, m, { breakdowns: false })));
      for (const stats of pair) {
        totals.set(stats.month, stats.totals);
        if (scope.labs.length > 0 && isSettled(stats.month)) {
          toStore.push({ month: stats.month, totals: stats.totals, ...monthSpan(scope, stats.month) });
        }
      }
    }
    // Storing only spares the next trend the work: an answer is not refused for want of it.
    await store.store(key, scope.labs.map((l) => l.id), snapshot, toStore).catch(() => undefined);
    return { labId: scope.labId, items: months.map((month) => ({ month, ...totals.get(month)! })) };
  }

  /** The background job's part: notes and stored rows nothing can need any more. */
  function pruneStored() {
    return store.prune();
  }

  return { resolveScope, monthly, trend, pruneStored };
}

export type StatsService = ReturnType<typeof createStatsService>;

// Folding a month's grouped sums into one accumulator per breakdown row, and finishing those into
// the API's figures: rounding happens here, at the very end.
import { GENDERS, PURPOSES, REPORTED_CATEGORIES, type MonthlyStats, type StatsFigures } from '@fablab/shared';
import type { BookingSums, MeterSums, UsageSums } from './stats-sums.repository.js';
import {
  groupSetOf,
  type AccountSums,
  type ClassRow,
  type GroupSet,
  type LabRow,
  type MachineRow,
  type MaterialSum,
  type NewMemberSums,
} from './stats.repository.js';

export interface Acc {
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

export function emptyAcc(set: GroupSet): Acc {
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

export function finish(a: Acc): StatsFigures {
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
export class Rows {
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

/** A month's grouped sums, as the repositories answer them. */
export interface MonthSums {
  bookingRows: BookingSums[];
  usageRows: UsageSums[];
  activeRows: NewMemberSums[];
  accountRows: AccountSums[];
  classRows: ClassRow[];
  meterRows: MeterSums[];
  /** Machines with a power switch. */
  switched: string[];
}

/** What a month's figures are for: its labs and their machines, with each machine's open seconds. */
export interface MonthContext {
  labs: LabRow[];
  machineRows: MachineRow[];
  openSecsByMachine: ReadonlyMap<string, number>;
  /** Department or admin without a labId: totals count every new account, not only active ones. */
  allLabs: boolean;
  breakdowns: boolean;
}

/** Every row of the answer with the month's sums folded in; the rows an answer always shows, even empty. */
export function foldMonth(ctx: MonthContext, sums: MonthSums): Rows {
  const { machineRows, openSecsByMachine, breakdowns } = ctx;
  const { bookingRows, usageRows, activeRows, accountRows, classRows, meterRows, switched } = sums;
  const rows = new Rows();
  const machineById = new Map(machineRows.map((m) => [m.id, m]));
  rows.get('total', null);
  if (breakdowns) {
    for (const lab of ctx.labs) rows.get('lab', lab.id);
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
    if (ctx.allLabs && (set === 'total' || set === 'category' || set === 'gender')) continue;
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
  return rows;
}

/** The month's answer from its rows: the totals, and with breakdowns every breakdown finished and in order. */
export function monthlyAnswer(
  empty: MonthlyStats,
  rows: Rows,
  ctx: Pick<MonthContext, 'labs' | 'machineRows' | 'breakdowns'> & { materialRows: MaterialSum[] },
): MonthlyStats {
  const { machineRows, materialRows, breakdowns } = ctx;
  const machineById = new Map(machineRows.map((m) => [m.id, m]));
  const total = rows.get('total', null);
  const result: MonthlyStats = { ...empty, totals: finish(total) };
  if (!breakdowns) return result;

  const labById = new Map(ctx.labs.map((l) => [l.id, l]));
  result.byLab = ctx.labs.map((lab) => ({
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

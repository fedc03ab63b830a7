// Open hours of a machine in a month: the lab's open periods (opening hours minus closures, in the
// lab's zone, from luxon) minus the machine's maintenance windows. The periods are also handed to
// SQL, so that the database sums the used hours that fall inside them.
import { mergePeriods, openPeriodsBetween, type OpeningHours, type Period } from '@fablab/shared';

const DAY_MS = 86_400_000;

/** The parts of `periods` that no cut covers; both lists are half-open [start, end). */
export function subtractPeriods(periods: readonly Period[], cuts: readonly Period[]): Period[] {
  const merged = mergePeriods(cuts);
  const result: Period[] = [];
  for (const p of periods) {
    let cursor = p.start.getTime();
    const end = p.end.getTime();
    for (const c of merged) {
      const cs = c.start.getTime();
      const ce = c.end.getTime();
      if (ce <= cursor || cs >= end) continue;
      if (cs > cursor) result.push({ start: new Date(cursor), end: new Date(cs) });
      cursor = Math.max(cursor, ce);
      if (cursor >= end) break;
    }
    if (cursor < end) result.push({ start: new Date(cursor), end: new Date(end) });
  }
  return result;
}

export function totalSeconds(periods: readonly Period[]): number {
  return periods.reduce((sum, p) => sum + (p.end.getTime() - p.start.getTime()) / 1000, 0);
}

export interface LabOpenInput {
  openingHours: OpeningHours;
  closures: ReadonlyArray<{ from: string; to: string }>;
  timezone: string;
}

/**
 * The lab's open periods within the bounds (a month). Luxon takes tens of milliseconds for a
 * month of days, so results are remembered, keyed by everything they depend on (zone, bounds,
 * opening hours and the closures that touch the bounds): a changed input is a new key, never a
 * stale answer.
 */
export function labOpenPeriods(lab: LabOpenInput, bounds: Period): readonly Period[] {
  // Two days either side cover every zone's local dates (openPeriodsBetween also reads the day before).
  const from = new Date(bounds.start.getTime() - 2 * DAY_MS).toISOString().slice(0, 10);
  const to = new Date(bounds.end.getTime() + 2 * DAY_MS).toISOString().slice(0, 10);
  const closures = lab.closures
    .filter((c) => c.from <= to && c.to >= from)
    .map((c) => `${c.from}/${c.to}`)
    .sort();
  const key = JSON.stringify([lab.timezone, bounds.start.getTime(), bounds.end.getTime(), lab.openingHours, closures]);
  let periods = openPeriodsMemo.get(key);
  if (!periods) {
    periods = Object.freeze(
      openPeriodsBetween(bounds.start, bounds.end, lab.openingHours, lab.closures, lab.timezone).map((p) =>
        Object.freeze(p),
      ),
    );
    openPeriodsMemo.set(key, periods);
    if (openPeriodsMemo.size > MEMO_SIZE) openPeriodsMemo.delete(openPeriodsMemo.keys().next().value!);
  }
  return periods;
}

const MEMO_SIZE = 500;
const openPeriodsMemo = new Map<string, readonly Period[]>();

/** The periods cut at each UTC midnight, each piece with its UTC day number (days since 1970). */
export function splitByUtcDay(periods: readonly Period[]): Array<Period & { day: number }> {
  const pieces: Array<Period & { day: number }> = [];
  for (const p of periods) {
    let cursor = p.start.getTime();
    const end = p.end.getTime();
    while (cursor < end) {
      const day = Math.floor(cursor / DAY_MS);
      const pieceEnd = Math.min(end, (day + 1) * DAY_MS);
      pieces.push({ day, start: new Date(cursor), end: new Date(pieceEnd) });
      cursor = pieceEnd;
    }
  }
  return pieces;
}

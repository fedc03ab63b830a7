// Pure time rules in a lab's own time zone. Luxon turns local rules (opening hours, closures,
// months, ISO weeks) into instants; callers compare and sum instants only.
import { DateTime, Interval } from 'luxon';
import { WEEKDAYS, type Weekday } from './enums.js';

export interface Period {
  start: Date;
  end: Date;
}

type OpeningHoursLike = Record<Weekday, Array<readonly [string, string] | string[]>>;
interface ClosureLike {
  from: string;
  to: string;
}

export const DEFAULT_TIMEZONE = 'Asia/Ho_Chi_Minh';

export function isValidTimezone(zone: string): boolean {
  return DateTime.local().setZone(zone).isValid;
}

function minutesOf(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

/** The open periods of one local date (YYYY-MM-DD), as instants; empty on a closure. */
export function openPeriodsOfDate(
  date: string,
  openingHours: OpeningHoursLike,
  closures: readonly ClosureLike[],
  zone: string,
): Period[] {
  if (closures.some((c) => c.from <= date && date <= c.to)) return [];
  const day = DateTime.fromISO(date, { zone }).startOf('day');
  const weekday = WEEKDAYS[day.weekday - 1] as Weekday;
  const periods: Period[] = [];
  for (const p of openingHours[weekday] ?? []) {
    const [from, to] = p as [string, string];
    const start = day.plus({ minutes: minutesOf(from) });
    const end = day.plus({ minutes: minutesOf(to) });
    if (end > start) periods.push({ start: start.toJSDate(), end: end.toJSDate() });
  }
  return periods;
}

/** Every open period that intersects [from, to), clipped to it, in time order. */
export function openPeriodsBetween(
  from: Date,
  to: Date,
  openingHours: OpeningHoursLike,
  closures: readonly ClosureLike[],
  zone: string,
): Period[] {
  const result: Period[] = [];
  if (to <= from) return result;
  let day = DateTime.fromJSDate(from, { zone }).startOf('day').minus({ days: 1 });
  const last = DateTime.fromJSDate(to, { zone }).startOf('day');
  while (day <= last) {
    for (const p of openPeriodsOfDate(day.toISODate() as string, openingHours, closures, zone)) {
      const start = p.start < from ? from : p.start;
      const end = p.end > to ? to : p.end;
      if (end > start) result.push({ start, end });
    }
    day = day.plus({ days: 1 });
  }
  return mergePeriods(result);
}

/** The open period that contains the instant (start inclusive, end exclusive), if any. */
export function openPeriodAt(
  at: Date,
  openingHours: OpeningHoursLike,
  closures: readonly ClosureLike[],
  zone: string,
): Period | undefined {
  const dayBefore = new Date(at.getTime() - 86_400_000);
  const dayAfter = new Date(at.getTime() + 86_400_000);
  return openPeriodsBetween(dayBefore, dayAfter, openingHours, closures, zone).find(
    (p) => p.start <= at && at < p.end,
  );
}

/** The complement of the open periods within [from, to): the lab is closed then. */
export function closedPeriodsBetween(
  from: Date,
  to: Date,
  openingHours: OpeningHoursLike,
  closures: readonly ClosureLike[],
  zone: string,
): Period[] {
  const open = openPeriodsBetween(from, to, openingHours, closures, zone);
  const closed: Period[] = [];
  let cursor = from;
  for (const p of open) {
    if (p.start > cursor) closed.push({ start: cursor, end: p.start });
    if (p.end > cursor) cursor = p.end;
  }
  if (cursor < to) closed.push({ start: cursor, end: to });
  return closed;
}

/** Sorts and joins touching or overlapping periods. */
export function mergePeriods(periods: readonly Period[]): Period[] {
  const sorted = [...periods].sort((a, b) => a.start.getTime() - b.start.getTime());
  const merged: Period[] = [];
  for (const p of sorted) {
    const last = merged[merged.length - 1];
    if (last && p.start <= last.end) {
      if (p.end > last.end) last.end = p.end;
    } else merged.push({ start: p.start, end: p.end });
  }
  return merged;
}

/** True when the instant falls on the slot grid anchored at local midnight. */
export function isOnSlotGrid(at: Date, zone: string, slotMinutes: number): boolean {
  const local = DateTime.fromJSDate(at, { zone });
  if (local.second !== 0 || local.millisecond !== 0) return false;
  const sinceMidnight = Math.round(local.diff(local.startOf('day'), 'minutes').minutes);
  return sinceMidnight % slotMinutes === 0;
}

/** [start, end) of a month `YYYY-MM` in the zone. */
export function monthBounds(month: string, zone: string): Period {
  const start = DateTime.fromFormat(month, 'yyyy-MM', { zone }).startOf('month');
  return { start: start.toJSDate(), end: start.plus({ months: 1 }).toJSDate() };
}

/** [start, end) of the ISO week (Monday 00:00 local) that contains the instant. */
export function isoWeekBounds(at: Date, zone: string): Period {
  const start = DateTime.fromJSDate(at, { zone }).startOf('week');
  return { start: start.toJSDate(), end: start.plus({ weeks: 1 }).toJSDate() };
}

/** Overlap in milliseconds of two half-open periods. */
export function overlapMs(a: Period, b: Period): number {
  const start = Math.max(a.start.getTime(), b.start.getTime());
  const end = Math.min(a.end.getTime(), b.end.getTime());
  return Math.max(0, end - start);
}

export function hoursBetween(p: Period): number {
  return Interval.fromDateTimes(p.start, p.end).length('hours');
}

export function isValidMonth(month: string): boolean {
  return /^\d{4}-(0[1-9]|1[0-2])$/.test(month);
}

// Pure time rules in a lab's own time zone. Luxon turns local rules (opening hours, closures,
// months, ISO weeks) into instants; callers compare and sum instants only.
import { DateTime, IANAZone, Interval, Zone, type ZoneOffsetFormat, type ZoneOffsetOptions } from 'luxon';
import { WEEKDAYS, type Weekday } from './enums.js';

/** Years the API accepts in instants, dates and months: enough for any record and any plan. */
const YEAR = '(19[7-9][0-9]|2[0-9]{3})';
/**
 * The shape of an instant in a request: ISO 8601 with seconds 00–59 and an explicit offset, `Z` or
 * `±HH:MM`. The `date-time` format beside it rejects days the calendar lacks (30 February) and lets
 * responses serialize Date objects; the pattern rejects what `date-time` lets through but
 * `new Date()` cannot read (an hour-only offset, a space for `T`, a leap second).
 */
export const INSTANT_PATTERN = `^${YEAR}-[0-9]{2}-[0-9]{2}T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\\.[0-9]{1,9})?(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])$`;
/** A local date YYYY-MM-DD (the `date` format beside it checks that the day exists). */
export const DATE_PATTERN = `^${YEAR}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$`;
/** A month YYYY-MM. */
export const MONTH_PATTERN = `^${YEAR}-(0[1-9]|1[0-2])$`;

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

const HOUR_MS = 3_600_000;

/**
 * An IANA zone that remembers its UTC offset per hour. Luxon asks a zone for its offset at every
 * DateTime it builds, and an IANA zone answers through Intl's formatToParts, which is slow: on a
 * booking that was a tenth of the server's CPU. Offsets only change at a zone's transitions, never
 * twice within one hour, so an hour whose first and last millisecond have the same offset has it
 * throughout; an hour with a transition inside is never remembered and is asked each time.
 */
class OffsetCachingZone extends Zone {
  readonly #inner: IANAZone;
  readonly #byHour = new Map<number, number>();

  constructor(inner: IANAZone) {
    super();
    this.#inner = inner;
  }
  override get type(): string {
    return 'iana';
  }
  override get name(): string {
    return this.#inner.name;
  }
  override get isUniversal(): boolean {
    return false;
  }
  override offsetName(ts: number, options: ZoneOffsetOptions): string {
    return this.#inner.offsetName(ts, options) as string;
  }
  override formatOffset(ts: number, format: ZoneOffsetFormat): string {
    return this.#inner.formatOffset(ts, format);
  }
  override offset(ts: number): number {
    const hour = Math.floor(ts / HOUR_MS);
    const known = this.#byHour.get(hour);
    if (known !== undefined) return known;
    const first = this.#inner.offset(hour * HOUR_MS);
    if (this.#inner.offset(hour * HOUR_MS + HOUR_MS - 1) !== first) return this.#inner.offset(ts);
    // A bound, should a long-running process be asked about very many distinct hours.
    if (this.#byHour.size >= 200_000) this.#byHour.clear();
    this.#byHour.set(hour, first);
    return first;
  }
  override equals(other: Zone): boolean {
    return other.type === 'iana' && other.name === this.name;
  }
  override get isValid(): boolean {
    return true;
  }
}

const zones = new Map<string, Zone | string>();

/** The zone to hand luxon for an IANA name: the caching one, or the name itself when invalid. */
export function zoneOf(name: string): Zone | string {
  let zone = zones.get(name);
  if (zone === undefined) {
    const iana = IANAZone.create(name);
    zone = iana.isValid ? new OffsetCachingZone(iana) : name;
    if (zones.size < 1_000) zones.set(name, zone);
  }
  return zone;
}

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
  const day = DateTime.fromISO(date, { zone: zoneOf(zone) }).startOf('day');
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

// The open periods of each local date, per opening hours and closures (by object identity): a
// server keeps a lab's hours and closures between requests (lib/lab-cache.ts), so each date is
// worked out once while they stay unchanged, and forgotten with them. Periods in it are never
// handed out, only copied.
const daysByHours = new WeakMap<object, WeakMap<object, Map<string, readonly Period[]>>>();
function dayMemo(openingHours: object, closures: object): Map<string, readonly Period[]> {
  let byClosures = daysByHours.get(openingHours);
  if (!byClosures) {
    byClosures = new WeakMap();
    daysByHours.set(openingHours, byClosures);
  }
  let days = byClosures.get(closures);
  if (!days) {
    days = new Map();
    byClosures.set(closures, days);
  }
  // Bounded, in case one set of hours lives long and is asked about very many dates.
  if (days.size > 5_000) days.clear();
  return days;
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
  let day = DateTime.fromJSDate(from, { zone: zoneOf(zone) }).startOf('day').minus({ days: 1 });
  const last = DateTime.fromJSDate(to, { zone: zoneOf(zone) }).startOf('day');
  const memo = dayMemo(openingHours, closures);
  while (day <= last) {
    const date = day.toISODate() as string;
    const key = `${zone} ${date}`;
    let periods = memo.get(key);
    if (!periods) {
      periods = openPeriodsOfDate(date, openingHours, closures, zone);
      memo.set(key, periods);
    }
    for (const p of periods) {
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
  const local = DateTime.fromJSDate(at, { zone: zoneOf(zone) });
  if (local.second !== 0 || local.millisecond !== 0) return false;
  const sinceMidnight = Math.round(local.diff(local.startOf('day'), 'minutes').minutes);
  return sinceMidnight % slotMinutes === 0;
}

/** [start, end) of a month `YYYY-MM` in the zone. */
export function monthBounds(month: string, zone: string): Period {
  const start = DateTime.fromFormat(month, 'yyyy-MM', { zone: zoneOf(zone) }).startOf('month');
  return { start: start.toJSDate(), end: start.plus({ months: 1 }).toJSDate() };
}

/** [start, end) of the ISO week (Monday 00:00 local) that contains the instant. */
export function isoWeekBounds(at: Date, zone: string): Period {
  const start = DateTime.fromJSDate(at, { zone: zoneOf(zone) }).startOf('week');
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
  return new RegExp(MONTH_PATTERN).test(month);
}

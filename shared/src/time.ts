// Pure time rules in a lab's own time zone. Local rules are wall-clock rules (DOMAIN.md, "Time"):
// opening hours, closures, months and ISO weeks become instants here, once, through localInstant;
// callers compare and sum instants only.
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

/**
 * The zone whose months count figures that belong to no one lab (new accounts; the all-labs
 * statistics): the labs' own zone when they share one, else the network's default.
 */
export function commonZone(zones: readonly string[]): string {
  const distinct = new Set(zones);
  return distinct.size === 1 ? ([...distinct][0] as string) : DEFAULT_TIMEZONE;
}

export function isValidTimezone(zone: string): boolean {
  return DateTime.local().setZone(zone).isValid;
}

function minutesOf(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;

function zoneObject(zone: string): Zone | undefined {
  const z = zoneOf(zone);
  return typeof z === 'string' ? undefined : z;
}

/** A local date YYYY-MM-DD as the UTC milliseconds of its midnight: calendar arithmetic only. */
function dateMs(date: string): number {
  const [y, m, d] = date.split('-').map(Number);
  return Date.UTC(y ?? 0, (m ?? 1) - 1, d ?? 1);
}

/** 0 for Monday … 6 for Sunday, as WEEKDAYS; 1 January 1970 was a Thursday. */
function weekdayIndex(date: string): number {
  return (((Math.floor(dateMs(date) / DAY_MS) + 3) % 7) + 7) % 7;
}

function dateOfMs(ms: number): string {
  return DateTime.fromMillis(ms, { zone: 'utc' }).toISODate() as string;
}

/** The calendar date `days` after a date YYYY-MM-DD (negative: before). */
export function addDays(date: string, days: number): string {
  return dateOfMs(dateMs(date) + days * DAY_MS);
}

/** The lab's local date (YYYY-MM-DD) at an instant. */
export function localDate(at: Date, zone: string): string {
  return DateTime.fromJSDate(at, { zone: zoneOf(zone) }).toISODate() as string;
}

/**
 * The instant of a wall-clock reading (local time written as if it were UTC milliseconds). Luxon's
 * own construction moves a skipped time forward by the length of the gap (02:30 → 03:30) and
 * resolves a repeated time by the offset in force today, so this resolves both itself: the answer
 * is the first instant whose clock reads the wall time or later, which is the earlier of two
 * readings and, in a gap, the instant the clock jumps.
 */
function instantOfWall(wall: number, z: Zone): number {
  // The instant lies within 14 hours of the reading, so the offsets in force a day either side
  // bracket every offset it may have; a second look catches one more transition in between.
  const first = [z.offset(wall - DAY_MS), z.offset(wall + DAY_MS)];
  const offsets = new Set(first);
  for (const o of first) offsets.add(z.offset(wall - o * MINUTE_MS));
  let best = Number.POSITIVE_INFINITY;
  for (const o of offsets) {
    const t = wall - o * MINUTE_MS;
    if (z.offset(t) === o && t < best) best = t;
  }
  if (best !== Number.POSITIVE_INFINITY) return best;
  // A skipped time: search the gap for the first instant whose clock reads the wall time or later.
  const reading = (t: number) => t + z.offset(t) * MINUTE_MS;
  let lo = wall - Math.max(...offsets) * MINUTE_MS;
  let hi = wall - Math.min(...offsets) * MINUTE_MS;
  if (!(reading(lo) < wall && reading(hi) >= wall)) return hi;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (reading(mid) >= wall) hi = mid;
    else lo = mid;
  }
  return hi;
}

/**
 * The instant of a wall-clock time, `minutes` after the start of a local date (1440 is 24:00, the
 * next midnight). A time the clock skips becomes the first instant after the gap; a time it shows
 * twice takes the earlier instant.
 */
export function localInstant(date: string, minutes: number, zone: string): Date {
  const z = zoneObject(zone);
  if (!z) return new Date(Number.NaN);
  return new Date(instantOfWall(dateMs(date) + minutes * MINUTE_MS, z));
}

/** The same wall-clock time `days` local dates later (a weekly series, a plan every N days). */
export function plusLocalDays(at: Date, days: number, zone: string): Date {
  const local = DateTime.fromJSDate(at, { zone: zoneOf(zone) });
  const later = localInstant(addDays(local.toISODate() as string, days), local.hour * 60 + local.minute, zone);
  return new Date(later.getTime() + local.second * 1000 + local.millisecond);
}

/** The open periods of one local date (YYYY-MM-DD), as instants; empty on a closure. */
export function openPeriodsOfDate(
  date: string,
  openingHours: OpeningHoursLike,
  closures: readonly ClosureLike[],
  zone: string,
): Period[] {
  if (closures.some((c) => c.from <= date && date <= c.to)) return [];
  const weekday = WEEKDAYS[weekdayIndex(date)] as Weekday;
  const periods: Period[] = [];
  for (const p of openingHours[weekday] ?? []) {
    const [from, to] = p as [string, string];
    const start = localInstant(date, minutesOf(from), zone);
    const end = localInstant(date, minutesOf(to), zone);
    if (end > start) periods.push({ start, end });
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
  // From the day before: a period of that date may run past midnight.
  const last = localDate(to, zone);
  const memo = dayMemo(openingHours, closures);
  for (let date = addDays(localDate(from, zone), -1); date <= last; date = addDays(date, 1)) {
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
  return openPeriodsBetween(dayBefore, dayAfter, openingHours, closures, zone).find((p) => p.start <= at && at < p.end);
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

/**
 * True when the instant falls on the slot grid: the wall-clock times every `slotMinutes` from each
 * local midnight. The instant where the clock jumps forward also stands for the grid times it
 * skips, as localInstant moves them there.
 */
export function isOnSlotGrid(at: Date, zone: string, slotMinutes: number): boolean {
  const z = zoneObject(zone);
  const ms = at.getTime();
  if (!z || !Number.isFinite(ms) || slotMinutes <= 0) return false;
  const slotMs = slotMinutes * MINUTE_MS;
  const offset = z.offset(ms);
  const wall = ms + offset * MINUTE_MS;
  if (wall % MINUTE_MS !== 0) return false;
  const midnight = Math.floor(wall / DAY_MS) * DAY_MS;
  if ((wall - midnight) % slotMs === 0) return true;
  const before = z.offset(ms - 1);
  if (before >= offset) return false;
  // The skipped wall times are [gapStart, wall): is a grid time of either date among them?
  const gapStart = ms + before * MINUTE_MS;
  for (const day of new Set([Math.floor(gapStart / DAY_MS) * DAY_MS, midnight])) {
    const point = day + Math.max(0, Math.ceil((gapStart - day) / slotMs)) * slotMs;
    if (point < wall && point < day + DAY_MS) return true;
  }
  return false;
}

/** [start, end) of a month `YYYY-MM` in the zone: first instants of its first day and the next month's. */
/**
 * The first instant of the lab's slot grid at or after `at` (the grid is anchored at local
 * midnight; on a day the clocks change, as isOnSlotGrid decides). Minute steps: at most a slot
 * and an hour of them.
 */
export function nextSlotStart(at: Date, zone: string, slotMinutes: number): Date {
  let t = Math.ceil(at.getTime() / MINUTE_MS) * MINUTE_MS;
  const last = t + (slotMinutes + 60) * MINUTE_MS;
  for (; t <= last; t += MINUTE_MS) if (isOnSlotGrid(new Date(t), zone, slotMinutes)) return new Date(t);
  return new Date(t);
}

export function monthBounds(month: string, zone: string): Period {
  const first = `${month}-01`;
  const next = DateTime.fromISO(first, { zone: 'utc' }).plus({ months: 1 }).toISODate() as string;
  return { start: localInstant(first, 0, zone), end: localInstant(next, 0, zone) };
}

/** [start, end) of the ISO week (from Monday's first instant, local) that contains the instant. */
export function isoWeekBounds(at: Date, zone: string): Period {
  const date = localDate(at, zone);
  const monday = addDays(date, -weekdayIndex(date));
  return { start: localInstant(monday, 0, zone), end: localInstant(addDays(monday, 7), 0, zone) };
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

// Property tests of the wall-clock rules over whole years in zones with awkward clocks, against an
// oracle built differently: luxon's own construction of each local date and time (with the plain
// IANA zone, not the caching one), corrected by scanning minute by minute where luxon's choice for a
// skipped or repeated time differs from the domain's.
import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import {
  WEEKDAYS,
  isOnSlotGrid,
  isoWeekBounds,
  localDate,
  localInstant,
  monthBounds,
  openPeriodsBetween,
  openPeriodsOfDate,
  zoneOf,
  type OpeningHours,
} from '../src/index.js';

// Each property sweeps a year or more of dates: seconds of work, more on a busy machine.
const SLOW = { timeout: 60_000 };
const MINUTE = 60_000;
const DAY = 86_400_000;

/** Each zone with the years it is tried over. */
const ZONES: ReadonlyArray<[string, number[]]> = [
  ['Australia/Lord_Howe', [2026]], // a 30-minute daylight-saving shift
  ['Asia/Kathmandu', [1986, 2026]], // +05:45, reached by skipping 00:00–00:15 on 1 January 1986
  ['Pacific/Chatham', [2026]], // +12:45 / +13:45
  ['America/Sao_Paulo', [2018, 2019, 2020]], // midnight skipped in 2018; DST abolished in 2019
  ['Europe/Istanbul', [2016]], // stayed on summer time for good in September 2016
  ['America/New_York', [2026]],
  ['Europe/Berlin', [2026]],
  ['Asia/Ho_Chi_Minh', [1975, 2026]], // +08:00 → +07:00 in June 1975; none since
];

// ---------- the oracle ----------

function datesOf(year: number): string[] {
  const dates: string[] = [];
  for (let d = DateTime.utc(year, 1, 1); d.year === year; d = d.plus({ days: 1 })) dates.push(d.toISODate() as string);
  return dates;
}

/** The instant of `minutes` after the start of a local date, by the domain's rules. */
function oracleInstant(date: string, minutes: number, zone: string): number {
  const wall = DateTime.fromISO(date, { zone: 'utc' }).plus({ minutes });
  const fields = { year: wall.year, month: wall.month, day: wall.day, hour: wall.hour, minute: wall.minute };
  const dt = DateTime.fromObject(fields, { zone });
  const reads = (d: DateTime) =>
    d.year === fields.year &&
    d.month === fields.month &&
    d.day === fields.day &&
    d.hour === fields.hour &&
    d.minute === fields.minute;
  let t = dt.toMillis();
  if (!reads(dt)) {
    // Skipped: luxon moved it past the gap by the gap's length; walk back to where the gap ends.
    while (DateTime.fromMillis(t - MINUTE, { zone }).offset === dt.offset) t -= MINUTE;
    return t;
  }
  // Repeated: luxon may have taken the later reading; an earlier one reads the same.
  if (DateTime.fromMillis(t - 3 * 3_600_000, { zone }).offset === dt.offset) return t;
  for (let back = MINUTE; back <= 3 * 3_600_000; back += MINUTE) {
    if (reads(DateTime.fromMillis(t - back, { zone }))) return t - back;
  }
  return t;
}

function oraclePeriodsOfDate(date: string, hours: OpeningHours, zone: string): Array<[number, number]> {
  const weekday = WEEKDAYS[DateTime.fromISO(date, { zone: 'utc' }).weekday - 1]!;
  return hours[weekday]
    .map(
      ([a, b]) =>
        [oracleInstant(date, toMinutes(a), zone), oracleInstant(date, toMinutes(b), zone)] as [number, number],
    )
    .filter(([a, b]) => b > a);
}

function oracleOnGrid(at: number, zone: string, slot: number): boolean {
  const local = DateTime.fromMillis(at, { zone });
  if (local.second !== 0 || local.millisecond !== 0) return false;
  if ((local.hour * 60 + local.minute) % slot === 0) return true;
  // Or it is where a grid time that the clock skips lands.
  const date = local.toISODate() as string;
  const yesterday = local.minus({ days: 1 }).toISODate() as string;
  return [date, yesterday].some((d) => gridInstants(d, zone, slot).has(at));
}

const grids = new Map<string, Set<number>>();
function gridInstants(date: string, zone: string, slot: number): Set<number> {
  const key = `${zone} ${date} ${slot}`;
  let grid = grids.get(key);
  if (!grid) {
    grid = new Set();
    for (let m = 0; m < 1440; m += slot) grid.add(oracleInstant(date, m, zone));
    grids.set(key, grid);
  }
  return grid;
}

// ---------- generators ----------

function toMinutes(hhmm: string): number {
  const [h = 0, m = 0] = hhmm.split(':').map(Number);
  return h * 60 + m;
}
const hhmm = (minutes: number) =>
  `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

/** One day's open periods: up to three, on minutes that fall in and around the small hours. */
const dayPeriods = fc.array(fc.integer({ min: 0, max: 1440 }), { maxLength: 6 }).map((ms) => {
  const sorted = [...new Set(ms)].sort((a, b) => a - b);
  const periods: [string, string][] = [];
  for (let i = 0; i + 1 < sorted.length; i += 2) periods.push([hhmm(sorted[i]!), hhmm(sorted[i + 1]!)]);
  return periods;
});
const openingHours: fc.Arbitrary<OpeningHours> = fc.record({
  mon: dayPeriods,
  tue: dayPeriods,
  wed: dayPeriods,
  thu: dayPeriods,
  fri: dayPeriods,
  sat: dayPeriods,
  sun: dayPeriods,
});

/** The local dates of a year on which the zone's offset changes (a day either side included). */
function transitionDates(zone: string, year: number): string[] {
  const dates = new Set<string>();
  for (const date of datesOf(year)) {
    const start = DateTime.fromISO(date, { zone });
    if (start.offset !== start.plus({ days: 1 }).offset || start.offset !== start.minus({ hours: 3 }).offset) {
      for (const d of [-1, 0, 1])
        dates.add(DateTime.fromISO(date, { zone: 'utc' }).plus({ days: d }).toISODate() as string);
    }
  }
  return [...dates].sort();
}

const iso = (t: number) => new Date(t).toISOString();

describe.each(ZONES)('wall-clock rules in %s', (zone, years) => {
  const transitions = years.flatMap((y) => transitionDates(zone, y));

  it('has the transitions the test is about (tzdata present)', SLOW, () => {
    if (zone === 'Asia/Ho_Chi_Minh' || zone === 'Europe/Istanbul') return;
    expect(transitions.length).toBeGreaterThan(0);
  });

  it('turns every minute of every transition day into the oracle’s instant', SLOW, () => {
    for (const date of transitions) {
      for (let m = 0; m <= 1440; m++) {
        const got = localInstant(date, m, zone).getTime();
        const want = oracleInstant(date, m, zone);
        if (got !== want) throw new Error(`${zone} ${date} ${hhmm(m)}: ${iso(got)} ≠ ${iso(want)}`);
      }
    }
  });

  it('opens each date of the year as the oracle does, for any opening hours', SLOW, () => {
    fc.assert(
      fc.property(fc.constantFrom(...years), openingHours, (year, hours) => {
        for (const date of datesOf(year)) {
          const got = openPeriodsOfDate(date, hours, [], zone).map((p) => [p.start.getTime(), p.end.getTime()]);
          expect(got, `${zone} ${date}`).toEqual(oraclePeriodsOfDate(date, hours, zone));
        }
      }),
      { numRuns: 6 },
    );
  });

  it(
    'sums a month of open periods to the oracle’s open hours, and 00:00–24:00 to the month’s real length',
    SLOW,
    () => {
      const allDay: [string, string][] = [['00:00', '24:00']];
      const ALL: OpeningHours = {
        mon: allDay,
        tue: allDay,
        wed: allDay,
        thu: allDay,
        fri: allDay,
        sat: allDay,
        sun: allDay,
      };
      fc.assert(
        fc.property(fc.constantFrom(...years), fc.integer({ min: 1, max: 12 }), openingHours, (year, month, hours) => {
          const first = DateTime.utc(year, month, 1);
          const key = first.toFormat('yyyy-MM');
          const bounds = monthBounds(key, zone);
          const start = oracleInstant(first.toISODate() as string, 0, zone);
          const end = oracleInstant(first.plus({ months: 1 }).toISODate() as string, 0, zone);
          expect([bounds.start.getTime(), bounds.end.getTime()]).toEqual([start, end]);

          const sum = (ps: Array<{ start: Date; end: Date }>) =>
            ps.reduce((s, p) => s + p.end.getTime() - p.start.getTime(), 0);
          expect(sum(openPeriodsBetween(bounds.start, bounds.end, ALL, [], zone))).toBe(end - start);

          let want = 0;
          for (let d = first.minus({ days: 1 }); d <= first.plus({ months: 1 }); d = d.plus({ days: 1 })) {
            for (const [a, b] of oraclePeriodsOfDate(d.toISODate() as string, hours, zone)) {
              want += Math.max(0, Math.min(b, end) - Math.max(a, start));
            }
          }
          // Periods of one date never overlap here, but a period after midnight may touch the next
          // date's: the merged sum is the same.
          expect(sum(openPeriodsBetween(bounds.start, bounds.end, hours, [], zone))).toBe(want);
        }),
        { numRuns: 12 },
      );
    },
  );

  it('puts the slot grid where the oracle does on every minute around each transition', SLOW, () => {
    for (const date of transitions) {
      const from = oracleInstant(date, 0, zone) - 3_600_000;
      for (const slot of [15, 30, 45, 60, 90, 120]) {
        for (let t = from; t < from + DAY + 2 * 3_600_000; t += MINUTE) {
          if (isOnSlotGrid(new Date(t), zone, slot) !== oracleOnGrid(t, zone, slot)) {
            throw new Error(`${zone} ${iso(t)} slot ${slot}: ${isOnSlotGrid(new Date(t), zone, slot)}`);
          }
        }
      }
    }
  });

  it('puts any instant of the years on the grid as the oracle does', SLOW, () => {
    const lo = DateTime.utc(Math.min(...years), 1, 1).toMillis();
    const hi = DateTime.utc(Math.max(...years) + 1, 1, 1).toMillis();
    fc.assert(
      fc.property(
        fc.integer({ min: lo / MINUTE, max: hi / MINUTE }),
        fc.constantFrom(5, 15, 30, 45, 60, 90, 100),
        (minute, slot) => {
          expect(isOnSlotGrid(new Date(minute * MINUTE), zone, slot)).toBe(oracleOnGrid(minute * MINUTE, zone, slot));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('begins each ISO week and local date where the oracle does', SLOW, () => {
    const lo = DateTime.utc(Math.min(...years), 1, 1).toMillis();
    const hi = DateTime.utc(Math.max(...years) + 1, 1, 1).toMillis();
    fc.assert(
      fc.property(fc.integer({ min: lo, max: hi }), (t) => {
        const local = DateTime.fromMillis(t, { zone });
        expect(localDate(new Date(t), zone)).toBe(local.toISODate());
        const monday = local.minus({ days: local.weekday - 1 }).toISODate() as string;
        const week = isoWeekBounds(new Date(t), zone);
        expect(week.start.getTime()).toBe(oracleInstant(monday, 0, zone));
        expect(week.end.getTime()).toBe(
          oracleInstant(DateTime.fromISO(monday, { zone: 'utc' }).plus({ days: 7 }).toISODate() as string, 0, zone),
        );
        expect(week.start.getTime()).toBeLessThanOrEqual(t);
        expect(t).toBeLessThan(week.end.getTime());
      }),
      { numRuns: 500 },
    );
  });

  it('keeps the offset cache exact: every instant reads as with luxon’s own zone', SLOW, () => {
    const lo = DateTime.utc(Math.min(...years), 1, 1).toMillis();
    const hi = DateTime.utc(Math.max(...years) + 1, 1, 1).toMillis();
    const check = (t: number) => {
      const cached = DateTime.fromMillis(t, { zone: zoneOf(zone) });
      const plain = DateTime.fromMillis(t, { zone });
      if (cached.offset !== plain.offset || cached.toISO() !== plain.toISO()) {
        throw new Error(`${zone} at ${iso(t)}: ${cached.toISO()} ≠ ${plain.toISO()}`);
      }
    };
    // Each minute of each transition day, each second of the two hours around each transition,
    // then anywhere.
    for (const date of transitions) {
      const from = oracleInstant(date, 0, zone);
      for (let t = from; t < from + DAY; t += MINUTE) {
        check(t);
        if (DateTime.fromMillis(t, { zone }).offset !== DateTime.fromMillis(t + MINUTE, { zone }).offset) {
          for (let u = t - 3_600_000; u < t + 3_600_000; u += 1000) check(u);
        }
      }
    }
    fc.assert(
      fc.property(fc.integer({ min: lo, max: hi }), (t) => check(t)),
      { numRuns: 5000 },
    );
  });
});

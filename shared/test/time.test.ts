import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import {
  closedPeriodsBetween,
  isOnSlotGrid,
  isoWeekBounds,
  monthBounds,
  openPeriodAt,
  openPeriodsBetween,
  zoneOf,
  type OpeningHours,
} from '../src/index.js';

const HOURS: OpeningHours = {
  mon: [['08:00', '11:30'], ['13:00', '17:00']],
  tue: [['08:00', '17:00']],
  wed: [['08:00', '17:00']],
  thu: [['08:00', '17:00']],
  fri: [['08:00', '17:00']],
  sat: [],
  sun: [],
};
const ZONE = 'Asia/Ho_Chi_Minh';

describe('time rules in the lab’s zone', () => {
  it('turns a Monday with a lunch break into two periods of instants', () => {
    const periods = openPeriodsBetween(new Date('2026-11-30T00:00:00+07:00'), new Date('2026-12-01T00:00:00+07:00'), HOURS, [], ZONE);
    expect(periods.map((p) => [p.start.toISOString(), p.end.toISOString()])).toEqual([
      ['2026-11-30T01:00:00.000Z', '2026-11-30T04:30:00.000Z'],
      ['2026-11-30T06:00:00.000Z', '2026-11-30T10:00:00.000Z'],
    ]);
  });

  it('has no open period on a closure day', () => {
    const closures = [{ from: '2026-12-01', to: '2026-12-01' }];
    expect(openPeriodsBetween(new Date('2026-12-01T00:00:00+07:00'), new Date('2026-12-02T00:00:00+07:00'), HOURS, closures, ZONE)).toEqual([]);
    expect(openPeriodAt(new Date('2026-12-01T09:00:00+07:00'), HOURS, closures, ZONE)).toBeUndefined();
  });

  it('finds the open period containing an instant, not the lunch break', () => {
    expect(openPeriodAt(new Date('2026-11-30T12:00:00+07:00'), HOURS, [], ZONE)).toBeUndefined();
    expect(openPeriodAt(new Date('2026-11-30T13:00:00+07:00'), HOURS, [], ZONE)?.end.toISOString()).toBe('2026-11-30T10:00:00.000Z');
    expect(openPeriodAt(new Date('2026-11-30T07:59:00+07:00'), HOURS, [], ZONE)).toBeUndefined();
  });

  it('lists the closed time as the complement of the open periods', () => {
    const closed = closedPeriodsBetween(new Date('2026-11-30T07:00:00+07:00'), new Date('2026-11-30T18:00:00+07:00'), HOURS, [], ZONE);
    expect(closed.map((p) => [p.start.toISOString(), p.end.toISOString()])).toEqual([
      ['2026-11-30T00:00:00.000Z', '2026-11-30T01:00:00.000Z'],
      ['2026-11-30T04:30:00.000Z', '2026-11-30T06:00:00.000Z'],
      ['2026-11-30T10:00:00.000Z', '2026-11-30T11:00:00.000Z'],
    ]);
  });

  it('anchors the slot grid at local midnight', () => {
    expect(isOnSlotGrid(new Date('2026-11-30T08:30:00+07:00'), ZONE, 30)).toBe(true);
    expect(isOnSlotGrid(new Date('2026-11-30T08:15:00+07:00'), ZONE, 30)).toBe(false);
    // 45-minute slots from midnight: 00:00, 00:45, … 08:15 is on the grid, 08:00 is not.
    expect(isOnSlotGrid(new Date('2026-11-30T08:15:00+07:00'), ZONE, 45)).toBe(true);
    expect(isOnSlotGrid(new Date('2026-11-30T08:00:00+07:00'), ZONE, 45)).toBe(false);
  });

  it('computes months and ISO weeks in the lab’s zone, not the server’s', () => {
    const m = monthBounds('2026-12', ZONE);
    expect(m.start.toISOString()).toBe('2026-11-30T17:00:00.000Z');
    expect(m.end.toISOString()).toBe('2026-12-31T17:00:00.000Z');
    // Sunday 23:30 local is still in the week that began on Monday 23 Nov.
    const w = isoWeekBounds(new Date('2026-11-29T23:30:00+07:00'), ZONE);
    expect(w.start.toISOString()).toBe('2026-11-22T17:00:00.000Z');
  });
});

describe('zoneOf: the offset-caching zone', () => {
  const zonesToCheck = ['Asia/Ho_Chi_Minh', 'America/New_York', 'Europe/London', 'Australia/Lord_Howe', 'Asia/Kathmandu', 'America/St_Johns'];

  // Some 440,000 instants: seconds of work, more on a busy machine.
  it('gives every instant the same local time as luxon’s own zone, across every transition of 2026', { timeout: 30_000 }, () => {
    for (const name of zonesToCheck) {
      const start = Date.UTC(2026, 0, 1);
      // Every 7 minutes and 13 seconds for a year: steps that fall on every minute of the hour in turn.
      for (let ts = start; ts < start + 366 * 86_400_000; ts += 433_000) {
        const cached = DateTime.fromMillis(ts, { zone: zoneOf(name) });
        const plain = DateTime.fromMillis(ts, { zone: name });
        if (cached.offset !== plain.offset || cached.toISO() !== plain.toISO()) {
          throw new Error(`${name} at ${new Date(ts).toISOString()}: ${cached.toISO()} ≠ ${plain.toISO()}`);
        }
      }
    }
  });

  it('turns local wall-clock times into the same instants, in gaps and repeated hours too', () => {
    const cases = [
      ['America/New_York', '2026-03-08T02:30'], // skipped hour
      ['America/New_York', '2026-11-01T01:30'], // repeated hour
      ['Australia/Lord_Howe', '2026-04-05T01:45'], // half-hour shift
      ['Europe/London', '2026-03-29T01:15'],
      ['Asia/Ho_Chi_Minh', '2026-06-02T09:00'],
    ] as const;
    for (const [name, local] of cases) {
      expect(DateTime.fromISO(local, { zone: zoneOf(name) }).toMillis()).toBe(DateTime.fromISO(local, { zone: name }).toMillis());
    }
  });

  it('leaves an unknown zone invalid, as luxon does', () => {
    expect(zoneOf('Mars/Olympus_Mons')).toBe('Mars/Olympus_Mons');
    expect(DateTime.fromISO('2026-06-02T09:00', { zone: zoneOf('Mars/Olympus_Mons') }).isValid).toBe(false);
  });
});

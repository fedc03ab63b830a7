// The examples of a lab whose clock changes: opening hours, the slot grid and month totals are
// wall-clock rules, so they hold on the days the clock goes forward or back too.
import { describe, expect, it } from 'vitest';
import {
  isOnSlotGrid,
  localInstant,
  monthBounds,
  openPeriodsBetween,
  openPeriodsOfDate,
  type OpeningHours,
} from '../src/index.js';

const BERLIN = 'Europe/Berlin';
const day: [string, string][] = [['08:00', '17:00']];
const EVERY_DAY: OpeningHours = { mon: day, tue: day, wed: day, thu: day, fri: day, sat: day, sun: day };
const allDay: [string, string][] = [['00:00', '24:00']];
const ALL_DAY: OpeningHours = {
  mon: allDay,
  tue: allDay,
  wed: allDay,
  thu: allDay,
  fri: allDay,
  sat: allDay,
  sun: allDay,
};

const iso = (periods: Array<{ start: Date; end: Date }>) =>
  periods.map((p) => [p.start.toISOString(), p.end.toISOString()]);

describe('wall-clock opening hours on the days the clock changes', () => {
  it('opens 08:00–17:00 Berlin time on the spring-forward day (Sunday 29 March 2026)', () => {
    // 08:00 and 17:00 CEST (+02:00).
    expect(iso(openPeriodsOfDate('2026-03-29', EVERY_DAY, [], BERLIN))).toEqual([
      ['2026-03-29T06:00:00.000Z', '2026-03-29T15:00:00.000Z'],
    ]);
  });

  it('opens 08:00–17:00 Berlin time on the fall-back day (Sunday 25 October 2026)', () => {
    // 08:00 and 17:00 CET (+01:00).
    expect(iso(openPeriodsOfDate('2026-10-25', EVERY_DAY, [], BERLIN))).toEqual([
      ['2026-10-25T07:00:00.000Z', '2026-10-25T16:00:00.000Z'],
    ]);
  });

  it('puts 90-minute slots at 09:00 and not 10:00 on the spring-forward day', () => {
    expect(isOnSlotGrid(new Date('2026-03-29T09:00:00+02:00'), BERLIN, 90)).toBe(true);
    expect(isOnSlotGrid(new Date('2026-03-29T10:30:00+02:00'), BERLIN, 90)).toBe(true);
    expect(isOnSlotGrid(new Date('2026-03-29T10:00:00+02:00'), BERLIN, 90)).toBe(false);
    expect(isOnSlotGrid(new Date('2026-03-29T11:30:00+02:00'), BERLIN, 90)).toBe(false);
  });

  it('counts 745 open hours in October 2026 for a lab open 00:00–24:00', () => {
    const october = monthBounds('2026-10', BERLIN);
    const ms = openPeriodsBetween(october.start, october.end, ALL_DAY, [], BERLIN).reduce(
      (sum, p) => sum + p.end.getTime() - p.start.getTime(),
      0,
    );
    expect(ms / 3_600_000).toBe(745);
  });

  it('counts 23 open hours on the spring-forward day and 25 on the fall-back day for a lab open 00:00–24:00', () => {
    const hours = (date: string) =>
      openPeriodsOfDate(date, ALL_DAY, [], BERLIN).reduce((sum, p) => sum + p.end.getTime() - p.start.getTime(), 0) /
      3_600_000;
    expect(hours('2026-03-29')).toBe(23);
    expect(hours('2026-10-25')).toBe(25);
  });
});

describe('localInstant: a local wall-clock time as an instant', () => {
  it('moves a time the clock skips to the first instant after the gap', () => {
    // New York skips 02:00–03:00 on 8 March 2026: 02:30 becomes 03:00 EDT, not 03:30.
    expect(localInstant('2026-03-08', 150, 'America/New_York').toISOString()).toBe('2026-03-08T07:00:00.000Z');
    // Lord Howe skips 02:00–02:30 on 4 October 2026 (+10:30 → +11:00).
    expect(localInstant('2026-10-04', 135, 'Australia/Lord_Howe').toISOString()).toBe('2026-10-03T15:30:00.000Z');
  });

  it('takes the earlier instant of a time the clock shows twice', () => {
    // New York shows 01:00–02:00 twice on 1 November 2026: 01:30 EDT, not EST.
    expect(localInstant('2026-11-01', 90, 'America/New_York').toISOString()).toBe('2026-11-01T05:30:00.000Z');
    // Lord Howe shows 01:30–02:00 twice on 5 April 2026 (+11:00 → +10:30).
    expect(localInstant('2026-04-05', 105, 'Australia/Lord_Howe').toISOString()).toBe('2026-04-04T14:45:00.000Z');
  });

  it('reads 24:00 as the next local midnight', () => {
    expect(localInstant('2026-10-25', 1440, BERLIN).toISOString()).toBe('2026-10-25T23:00:00.000Z');
  });

  it('starts a day at its first instant where midnight does not exist', () => {
    // São Paulo went from 00:00 to 01:00 on 4 November 2018: that day was open 01:00 to midnight, 23 hours.
    expect(iso(openPeriodsOfDate('2018-11-04', ALL_DAY, [], 'America/Sao_Paulo'))).toEqual([
      ['2018-11-04T03:00:00.000Z', '2018-11-05T02:00:00.000Z'],
    ]);
    // Chile's Santiago skipped midnight on 12 August 2018; the day began at 01:00 (-03:00).
    expect(localInstant('2018-08-12', 0, 'America/Santiago').toISOString()).toBe('2018-08-12T04:00:00.000Z');
  });
});

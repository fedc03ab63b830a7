// Wall-clock arithmetic on the lab's slot grid, in the lab's zone.
import { WEEKDAYS, localInstant, type OpeningHours } from '@fablab/shared';
import { DateTime } from 'luxon';

export function toMinutes(hhmm: string): number {
  const [h = 0, m = 0] = hhmm.split(':').map(Number);
  return h * 60 + m;
}

export function toHhmm(minutes: number): string {
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`;
}

/** Minutes from 0 to 1440 in steps, as "HH:mm". */
export function gridTimes(from: number, to: number, step: number): string[] {
  const result: string[] = [];
  const first = Math.ceil(from / step) * step;
  for (let m = first; m <= to; m += step) result.push(toHhmm(m));
  return result;
}

/** The earliest opening and latest closing of the week, widened to whole hours. */
export function weekSpan(openingHours: OpeningHours): { min: string; max: string } {
  let min = 24 * 60;
  let max = 0;
  for (const day of WEEKDAYS) {
    for (const [a, b] of openingHours[day]) {
      min = Math.min(min, toMinutes(a));
      max = Math.max(max, toMinutes(b));
    }
  }
  if (max <= min) return { min: '08:00', max: '17:00' };
  const lo = Math.floor(min / 60) * 60;
  const hi = Math.min(Math.ceil(max / 60) * 60, 24 * 60 - 1);
  return { min: toHhmm(lo), max: hi >= 24 * 60 - 1 ? '23:59' : toHhmm(hi) };
}

export function localParts(at: Date, zone: string): { date: string; minutes: number } {
  const dt = DateTime.fromJSDate(at, { zone });
  return { date: dt.toISODate() as string, minutes: dt.hour * 60 + dt.minute };
}

/** The wall-clock time `minutes` after the start of a local date, as the server reads it. */
export function fromLocal(date: string, minutes: number, zone: string): DateTime {
  return DateTime.fromJSDate(localInstant(date, minutes, zone), { zone });
}

/** Rounds down to the grid anchored at local midnight. */
export function floorToGrid(minutes: number, step: number): number {
  return Math.floor(minutes / step) * step;
}

// react-big-calendar does its date arithmetic through the localizer. Handing luxonLocalizer a
// DateTime whose every JS Date is read in the LAB's zone makes columns, slots and labels follow
// the lab's clock, whatever the zone of the browser (a maker abroad, a test runner in UTC).
import { DateTime, FixedOffsetZone, IANAZone, type Zone } from 'luxon';
import { luxonLocalizer, type DateLocalizer } from 'react-big-calendar';

const cache = new Map<string, DateLocalizer>();

const DAY = 86_400_000;

/**
 * The calendar makes thousands of date computations per render, and luxon asks Intl for the
 * offset of an IANA zone at every instant. A zone that keeps one offset all through the years
 * around now (Asia/Ho_Chi_Minh has been UTC+7 since 1975) is handed over as that fixed offset,
 * which gives the same wall-clock times at a fraction of the cost; zones with summer time stay IANA.
 */
export function calendarZone(name: string): Zone {
  const zone = IANAZone.create(name);
  if (!zone.isValid) return zone;
  const now = Date.now();
  const offset = zone.offset(now);
  for (let days = -3 * 366; days <= 3 * 366; days += 7) {
    if (zone.offset(now + days * DAY) !== offset) return zone;
  }
  return FixedOffsetZone.instance(offset);
}

export function zonedLocalizer(name: string): DateLocalizer {
  let localizer = cache.get(name);
  if (!localizer) {
    const zone = calendarZone(name);
    const ZonedDateTime = {
      fromJSDate: (date: Date, options?: Parameters<typeof DateTime.fromJSDate>[1]) =>
        DateTime.fromJSDate(date, { zone, ...options }),
      local: () => DateTime.local({ zone }),
      min: DateTime.min,
      max: DateTime.max,
    };
    // The localizer only calls the statics above; the cast names the class it expects.
    localizer = luxonLocalizer(ZonedDateTime as unknown as typeof DateTime, { firstDayOfWeek: 1 });
    cache.set(name, localizer);
  }
  return localizer;
}

/** A wall-clock time of the lab's day as a Date, e.g. the first hour the calendar shows. */
export function labTimeOfDay(zone: string, hhmm: string): Date {
  const [h = 0, m = 0] = hhmm.split(':').map(Number);
  return DateTime.now().setZone(zone).startOf('day').set({ hour: h, minute: m }).toJSDate();
}

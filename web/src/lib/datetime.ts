// Everything a person reads is in the LAB's time zone, with Vietnamese numeric formats
// (dd/MM/yyyy, 24-hour) in both languages; only names of days and months follow the language.
import { addDays, localDate, localInstant } from '@fablab/shared';
import { DateTime } from 'luxon';
import { useTranslation } from 'react-i18next';

export const DATE_FORMAT = 'dd/MM/yyyy';
export const TIME_FORMAT = 'HH:mm';
export const DATE_TIME_FORMAT = 'dd/MM/yyyy HH:mm';

type When = string | Date | DateTime;

export function toZoned(value: When, zone: string): DateTime {
  if (DateTime.isDateTime(value)) return value.setZone(zone);
  if (value instanceof Date) return DateTime.fromJSDate(value, { zone });
  return DateTime.fromISO(value, { zone });
}

/** Today's date (YYYY-MM-DD) on the lab's clock, whatever the browser's zone. */
export function todayIn(zone: string, now: Date = new Date()): string {
  return localDate(now, zone);
}

/**
 * A wall-clock time ("HH:mm", "24:00" the next midnight) of a local date in the lab's zone, by the
 * shared rules: a time the clock skips moves past the gap, a time it shows twice is the earlier.
 */
export function atLocal(date: string, hhmm: string, zone: string): DateTime {
  const [h = 0, m = 0] = hhmm.split(':').map(Number);
  return DateTime.fromJSDate(localInstant(date, h * 60 + m, zone), { zone });
}

/** The first instant of a local date in the lab's zone, and of the date `days` later. */
export function localDayRange(date: string, zone: string, days = 1): { from: DateTime; to: DateTime } {
  return {
    from: DateTime.fromJSDate(localInstant(date, 0, zone), { zone }),
    to: DateTime.fromJSDate(localInstant(addDays(date, days), 0, zone), { zone }),
  };
}

export function formatDate(value: When, zone: string, locale: string): string {
  return toZoned(value, zone).setLocale(locale).toFormat(DATE_FORMAT);
}

export function formatTime(value: When, zone: string, locale: string): string {
  return toZoned(value, zone).setLocale(locale).toFormat(TIME_FORMAT);
}

export function formatDateTime(value: When, zone: string, locale: string): string {
  return toZoned(value, zone).setLocale(locale).toFormat(DATE_TIME_FORMAT);
}

/** "Thứ Hai, 30/11/2026 08:00–10:00", or with both dates when the range crosses midnight. */
export function formatRange(start: When, end: When, zone: string, locale: string): string {
  const a = toZoned(start, zone).setLocale(locale);
  const b = toZoned(end, zone).setLocale(locale);
  const day = `${a.toFormat('cccc')}, ${a.toFormat(DATE_FORMAT)}`;
  if (a.hasSame(b, 'day')) return `${day} ${a.toFormat(TIME_FORMAT)}–${b.toFormat(TIME_FORMAT)}`;
  return `${day} ${a.toFormat(TIME_FORMAT)} – ${b.toFormat(DATE_TIME_FORMAT)}`;
}

/** "UTC+7", "UTC−3:30": the zone's offset now. */
export function utcOffset(zone: string, at: Date = new Date()): string {
  const minutes = DateTime.fromJSDate(at, { zone }).offset;
  const sign = minutes < 0 ? '−' : '+';
  const h = Math.floor(Math.abs(minutes) / 60);
  const m = Math.abs(minutes) % 60;
  return `UTC${sign}${h}${m ? `:${String(m).padStart(2, '0')}` : ''}`;
}

/** The zone's name in words, from the catalogue where it has one, else from the browser. */
function zoneWords(zone: string, locale: string, named: (key: string) => string | undefined): string {
  const fromCatalogue = named(zone.replace(/[/+-]/g, '_'));
  if (fromCatalogue) return fromCatalogue;
  try {
    const part = new Intl.DateTimeFormat(locale, { timeZone: zone, timeZoneName: 'longGeneric' })
      .formatToParts(new Date())
      .find((p) => p.type === 'timeZoneName');
    if (part) return part.value;
  } catch {
    // An unknown zone: its id is all there is.
  }
  return zone;
}

/** Formatters bound to the interface language. */
export function useFormat() {
  const { i18n, t } = useTranslation();
  const locale = i18n.language;
  return {
    locale,
    /** "giờ Việt Nam, UTC+7" / "Vietnam time, UTC+7", never the raw IANA id. */
    zone: (zone: string) =>
      t('zones.format', {
        name: zoneWords(zone, locale, (key) => {
          const text = t(`zones.names.${key}`, { defaultValue: '' });
          return text || undefined;
        }),
        offset: utcOffset(zone),
      }),
    date: (value: When, zone: string) => formatDate(value, zone, locale),
    time: (value: When, zone: string) => formatTime(value, zone, locale),
    dateTime: (value: When, zone: string) => formatDateTime(value, zone, locale),
    range: (start: When, end: When, zone: string) => formatRange(start, end, zone, locale),
    number: (value: number, digits = 1) =>
      new Intl.NumberFormat(locale === 'vi' ? 'vi-VN' : 'en-GB', { maximumFractionDigits: digits }).format(value),
    percent: (value: number) =>
      new Intl.NumberFormat(locale === 'vi' ? 'vi-VN' : 'en-GB', { style: 'percent', maximumFractionDigits: 1 }).format(
        value,
      ),
  };
}

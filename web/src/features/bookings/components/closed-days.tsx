// The days a lab is closed (public holidays, Tết, a stock-taking), with their reason, for the
// days a calendar shows: the grid paints closed time grey, and this says why.
import { addDays, type Closure } from '@fablab/shared';
import { DateTime } from 'luxon';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../../../lib/datetime';

export interface ClosedDay {
  date: string;
  reason: string;
}

/** Each local date from `from` (inclusive) over `days` days that falls in a closure, with its reason. */
export function closedDaysIn(
  closures: Pick<Closure, 'from' | 'to' | 'reason'>[],
  from: string,
  days: number,
): ClosedDay[] {
  const result: ClosedDay[] = [];
  for (let i = 0, date = from; i < days; i++, date = addDays(date, 1)) {
    const closure = closures.find((c) => c.from <= date && date <= c.to);
    if (closure) result.push({ date, reason: closure.reason });
  }
  return result;
}

/** "Đóng cửa: Tết Dương lịch"; over a week, each closed day by name. */
export function ClosedDaysNotice({ days, zone, withDates }: { days: ClosedDay[]; zone: string; withDates: boolean }) {
  const { t } = useTranslation();
  const format = useFormat();
  if (days.length === 0) return null;
  return (
    <ul className="closed-days" aria-label={t('calendar.closedDays')}>
      {days.map((d) => (
        <li key={d.date} className="notice notice-closed">
          {withDates
            ? t('calendar.closedOn', {
                day: `${DateTime.fromISO(d.date, { zone }).setLocale(format.locale).toFormat('cccc')} ${format.date(d.date, zone)}`,
                reason: d.reason,
              })
            : t('calendar.closedFor', { reason: d.reason })}
        </li>
      ))}
    </ul>
  );
}

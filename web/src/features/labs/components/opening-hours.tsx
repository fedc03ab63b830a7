import { WEEKDAYS, type OpeningHours } from '@fablab/shared';
import { useTranslation } from 'react-i18next';

/** Weekly opening hours as a short table, e.g. "Thứ 2: 07:30–11:30, 13:00–17:00". */
export function OpeningHoursList({ openingHours }: { openingHours: OpeningHours }) {
  const { t } = useTranslation();
  return (
    <dl className="opening-hours">
      {WEEKDAYS.map((day) => {
        const periods = openingHours[day];
        return (
          <div key={day} className="opening-hours-row">
            <dt>{t(`weekdays.${day}`)}</dt>
            <dd>{periods.length ? periods.map(([a, b]) => `${a}–${b}`).join(', ') : t('labs.closedDay')}</dd>
          </div>
        );
      })}
    </dl>
  );
}

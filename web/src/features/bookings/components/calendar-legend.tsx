import { useTranslation } from 'react-i18next';

const MAKER = ['free', 'booking', 'mine-pending', 'mine-approved', 'maintenance', 'closed'] as const;
const MANAGER = ['free', 'mine-pending', 'mine-approved', 'checked-in', 'maintenance', 'closed'] as const;

export function CalendarLegend({ variant = 'maker' }: { variant?: 'maker' | 'manager' }) {
  const { t } = useTranslation();
  const items = variant === 'maker' ? MAKER : MANAGER;
  return (
    <ul className="legend" aria-label={t('calendar.legend')}>
      {items.map((item) => (
        <li key={item}>
          <span className={`swatch swatch-${item}`} aria-hidden="true" />
          {variant === 'manager' && item.startsWith('mine-')
            ? t(`calendar.legendItems.managed-${item.slice(5)}`)
            : t(`calendar.legendItems.${item}`)}
        </li>
      ))}
    </ul>
  );
}

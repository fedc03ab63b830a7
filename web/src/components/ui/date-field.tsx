import { useTranslation } from 'react-i18next';
import { DateInput } from './date-input';

/** The day of a booking or a use; clearing the input keeps the last day rather than none. */
export function DateField({ value, onChange }: { value: string; onChange: (date: string) => void }) {
  const { t } = useTranslation();
  return (
    <label className="field">
      <span>{t('booking.date')}</span>
      <DateInput required value={value} onChange={(date) => date && onChange(date)} />
    </label>
  );
}

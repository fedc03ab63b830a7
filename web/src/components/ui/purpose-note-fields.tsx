// The purpose of a machine's use and a free note: asked alike when booking, recording a walk-in
// or planning a series.
import { PURPOSES, type Purpose } from '@fablab/shared';
import { useTranslation } from 'react-i18next';
import { SelectField } from './select-field';

export function PurposeField({ value, onChange }: { value: Purpose; onChange: (purpose: Purpose) => void }) {
  const { t } = useTranslation();
  return (
    <SelectField
      label={t('booking.purpose')}
      value={value}
      options={PURPOSES}
      optionLabel={(p) => t(`purposes.${p}`)}
      onChange={onChange}
    />
  );
}

export function NoteField({
  label,
  rows,
  value,
  onChange,
}: {
  label: string;
  rows: number;
  value: string;
  onChange: (note: string) => void;
}) {
  return (
    <label className="field">
      <span>{label}</span>
      <textarea maxLength={2000} rows={rows} value={value} onChange={(e) => onChange(e.target.value)} />
    </label>
  );
}

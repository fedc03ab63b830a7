import { useTranslation } from 'react-i18next';

const MAX_COST = 1_000_000_000_000;

/** The typed cost in đồng: 0 when left empty, null when it is not a whole amount the server takes. */
export function parseCost(text: string): number | null {
  const digits = text.replace(/[\s.,]/g, '');
  if (digits === '') return 0;
  if (!/^\d+$/.test(digits)) return null;
  const value = Number(digits);
  return value <= MAX_COST ? value : null;
}

/** Typed as text: people write "1.500.000" with the thousands separators they read. */
export function CostField({ value, onChange }: { value: string; onChange: (value: string) => void }) {
  const { t } = useTranslation();
  const invalid = parseCost(value) === null;
  return (
    <label className="field">
      <span>
        {t('maintenanceLog.cost')} {t('common.optional')}
      </span>
      <input
        inputMode="numeric"
        placeholder="0"
        aria-invalid={invalid || undefined}
        value={value}
        onChange={(e) => onChange(e.target.value)}
      />
      {invalid && <span className="form-error">{t('maintenanceLog.costInvalid')}</span>}
    </label>
  );
}

import type { MaterialUse } from '@fablab/shared';
import { useTranslation } from 'react-i18next';

export function MaterialsEditor({ rows, onChange }: { rows: MaterialUse[]; onChange: (rows: MaterialUse[]) => void }) {
  const { t } = useTranslation();
  const set = (index: number, patch: Partial<MaterialUse>) =>
    onChange(rows.map((r, i) => (i === index ? { ...r, ...patch } : r)));
  return (
    <fieldset className="fieldset">
      <legend>{t('usage.materials')}</legend>
      {rows.length === 0 && <p className="muted small">{t('usage.noMaterials')}</p>}
      {rows.map((row, index) => (
        <div className="material-row" key={index}>
          <label className="field">
            <span>{t('usage.material')}</span>
            <input
              required
              maxLength={200}
              value={row.material}
              placeholder={t('usage.materialExample')}
              onChange={(e) => set(index, { material: e.target.value })}
            />
          </label>
          <label className="field">
            <span>{t('usage.quantity')}</span>
            <input
              required
              type="number"
              min={0}
              step="any"
              inputMode="decimal"
              value={Number.isFinite(row.quantity) ? row.quantity : ''}
              onChange={(e) => set(index, { quantity: Number(e.target.value) })}
            />
          </label>
          <label className="field">
            <span>{t('usage.unit')}</span>
            <input
              required
              maxLength={40}
              value={row.unit}
              placeholder={t('usage.unitExample')}
              onChange={(e) => set(index, { unit: e.target.value })}
            />
          </label>
          <button
            type="button"
            className="button button-small"
            onClick={() => onChange(rows.filter((_, i) => i !== index))}
          >
            {t('usage.removeMaterial')}
          </button>
        </div>
      ))}
      <div>
        <button
          type="button"
          className="button button-small"
          onClick={() => onChange([...rows, { material: '', quantity: 0, unit: '' }])}
        >
          {t('usage.addMaterial')}
        </button>
      </div>
    </fieldset>
  );
}

// The materials a session used, picked from the lab's catalogue with a quantity in the entry's
// unit. The lab's managers may add an entry on the spot (a new filament arrived); everyone else
// picks from what is there, so the department's totals add one material up under one name.
import type { CatalogueMaterialUse, Material } from '@fablab/shared';
import { useId, useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { isLabManager, useUser } from '../../lib/auth';
import { materialLabel, parseVnd, useCreateMaterial, useMaterials } from '../../lib/materials';
import { ErrorState, FormError, Loading } from './states';

/** A row of the picker: an entry (or none chosen yet) and the quantity typed (null while empty). */
export interface MaterialDraft {
  materialId: string;
  quantity: number | null;
}

/** The rows a request records: those with an entry and a quantity. */
export function materialUses(rows: MaterialDraft[]): CatalogueMaterialUse[] {
  return rows
    .filter((r) => r.materialId && r.quantity !== null && Number.isFinite(r.quantity))
    .map((r) => ({ materialId: r.materialId, quantity: r.quantity as number }));
}

export function MaterialsEditor({
  labId,
  rows,
  onChange,
}: {
  labId: string;
  rows: MaterialDraft[];
  onChange: (rows: MaterialDraft[]) => void;
}) {
  const { t, i18n } = useTranslation();
  const { data: user } = useUser();
  const manager = isLabManager(user, labId);
  const catalogue = useMaterials(labId);
  const [adding, setAdding] = useState(false);
  const entries = [...(catalogue.data ?? [])].sort(
    (a, b) => a.name.localeCompare(b.name, i18n.language) || a.unit.localeCompare(b.unit, i18n.language),
  );
  const byId = new Map(entries.map((m) => [m.id, m]));
  const set = (index: number, patch: Partial<MaterialDraft>) =>
    onChange(rows.map((r, i) => (i === index ? { ...r, ...patch } : r)));

  return (
    <fieldset className="fieldset">
      <legend>{t('usage.materials')}</legend>
      {catalogue.isPending && <Loading />}
      {catalogue.isError && <ErrorState error={catalogue.error} onRetry={() => void catalogue.refetch()} />}
      {catalogue.data && rows.length === 0 && <p className="muted small">{t('usage.noMaterials')}</p>}
      {catalogue.data && entries.length === 0 && !manager && (
        <p className="muted small">{t('materials.emptyAskManager')}</p>
      )}
      {rows.map((row, index) => {
        const entry = byId.get(row.materialId);
        return (
          <div className="material-row" key={index}>
            <label className="field">
              <span>{t('usage.material')}</span>
              <select required value={row.materialId} onChange={(e) => set(index, { materialId: e.target.value })}>
                <option value="">{t('materials.choose')}</option>
                {entries.map((m) => (
                  <option key={m.id} value={m.id}>
                    {materialLabel(m)}
                  </option>
                ))}
              </select>
            </label>
            <label className="field">
              <span>{entry ? t('materials.quantityIn', { unit: entry.unit }) : t('usage.quantity')}</span>
              <input
                required
                type="number"
                min={0}
                step="any"
                inputMode="decimal"
                value={row.quantity ?? ''}
                onChange={(e) => set(index, { quantity: e.target.value === '' ? null : Number(e.target.value) })}
              />
            </label>
            <button
              type="button"
              className="button button-small"
              aria-label={entry ? t('materials.removeNamed', { name: entry.name }) : undefined}
              onClick={() => onChange(rows.filter((_, i) => i !== index))}
            >
              {t('usage.removeMaterial')}
            </button>
          </div>
        );
      })}
      <div className="form-row">
        <button
          type="button"
          className="button button-small"
          disabled={entries.length === 0}
          onClick={() => onChange([...rows, { materialId: '', quantity: null }])}
        >
          {t('usage.addMaterial')}
        </button>
        {manager && (
          <button
            type="button"
            className="button button-small"
            aria-expanded={adding}
            onClick={() => setAdding((open) => !open)}
          >
            {t('materials.newEntry')}
          </button>
        )}
      </div>
      {manager && adding && (
        <NewMaterialFields
          labId={labId}
          onAdded={(material) => {
            setAdding(false);
            onChange([...rows.filter((r) => r.materialId !== ''), { materialId: material.id, quantity: null }]);
          }}
          onCancel={() => setAdding(false)}
        />
      )}
    </fieldset>
  );
}

/**
 * A new catalogue entry, inside the session's form: its own fields and buttons rather than a
 * nested form, Enter adding the entry instead of sending the session.
 */
function NewMaterialFields({
  labId,
  onAdded,
  onCancel,
}: {
  labId: string;
  onAdded: (material: Material) => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  const create = useCreateMaterial(labId);
  const titleId = useId();
  const [name, setName] = useState('');
  const [unit, setUnit] = useState('');
  const [price, setPrice] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const priceVnd = parseVnd(price);

  function add() {
    if (!name.trim() || !unit.trim()) return setProblem(t('materials.nameAndUnitNeeded'));
    if (Number.isNaN(priceVnd)) return setProblem(t('materials.priceInvalid'));
    setProblem(null);
    create.mutate(
      { name: name.trim(), unit: unit.trim(), ...(priceVnd !== null ? { priceVnd } : {}) },
      { onSuccess: onAdded },
    );
  }
  function onKeyDown(event: KeyboardEvent) {
    if (event.key === 'Enter') {
      event.preventDefault();
      add();
    }
  }

  return (
    <div className="fieldset" role="group" aria-labelledby={titleId} onKeyDown={onKeyDown}>
      <p id={titleId}>
        <strong>{t('materials.newEntryTitle')}</strong>
      </p>
      <div className="form-row">
        <label className="field">
          <span>{t('materials.name')}</span>
          <input
            maxLength={200}
            value={name}
            placeholder={t('usage.materialExample')}
            onChange={(e) => setName(e.target.value)}
          />
        </label>
        <label className="field">
          <span>{t('usage.unit')}</span>
          <input
            maxLength={40}
            value={unit}
            placeholder={t('usage.unitExample')}
            onChange={(e) => setUnit(e.target.value)}
          />
        </label>
        <label className="field">
          <span>{t('materials.priceOptional')}</span>
          <input
            inputMode="numeric"
            value={price}
            aria-invalid={Number.isNaN(priceVnd) || undefined}
            onChange={(e) => setPrice(e.target.value)}
          />
        </label>
      </div>
      {problem && (
        <p className="form-error" role="alert">
          {problem}
        </p>
      )}
      <FormError error={create.error} />
      <div className="form-actions">
        <button type="button" className="button button-small" onClick={onCancel}>
          {t('common.cancel')}
        </button>
        <button type="button" className="button button-small button-primary" disabled={create.isPending} onClick={add}>
          {t('materials.addToCatalogue')}
        </button>
      </div>
    </div>
  );
}

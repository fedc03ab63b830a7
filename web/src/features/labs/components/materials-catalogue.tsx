// A lab's materials catalogue, for its managers: the entries members pick at check-out and
// managers at walk-ins. Renaming an entry renames it in every session and statistic that used
// it; its unit stays, so that the quantities recorded keep their meaning.
import type { Material } from '@fablab/shared';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Dialog } from '../../../components/ui/dialog';
import { Empty, ErrorState, FormError, Loading, StatusMessage } from '../../../components/ui/states';
import { formatVnd, parseVnd, useCreateMaterial, useMaterials, useUpdateMaterial } from '../../../lib/materials';

function PriceField({ value, onChange }: { value: string; onChange: (value: string) => void }) {
  const { t } = useTranslation();
  const invalid = Number.isNaN(parseVnd(value));
  return (
    <label className="field">
      <span>{t('materials.priceOptional')}</span>
      <input
        inputMode="numeric"
        value={value}
        aria-invalid={invalid || undefined}
        onChange={(e) => onChange(e.target.value)}
      />
      {invalid && <span className="form-error">{t('materials.priceInvalid')}</span>}
    </label>
  );
}

function AddForm({ labId, onAdded }: { labId: string; onAdded: (material: Material) => void }) {
  const { t } = useTranslation();
  const create = useCreateMaterial(labId);
  const [name, setName] = useState('');
  const [unit, setUnit] = useState('');
  const [price, setPrice] = useState('');
  function submit(event: FormEvent) {
    event.preventDefault();
    const priceVnd = parseVnd(price);
    if (Number.isNaN(priceVnd)) return;
    create.mutate(
      { name: name.trim(), unit: unit.trim(), ...(priceVnd !== null ? { priceVnd } : {}) },
      {
        onSuccess: (created) => {
          setName('');
          setUnit('');
          setPrice('');
          onAdded(created);
        },
      },
    );
  }
  return (
    <form className="form" onSubmit={submit} aria-labelledby="material-add-title">
      <h3 id="material-add-title">{t('materials.add')}</h3>
      <div className="form-row">
        <label className="field">
          <span>{t('materials.name')}</span>
          <input
            required
            maxLength={200}
            value={name}
            placeholder={t('usage.materialExample')}
            onChange={(e) => setName(e.target.value)}
          />
        </label>
        <label className="field">
          <span>{t('usage.unit')}</span>
          <input
            required
            maxLength={40}
            value={unit}
            placeholder={t('usage.unitExample')}
            onChange={(e) => setUnit(e.target.value)}
          />
        </label>
        <PriceField value={price} onChange={setPrice} />
      </div>
      <FormError error={create.error} />
      <div>
        <button type="submit" className="button button-primary" disabled={create.isPending}>
          {t('materials.add')}
        </button>
      </div>
    </form>
  );
}

function EditForm({
  labId,
  material,
  onDone,
}: {
  labId: string;
  material: Material;
  onDone: (saved?: Material) => void;
}) {
  const { t } = useTranslation();
  const update = useUpdateMaterial(labId);
  const [name, setName] = useState(material.name);
  const [price, setPrice] = useState(material.priceVnd === undefined ? '' : String(material.priceVnd));
  function submit(event: FormEvent) {
    event.preventDefault();
    const priceVnd = parseVnd(price);
    if (Number.isNaN(priceVnd)) return;
    update.mutate(
      { materialId: material.id, body: { name: name.trim(), priceVnd } },
      { onSuccess: (saved) => onDone(saved) },
    );
  }
  return (
    <form className="form" onSubmit={submit}>
      <p className="muted small">
        {t('usage.unit')}: {material.unit}
      </p>
      <label className="field">
        <span>{t('materials.name')}</span>
        <input required maxLength={200} value={name} onChange={(e) => setName(e.target.value)} />
      </label>
      <PriceField value={price} onChange={setPrice} />
      <FormError error={update.error} />
      <div className="form-actions">
        <button type="button" className="button" onClick={() => onDone()}>
          {t('common.cancel')}
        </button>
        <button type="submit" className="button button-primary" disabled={update.isPending}>
          {t('common.save')}
        </button>
      </div>
    </form>
  );
}

export function MaterialsCatalogue({ labId }: { labId: string }) {
  const { t, i18n } = useTranslation();
  const catalogue = useMaterials(labId);
  const [editing, setEditing] = useState<Material | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const sorted = [...(catalogue.data ?? [])].sort(
    (a, b) => a.name.localeCompare(b.name, i18n.language) || a.unit.localeCompare(b.unit, i18n.language),
  );
  return (
    <section className="card" aria-labelledby="materials-title">
      <h2 id="materials-title">{t('materials.title')}</h2>
      <p className="muted small">{t('materials.intro')}</p>
      {catalogue.isPending && <Loading />}
      {catalogue.isError && <ErrorState error={catalogue.error} onRetry={() => void catalogue.refetch()} />}
      {catalogue.data && catalogue.data.length === 0 && <Empty>{t('materials.none')}</Empty>}
      {sorted.length > 0 && (
        <div className="table-wrap" role="region" aria-labelledby="materials-title" tabIndex={0}>
          <table>
            <caption className="visually-hidden">{t('materials.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('materials.name')}</th>
                <th scope="col">{t('usage.unit')}</th>
                <th scope="col">{t('materials.price')}</th>
                <th scope="col">{t('common.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {sorted.map((material) => (
                <tr key={material.id}>
                  <th scope="row">{material.name}</th>
                  <td>{material.unit}</td>
                  <td>{material.priceVnd === undefined ? '—' : formatVnd(material.priceVnd, i18n.language)}</td>
                  <td>
                    <button
                      type="button"
                      className="button button-small"
                      aria-label={t('materials.editNamed', { name: material.name })}
                      onClick={() => setEditing(material)}
                    >
                      {t('materials.editShort')}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <StatusMessage message={message} />
      <AddForm labId={labId} onAdded={(created) => setMessage(t('materials.added', { name: created.name }))} />
      <Dialog open={editing !== null} title={t('materials.edit')} onClose={() => setEditing(null)}>
        {editing && (
          <EditForm
            key={editing.id}
            labId={labId}
            material={editing}
            onDone={(saved) => {
              setEditing(null);
              if (saved) setMessage(t('materials.saved', { name: saved.name }));
            }}
          />
        )}
      </Dialog>
    </section>
  );
}

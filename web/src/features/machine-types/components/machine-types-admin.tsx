// The machine types every lab chooses from, for administrators: a new lab's 3D scanner is added
// here, with its names in both languages. The slug is what machines and statistics key on, so
// only the names change afterwards.
import type { MachineType, MachineTypeBody } from '@fablab/shared';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Dialog } from '../../../components/ui/dialog';
import { Empty, ErrorState, FormError, Loading, StatusMessage } from '../../../components/ui/states';
import { labName } from '../../../lib/names';
import { useCreateMachineType } from '../api/create-machine-type';
import { useMachineTypes } from '../api/get-machine-types';
import { useUpdateMachineType } from '../api/update-machine-type';

const SLUG_PATTERN = '[a-z0-9][a-z0-9_\\-]*';
const EMPTY: MachineTypeBody = { slug: '', name: '', nameVi: '' };

function NameFields({
  value,
  onChange,
}: {
  value: Pick<MachineType, 'name' | 'nameVi'>;
  onChange: (v: Pick<MachineType, 'name' | 'nameVi'>) => void;
}) {
  const { t } = useTranslation();
  return (
    <>
      <label className="field">
        <span>{t('machineTypesAdmin.nameVi')}</span>
        <input
          required
          maxLength={200}
          value={value.nameVi}
          onChange={(e) => onChange({ ...value, nameVi: e.target.value })}
        />
      </label>
      <label className="field">
        <span>{t('machineTypesAdmin.nameEn')}</span>
        <input
          required
          maxLength={200}
          value={value.name}
          onChange={(e) => onChange({ ...value, name: e.target.value })}
        />
      </label>
    </>
  );
}

function AddForm({ onAdded }: { onAdded: (type: MachineType) => void }) {
  const { t } = useTranslation();
  const create = useCreateMachineType();
  const [form, setForm] = useState<MachineTypeBody>(EMPTY);
  function submit(event: FormEvent) {
    event.preventDefault();
    create.mutate(
      { slug: form.slug.trim(), name: form.name.trim(), nameVi: form.nameVi.trim() },
      {
        onSuccess: (created) => {
          setForm(EMPTY);
          onAdded(created);
        },
      },
    );
  }
  return (
    <form className="form card section" onSubmit={submit} aria-labelledby="machine-type-add-title">
      <h3 id="machine-type-add-title">{t('machineTypesAdmin.add')}</h3>
      <div className="form-row">
        <NameFields value={form} onChange={(names) => setForm({ ...form, ...names })} />
        <label className="field">
          <span>{t('machineTypesAdmin.slug')}</span>
          <input
            required
            maxLength={64}
            pattern={SLUG_PATTERN}
            value={form.slug}
            onChange={(e) => setForm({ ...form, slug: e.target.value })}
            aria-describedby="machine-type-slug-hint"
          />
        </label>
      </div>
      <p id="machine-type-slug-hint" className="muted small">
        {t('machineTypesAdmin.slugHint')}
      </p>
      <FormError error={create.error} />
      <div>
        <button type="submit" className="button button-primary" disabled={create.isPending}>
          {t('machineTypesAdmin.add')}
        </button>
      </div>
    </form>
  );
}

function RenameForm({ type, onDone }: { type: MachineType; onDone: (saved?: MachineType) => void }) {
  const { t } = useTranslation();
  const update = useUpdateMachineType();
  const [names, setNames] = useState({ name: type.name, nameVi: type.nameVi });
  function submit(event: FormEvent) {
    event.preventDefault();
    update.mutate(
      { slug: type.slug, body: { name: names.name.trim(), nameVi: names.nameVi.trim() } },
      { onSuccess: (saved) => onDone(saved) },
    );
  }
  return (
    <form className="form" onSubmit={submit}>
      <p className="muted small">
        {t('machineTypesAdmin.slug')}: <code>{type.slug}</code>
      </p>
      <NameFields value={names} onChange={setNames} />
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

export function MachineTypesAdmin() {
  const { t, i18n } = useTranslation();
  const types = useMachineTypes();
  const [editing, setEditing] = useState<MachineType | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const sorted = [...(types.data ?? [])].sort((a, b) =>
    labName(a, i18n.language).localeCompare(labName(b, i18n.language), i18n.language),
  );
  return (
    <section aria-labelledby="admin-machine-types-title">
      <h2 id="admin-machine-types-title">{t('machineTypesAdmin.title')}</h2>
      <p className="lead">{t('machineTypesAdmin.intro')}</p>
      <AddForm
        onAdded={(created) => setMessage(t('machineTypesAdmin.added', { name: labName(created, i18n.language) }))}
      />
      <StatusMessage message={message} />
      {types.isPending && <Loading />}
      {types.isError && <ErrorState error={types.error} onRetry={() => void types.refetch()} />}
      {types.data && types.data.length === 0 && <Empty>{t('machineTypesAdmin.none')}</Empty>}
      {sorted.length > 0 && (
        <div className="table-wrap section">
          <table>
            <caption className="visually-hidden">{t('machineTypesAdmin.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('machineTypesAdmin.nameVi')}</th>
                <th scope="col">{t('machineTypesAdmin.nameEn')}</th>
                <th scope="col">{t('machineTypesAdmin.slug')}</th>
                <th scope="col">{t('common.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {sorted.map((type) => (
                <tr key={type.slug}>
                  <th scope="row">{type.nameVi}</th>
                  <td>{type.name}</td>
                  <td>
                    <code>{type.slug}</code>
                  </td>
                  <td>
                    <button
                      type="button"
                      className="button button-small"
                      onClick={() => setEditing(type)}
                      aria-label={t('machineTypesAdmin.renameNamed', { name: labName(type, i18n.language) })}
                    >
                      {t('machineTypesAdmin.rename')}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Dialog open={editing !== null} title={t('machineTypesAdmin.rename')} onClose={() => setEditing(null)}>
        {editing && (
          <RenameForm
            key={editing.slug}
            type={editing}
            onDone={(saved) => {
              setEditing(null);
              if (saved) setMessage(t('machineTypesAdmin.renamed', { name: labName(saved, i18n.language) }));
            }}
          />
        )}
      </Dialog>
    </section>
  );
}

// The machines of a lab and their booking rules, for the lab's managers and admins.
import { MACHINE_STATUSES, type Machine, type MachineBody, type MachineStatus } from '@fablab/shared';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Dialog } from '../../../components/ui/dialog';
import { ErrorState, FormError, Loading } from '../../../components/ui/states';
import { useNames } from '../../../lib/names';
import { useCreateMachine } from '../api/create-machine';
import { useLabMachines } from '../api/get-lab-machines';
import { useUpdateMachine } from '../api/update-machine';
import { MachineBadges } from './machine-list';

const NEW_MACHINE: MachineBody = {
  name: '',
  type: 'laser_cutter',
  status: 'available',
  requiresApproval: true,
  requiresCertification: false,
  minMinutes: 30,
  maxMinutes: 240,
  slotMinutes: 30,
  bufferMinutes: 0,
  mayRunUnattended: false,
};

function MachineForm({ labId, machine, onDone }: { labId: string; machine: Machine | null; onDone: () => void }) {
  const { t } = useTranslation();
  const names = useNames();
  const create = useCreateMachine(labId);
  const update = useUpdateMachine(labId);
  const mutation = machine ? update : create;
  const [form, setForm] = useState<MachineBody>(machine ? { ...machine } : NEW_MACHINE);
  const [cancelFuture, setCancelFuture] = useState(false);
  const set = <K extends keyof MachineBody>(key: K, value: MachineBody[K]) => setForm((f) => ({ ...f, [key]: value }));
  // The types administrators manage (GET /api/machine-types), by name; a machine's type from before keeps its place.
  const types = [...new Set([...names.machineTypeSlugs, form.type])].sort((a, b) =>
    names.machineType(a).localeCompare(names.machineType(b)),
  );

  function submit(event: FormEvent) {
    event.preventDefault();
    const body: MachineBody = {
      name: form.name.trim(),
      type: form.type,
      status: form.status,
      requiresApproval: form.requiresApproval,
      requiresCertification: form.requiresCertification,
      minMinutes: form.minMinutes,
      maxMinutes: form.maxMinutes,
      slotMinutes: form.slotMinutes,
      bufferMinutes: form.bufferMinutes,
      mayRunUnattended: form.mayRunUnattended,
    };
    if (machine)
      update.mutate(
        {
          machineId: machine.id,
          body: { ...body, ...(form.status !== 'available' && cancelFuture ? { cancelFutureBookings: true } : {}) },
        },
        { onSuccess: onDone },
      );
    else create.mutate(body, { onSuccess: onDone });
  }
  const num = (key: 'minMinutes' | 'maxMinutes' | 'slotMinutes' | 'bufferMinutes', label: string) => (
    <label className="field">
      <span>{label}</span>
      <input
        type="number"
        min={key === 'bufferMinutes' ? 0 : 1}
        required
        value={form[key] ?? 0}
        onChange={(e) => set(key, Number(e.target.value))}
      />
    </label>
  );
  const check = (key: 'requiresApproval' | 'requiresCertification' | 'mayRunUnattended', label: string) => (
    <label className="check">
      <input type="checkbox" checked={Boolean(form[key])} onChange={(e) => set(key, e.target.checked)} />
      <span>{label}</span>
    </label>
  );
  return (
    <form className="form" onSubmit={submit}>
      <label className="field">
        <span>{t('machineForm.name')}</span>
        <input required maxLength={200} value={form.name} onChange={(e) => set('name', e.target.value)} />
      </label>
      <div className="form-row">
        <label className="field">
          <span>{t('calendar.machineType')}</span>
          <select value={form.type} onChange={(e) => set('type', e.target.value)}>
            {types.map((ty) => (
              <option key={ty} value={ty}>
                {names.machineType(ty)}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>{t('machineForm.status')}</span>
          <select value={form.status} onChange={(e) => set('status', e.target.value as MachineStatus)}>
            {MACHINE_STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(`machineStatus.${s}`)}
              </option>
            ))}
          </select>
        </label>
      </div>
      {machine && form.status !== 'available' && (
        <label className="check">
          <input type="checkbox" checked={cancelFuture} onChange={(e) => setCancelFuture(e.target.checked)} />
          <span>{t('machineForm.cancelFuture')}</span>
        </label>
      )}
      <div className="form-row">
        {num('minMinutes', t('machineForm.minMinutes'))}
        {num('maxMinutes', t('machineForm.maxMinutes'))}
        {num('slotMinutes', t('machineForm.slotMinutes'))}
        {num('bufferMinutes', t('machineForm.bufferMinutes'))}
      </div>
      {check('requiresApproval', t('machineForm.requiresApproval'))}
      {check('requiresCertification', t('machineForm.requiresCertification'))}
      {check('mayRunUnattended', t('machineForm.mayRunUnattended'))}
      <FormError error={mutation.error} />
      <div className="form-actions">
        <button type="button" className="button" onClick={onDone}>
          {t('common.cancel')}
        </button>
        <button type="submit" className="button button-primary" disabled={mutation.isPending}>
          {t('common.save')}
        </button>
      </div>
    </form>
  );
}

export function MachineManager({ labId }: { labId: string }) {
  const { t } = useTranslation();
  const names = useNames();
  const machines = useLabMachines(labId);
  const [editing, setEditing] = useState<Machine | 'new' | null>(null);
  return (
    <section className="card" aria-labelledby="machines-title">
      <div className="toolbar-row">
        <h2 id="machines-title">{t('machines.title')}</h2>
        <button type="button" className="button button-primary" onClick={() => setEditing('new')}>
          {t('machineForm.add')}
        </button>
      </div>
      {machines.isPending && <Loading />}
      {machines.isError && <ErrorState error={machines.error} onRetry={() => void machines.refetch()} />}
      {machines.data && (
        <div className="table-wrap" role="region" aria-label={t('machineForm.list')} tabIndex={0}>
          <table>
            <thead>
              <tr>
                <th scope="col">{t('machineForm.name')}</th>
                <th scope="col">{t('calendar.machineType')}</th>
                <th scope="col">{t('machineForm.rules')}</th>
                <th scope="col">{t('common.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {machines.data.map((m) => (
                <tr key={m.id}>
                  <th scope="row">{m.name}</th>
                  <td>{names.machineType(m.type)}</td>
                  <td>
                    <MachineBadges machine={m} />
                    <div className="muted small">
                      {t('machines.lengthRule', { min: m.minMinutes, max: m.maxMinutes })},{' '}
                      {t('machines.slotRule', { slot: m.slotMinutes })}
                    </div>
                  </td>
                  <td>
                    <button
                      type="button"
                      className="button button-small"
                      onClick={() => setEditing(m)}
                      aria-label={t('machineForm.editNamed', { name: m.name })}
                    >
                      {t('common.edit')}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Dialog
        open={editing !== null}
        title={editing === 'new' ? t('machineForm.add') : t('machineForm.edit')}
        onClose={() => setEditing(null)}
        wide
      >
        {editing !== null && (
          <MachineForm labId={labId} machine={editing === 'new' ? null : editing} onDone={() => setEditing(null)} />
        )}
      </Dialog>
    </section>
  );
}

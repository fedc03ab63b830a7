import type { Machine, MaintenanceCreated } from '@fablab/shared';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { DateInput } from '../../../components/ui/date-input';
import { Dialog } from '../../../components/ui/dialog';
import { FormError } from '../../../components/ui/states';
import { TimeSelect } from '../../../components/ui/time-select';
import { useFormat } from '../../../lib/datetime';
import { useCreateMaintenance } from '../api/create-maintenance';
import { fromLocal, localParts, toHhmm, toMinutes } from './time-grid';

export interface RangeDraft {
  machineId: string;
  start: Date;
  end: Date;
}

interface Props {
  draft: RangeDraft | null;
  machines: Machine[];
  zone: string;
  onClose: () => void;
  onDone: (result: MaintenanceCreated) => void;
}

export function MaintenanceDialog(props: Props) {
  const { t } = useTranslation();
  return (
    <Dialog open={props.draft !== null} title={t('maintenance.dialogTitle')} onClose={props.onClose}>
      {props.draft && <MaintenanceForm {...props} draft={props.draft} />}
    </Dialog>
  );
}

function MaintenanceForm({ draft, machines, zone, onClose, onDone }: Props & { draft: RangeDraft }) {
  const { t } = useTranslation();
  const format = useFormat();
  const create = useCreateMaintenance();
  const s = localParts(draft.start, zone);
  const e = localParts(draft.end, zone);
  const [machineId, setMachineId] = useState(draft.machineId);
  const [startDate, setStartDate] = useState(s.date);
  const [startTime, setStartTime] = useState(toHhmm(s.minutes));
  const [endDate, setEndDate] = useState(e.date);
  const [endTime, setEndTime] = useState(toHhmm(e.minutes));
  const [reason, setReason] = useState('');
  const start = fromLocal(startDate, toMinutes(startTime), zone);
  const end = fromLocal(endDate, toMinutes(endTime), zone);
  const valid = end > start && reason.trim().length > 0;

  function submit(event: FormEvent) {
    event.preventDefault();
    if (!valid) return;
    create.mutate(
      {
        machineId,
        body: { start: start.toUTC().toISO() as string, end: end.toUTC().toISO() as string, reason: reason.trim() },
      },
      { onSuccess: onDone },
    );
  }

  return (
    <form className="form" onSubmit={submit}>
      <label className="field">
        <span>{t('booking.machine')}</span>
        <select value={machineId} onChange={(ev) => setMachineId(ev.target.value)}>
          {machines.map((m) => (
            <option key={m.id} value={m.id}>
              {m.name}
            </option>
          ))}
        </select>
      </label>
      <div className="form-row">
        <label className="field">
          <span>{t('maintenance.startDate')}</span>
          <DateInput required value={startDate} onChange={(d) => d && setStartDate(d)} />
        </label>
        <label className="field">
          <span>{t('maintenance.startTime')}</span>
          <TimeSelect value={startTime} onChange={setStartTime} />
        </label>
      </div>
      <div className="form-row">
        <label className="field">
          <span>{t('maintenance.endDate')}</span>
          <DateInput required value={endDate} onChange={(d) => d && setEndDate(d)} />
        </label>
        <label className="field">
          <span>{t('maintenance.endTime')}</span>
          <TimeSelect value={endTime} onChange={setEndTime} allowMidnightEnd />
        </label>
      </div>
      <p className="muted small">{end > start ? format.range(start, end, zone) : t('maintenance.endAfterStart')}</p>
      <label className="field">
        <span>{t('maintenance.reason')}</span>
        <input required maxLength={500} value={reason} onChange={(ev) => setReason(ev.target.value)} />
      </label>
      <p className="notice notice-warning">{t('maintenance.warning')}</p>
      <FormError error={create.error} />
      <div className="form-actions">
        <button type="button" className="button" onClick={onClose}>
          {t('common.cancel')}
        </button>
        <button type="submit" className="button button-primary" disabled={!valid || create.isPending}>
          {t('maintenance.schedule')}
        </button>
      </div>
    </form>
  );
}

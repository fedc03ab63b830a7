import type { Booking, Machine, MaintenanceBody, MaintenanceCreated } from '@fablab/shared';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { CancellationPreview } from '../../../components/ui/cancellation-preview';
import { DateInput } from '../../../components/ui/date-input';
import { Dialog } from '../../../components/ui/dialog';
import { FormError } from '../../../components/ui/states';
import { TimeSelect } from '../../../components/ui/time-select';
import { useFormat } from '../../../lib/datetime';
import { useCreateMaintenance, usePreviewMaintenance } from '../api/create-maintenance';
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
  const preview = usePreviewMaintenance();
  // The second step: what the server's dry run says the window would cancel, to confirm.
  const [checked, setChecked] = useState<{ body: MaintenanceBody; machineId: string; cancelled: Booking[] } | null>(
    null,
  );
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
    const body = { start: start.toUTC().toISO() as string, end: end.toUTC().toISO() as string, reason: reason.trim() };
    preview.mutate(
      { machineId, body },
      { onSuccess: (result) => setChecked({ body, machineId, cancelled: result.cancelledBookings }) },
    );
  }

  const machineName = (id: string) => machines.find((m) => m.id === id)?.name ?? '';

  if (checked) {
    return (
      <div className="form">
        <dl className="details">
          <div>
            <dt>{t('booking.machine')}</dt>
            <dd>{machineName(checked.machineId)}</dd>
          </div>
          <div>
            <dt>{t('manage.time')}</dt>
            <dd>{format.range(checked.body.start, checked.body.end, zone)}</dd>
          </div>
          <div>
            <dt>{t('maintenance.reason')}</dt>
            <dd>{checked.body.reason}</dd>
          </div>
        </dl>
        <CancellationPreview bookings={checked.cancelled} zone={zone} machineName={machineName} />
        <FormError error={create.error} />
        <div className="form-actions">
          <button
            type="button"
            className="button"
            onClick={() => {
              create.reset();
              setChecked(null);
            }}
          >
            {t('common.back')}
          </button>
          <button
            type="button"
            className={checked.cancelled.length > 0 ? 'button button-danger' : 'button button-primary'}
            disabled={create.isPending}
            onClick={() => create.mutate({ machineId: checked.machineId, body: checked.body }, { onSuccess: onDone })}
          >
            {checked.cancelled.length > 0
              ? t('maintenance.confirmCancelling', { count: checked.cancelled.length })
              : t('maintenance.confirm')}
          </button>
        </div>
      </div>
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
      <FormError error={preview.error} />
      <div className="form-actions">
        <button type="button" className="button" onClick={onClose}>
          {t('common.cancel')}
        </button>
        <button type="submit" className="button button-primary" disabled={!valid || preview.isPending}>
          {preview.isPending ? t('cancellationPreview.checking') : t('maintenance.schedule')}
        </button>
      </div>
    </form>
  );
}

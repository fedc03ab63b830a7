import type { Booking, ClosureBody, LabWithClosures } from '@fablab/shared';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { CancellationPreview } from '../../../components/ui/cancellation-preview';
import { DateInput } from '../../../components/ui/date-input';
import { Dialog } from '../../../components/ui/dialog';
import { Empty, FormError, StatusMessage } from '../../../components/ui/states';
import { todayIn, useFormat } from '../../../lib/datetime';
import { useCreateClosure, usePreviewClosure } from '../api/create-closure';
import { useDeleteClosure } from '../api/delete-closure';
import { useLabMachines } from '../api/get-lab-machines';

/**
 * Public holidays (Tết moves every year) and other days the lab is closed, as local dates. A new
 * closure is first tried as a dry run: the bookings it would cancel are listed, and the manager
 * confirms.
 */
export function ClosuresEditor({ lab }: { lab: LabWithClosures }) {
  const { t } = useTranslation();
  const format = useFormat();
  const create = useCreateClosure(lab.id);
  const preview = usePreviewClosure(lab.id);
  const remove = useDeleteClosure(lab.id);
  const machines = useLabMachines(lab.id);
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [reason, setReason] = useState('');
  const [checked, setChecked] = useState<{ body: ClosureBody; cancelled: Booking[] } | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const today = todayIn(lab.timezone);
  const closures = [...lab.closures].filter((c) => c.to >= today).sort((a, b) => a.from.localeCompare(b.from));
  const machineName = (id: string) => machines.data?.find((m) => m.id === id)?.name ?? '';

  function submit(event: FormEvent) {
    event.preventDefault();
    setMessage(null);
    const body = { from, to: to || from, reason: reason.trim() };
    preview.mutate(body, { onSuccess: (result) => setChecked({ body, cancelled: result.cancelledBookings }) });
  }

  function confirm() {
    if (!checked) return;
    create.mutate(checked.body, {
      onSuccess: (created) => {
        setChecked(null);
        setFrom('');
        setTo('');
        setReason('');
        setMessage(
          t('closures.added', {
            days: days(created.from, created.to),
            reason: created.reason,
            count: created.cancelledBookings.length,
          }),
        );
      },
    });
  }
  const show = (d: string) => format.date(d, lab.timezone);
  const days = (a: string, b: string) => (a === b ? show(a) : `${show(a)} – ${show(b)}`);
  return (
    <section className="card" aria-labelledby="closures-title">
      <h2 id="closures-title">{t('closures.title')}</h2>
      <StatusMessage message={message} />
      {closures.length === 0 && <Empty>{t('closures.none')}</Empty>}
      <FormError error={remove.error} />
      <ul className="list">
        {closures.map((c) => (
          <li key={c.id} className="list-item">
            <div className="list-item-main">
              <p>
                <strong>{days(c.from, c.to)}</strong>
              </p>
              <p className="muted small">{c.reason}</p>
            </div>
            <button
              type="button"
              className="button button-small"
              disabled={remove.isPending}
              onClick={() => remove.mutate(c.id)}
            >
              {t('common.delete')}
            </button>
          </li>
        ))}
      </ul>
      <form className="form section" onSubmit={submit}>
        <h3>{t('closures.add')}</h3>
        <div className="form-row">
          <label className="field">
            <span>{t('closures.from')}</span>
            <DateInput required value={from} onChange={setFrom} />
          </label>
          <label className="field">
            <span>{t('closures.to')}</span>
            <DateInput min={from || undefined} value={to} onChange={setTo} />
          </label>
        </div>
        <label className="field">
          <span>{t('closures.reason')}</span>
          <input
            required
            maxLength={500}
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            placeholder={t('closures.reasonExample')}
          />
        </label>
        <FormError error={preview.error} />
        <div>
          <button type="submit" className="button button-primary" disabled={preview.isPending}>
            {preview.isPending ? t('cancellationPreview.checking') : t('closures.add')}
          </button>
        </div>
      </form>
      <Dialog
        open={checked !== null}
        title={t('closures.confirmTitle')}
        onClose={() => {
          create.reset();
          setChecked(null);
        }}
      >
        {checked && (
          <div className="form">
            <dl className="details">
              <div>
                <dt>{t('closures.days')}</dt>
                <dd>{days(checked.body.from, checked.body.to)}</dd>
              </div>
              <div>
                <dt>{t('closures.reason')}</dt>
                <dd>{checked.body.reason}</dd>
              </div>
            </dl>
            <CancellationPreview bookings={checked.cancelled} zone={lab.timezone} machineName={machineName} />
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
                onClick={confirm}
              >
                {checked.cancelled.length > 0
                  ? t('closures.confirmCancelling', { count: checked.cancelled.length })
                  : t('closures.confirm')}
              </button>
            </div>
          </div>
        )}
      </Dialog>
    </section>
  );
}

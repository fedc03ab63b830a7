import type { LabWithClosures } from '@fablab/shared';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { DateInput } from '../../../components/ui/date-input';
import { Empty, FormError } from '../../../components/ui/states';
import { todayIn, useFormat } from '../../../lib/datetime';
import { useCreateClosure } from '../api/create-closure';
import { useDeleteClosure } from '../api/delete-closure';

/** Public holidays (Tết moves every year) and other days the lab is closed, as local dates. */
export function ClosuresEditor({ lab }: { lab: LabWithClosures }) {
  const { t } = useTranslation();
  const format = useFormat();
  const create = useCreateClosure(lab.id);
  const remove = useDeleteClosure(lab.id);
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [reason, setReason] = useState('');
  const today = todayIn(lab.timezone);
  const closures = [...lab.closures].filter((c) => c.to >= today).sort((a, b) => a.from.localeCompare(b.from));

  function submit(event: FormEvent) {
    event.preventDefault();
    create.mutate(
      { from, to: to || from, reason: reason.trim() },
      {
        onSuccess: () => {
          setFrom('');
          setTo('');
          setReason('');
        },
      },
    );
  }
  const show = (d: string) => format.date(d, lab.timezone);
  return (
    <section className="card" aria-labelledby="closures-title">
      <h2 id="closures-title">{t('closures.title')}</h2>
      {closures.length === 0 && <Empty>{t('closures.none')}</Empty>}
      <FormError error={remove.error} />
      <ul className="list">
        {closures.map((c) => (
          <li key={c.id} className="list-item">
            <div className="list-item-main">
              <p>
                <strong>{c.from === c.to ? show(c.from) : `${show(c.from)} – ${show(c.to)}`}</strong>
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
        <FormError error={create.error} />
        <div>
          <button type="submit" className="button button-primary" disabled={create.isPending}>
            {t('closures.add')}
          </button>
        </div>
      </form>
    </section>
  );
}

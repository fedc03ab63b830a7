// A class session (several machines at once for a group, all or nothing) and a weekly series.
import { addDays, type Machine, type Purpose, type SeriesResponse } from '@fablab/shared';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { DateField } from '../../../components/ui/date-field';
import { PurposeField } from '../../../components/ui/purpose-note-fields';
import { FormError } from '../../../components/ui/states';
import { TimeSelect } from '../../../components/ui/time-select';
import { useErrorMessage } from '../../../lib/error-message';
import { ApiError } from '../../../lib/api-client';
import { atLocal, todayIn, useFormat } from '../../../lib/datetime';
import { useCreateClassSession } from '../api/create-class-session';
import { useCreateSeries } from '../api/create-series';

interface Props {
  labId: string;
  zone: string;
  machines: Machine[];
}

function MachinePicker({
  machines,
  value,
  onChange,
}: {
  machines: Machine[];
  value: string[];
  onChange: (ids: string[]) => void;
}) {
  const { t } = useTranslation();
  return (
    <fieldset className="fieldset">
      <legend>{t('groups.machines')}</legend>
      <div className="machine-checks">
        {machines
          .filter((m) => m.status === 'available')
          .map((m) => (
            <label key={m.id} className="check">
              <input
                type="checkbox"
                checked={value.includes(m.id)}
                onChange={(e) => onChange(e.target.checked ? [...value, m.id] : value.filter((id) => id !== m.id))}
              />
              <span>{m.name}</span>
            </label>
          ))}
      </div>
    </fieldset>
  );
}

function useTimes(zone: string) {
  const [date, setDate] = useState(() => addDays(todayIn(zone), 7));
  const [start, setStart] = useState('08:00');
  const [end, setEnd] = useState('10:00');
  const startAt = atLocal(date, start, zone);
  const endAt = atLocal(date, end, zone);
  const fields = (t: (k: string) => string) => (
    <div className="form-row">
      <DateField value={date} onChange={setDate} />
      <label className="field">
        <span>{t('booking.start')}</span>
        <TimeSelect value={start} onChange={setStart} />
      </label>
      <label className="field">
        <span>{t('booking.end')}</span>
        <TimeSelect value={end} onChange={setEnd} allowMidnightEnd />
      </label>
    </div>
  );
  return { startAt, endAt, fields };
}

export function ClassSessionForm({ labId, zone, machines }: Props) {
  const { t } = useTranslation();
  const format = useFormat();
  const create = useCreateClassSession();
  const times = useTimes(zone);
  const [machineIds, setMachineIds] = useState<string[]>([]);
  const [title, setTitle] = useState('');
  const [participants, setParticipants] = useState(20);
  const [done, setDone] = useState<string | null>(null);
  function submit(event: FormEvent) {
    event.preventDefault();
    setDone(null);
    create.mutate(
      {
        labId,
        machineIds,
        start: times.startAt.toUTC().toISO() as string,
        end: times.endAt.toUTC().toISO() as string,
        title: title.trim(),
        participants,
      },
      {
        onSuccess: (r) =>
          setDone(
            t('groups.classCreated', {
              count: r.bookings.length,
              when: format.range(times.startAt, times.endAt, zone),
            }),
          ),
      },
    );
  }
  return (
    <form className="form card" onSubmit={submit} aria-labelledby="class-title">
      <h2 id="class-title">{t('groups.classTitle')}</h2>
      <p className="muted small">{t('groups.classIntro')}</p>
      <label className="field">
        <span>{t('groups.title')}</span>
        <input
          required
          maxLength={200}
          value={title}
          onChange={(e) => setTitle(e.target.value)}
          placeholder={t('groups.titleExample')}
        />
      </label>
      {times.fields(t)}
      <label className="field">
        <span>{t('groups.participants')}</span>
        <input
          type="number"
          min={1}
          max={1000}
          required
          value={participants}
          onChange={(e) => setParticipants(Number(e.target.value))}
        />
      </label>
      <MachinePicker machines={machines} value={machineIds} onChange={setMachineIds} />
      <FormError error={create.error} />
      {done && (
        <p className="feedback-ok" role="status">
          {done}
        </p>
      )}
      <div>
        <button
          type="submit"
          className="button button-primary"
          disabled={create.isPending || machineIds.length === 0 || !title.trim()}
        >
          {t('groups.createClass')}
        </button>
      </div>
    </form>
  );
}

export function SeriesForm({ zone, machines }: Props) {
  const { t } = useTranslation();
  const format = useFormat();
  const errorText = useErrorMessage();
  const create = useCreateSeries();
  const times = useTimes(zone);
  const [machineIds, setMachineIds] = useState<string[]>([]);
  const [title, setTitle] = useState('');
  const [count, setCount] = useState(10);
  const [purpose, setPurpose] = useState<Purpose>('stem_class');
  const [onConflict, setOnConflict] = useState<'skip' | 'fail'>('skip');
  const [result, setResult] = useState<SeriesResponse | null>(null);
  const name = (id: string) => machines.find((m) => m.id === id)?.name ?? '';
  function submit(event: FormEvent) {
    event.preventDefault();
    setResult(null);
    create.mutate(
      {
        machineIds,
        firstStart: times.startAt.toUTC().toISO() as string,
        firstEnd: times.endAt.toUTC().toISO() as string,
        repeat: { every: 'week', count },
        title: title.trim(),
        purpose,
        onConflict,
      },
      { onSuccess: setResult },
    );
  }
  return (
    <form className="form card" onSubmit={submit} aria-labelledby="series-title">
      <h2 id="series-title">{t('groups.seriesTitle')}</h2>
      <p className="muted small">{t('groups.seriesIntro')}</p>
      <label className="field">
        <span>{t('groups.title')}</span>
        <input required maxLength={200} value={title} onChange={(e) => setTitle(e.target.value)} />
      </label>
      {times.fields(t)}
      <div className="form-row">
        <label className="field">
          <span>{t('groups.weeks')}</span>
          <input
            type="number"
            min={1}
            max={52}
            required
            value={count}
            onChange={(e) => setCount(Number(e.target.value))}
          />
        </label>
        <PurposeField value={purpose} onChange={setPurpose} />
        <label className="field">
          <span>{t('groups.onConflict')}</span>
          <select value={onConflict} onChange={(e) => setOnConflict(e.target.value as 'skip' | 'fail')}>
            <option value="skip">{t('groups.skip')}</option>
            <option value="fail">{t('groups.fail')}</option>
          </select>
        </label>
      </div>
      <MachinePicker machines={machines} value={machineIds} onChange={setMachineIds} />
      <FormError error={create.error} />
      {result && (
        <div role="status" className="feedback-ok">
          <p>{t('groups.seriesCreated', { created: result.created.length, skipped: result.skipped.length })}</p>
          {result.skipped.length > 0 && (
            <ul className="small">
              {result.skipped.map((s) => (
                <li key={`${s.machineId}-${s.start}`}>
                  {name(s.machineId)} · {format.range(s.start, s.end, zone)}:{' '}
                  {errorText(new ApiError(409, s.code, s.code))}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      <div>
        <button
          type="submit"
          className="button button-primary"
          disabled={create.isPending || machineIds.length === 0 || !title.trim()}
        >
          {t('groups.createSeries')}
        </button>
      </div>
    </form>
  );
}

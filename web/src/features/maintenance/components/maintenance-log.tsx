// A machine's maintenance log, newest first: the work done on it, by whom, at what cost. The
// department reads it without the form, and without the names (the API sends none).
import type { Machine } from '@fablab/shared';
import { DateTime } from 'luxon';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { DateInput } from '../../../components/ui/date-input';
import { Dialog } from '../../../components/ui/dialog';
import { Badge, Empty, ErrorState, FormError, Loading, StatusMessage } from '../../../components/ui/states';
import { TimeSelect } from '../../../components/ui/time-select';
import { atLocal, useFormat } from '../../../lib/datetime';
import { useAddLogEntry } from '../api/add-log-entry';
import { useMaintenanceLog } from '../api/get-maintenance-log';
import { useVnd } from './plan-status';
import { useWorkDoneFields } from './work-done-fields';

const PAGE = 50;
/** The server's largest page. */
const MAX = 500;

function LogEntryForm({
  machine,
  zone,
  onClose,
  onSaved,
}: {
  machine: Machine;
  zone: string;
  onClose: () => void;
  onSaved: () => void;
}) {
  const { t } = useTranslation();
  const add = useAddLogEntry();
  // Opened now: "now" is the default time of the work, on the quarter hour the select offers.
  const [now] = useState(() => DateTime.now().setZone(zone));
  const [date, setDate] = useState(now.toISODate() as string);
  const [time, setTime] = useState(now.toFormat('HH:mm'));
  const fields = useWorkDoneFields();
  const { work } = fields;
  const performedAt = atLocal(date, time, zone);
  const valid = work !== null && performedAt.isValid;

  function submit(event: FormEvent) {
    event.preventDefault();
    if (!work || !performedAt.isValid) return;
    add.mutate(
      { machineId: machine.id, body: { ...work, performedAt: performedAt.toUTC().toISO() as string } },
      { onSuccess: onSaved },
    );
  }

  return (
    <form className="form" onSubmit={submit}>
      <p>
        <strong>{machine.name}</strong>
      </p>
      {fields.description}
      <div className="form-row">
        <label className="field">
          <span>{t('maintenanceLog.date')}</span>
          <DateInput required value={date} onChange={(d) => d && setDate(d)} />
        </label>
        <label className="field">
          <span>{t('maintenanceLog.time')}</span>
          <TimeSelect value={time} onChange={setTime} />
        </label>
      </div>
      {fields.costAndParts}
      <FormError error={add.error} />
      <div className="form-actions">
        <button type="button" className="button" onClick={onClose}>
          {t('common.cancel')}
        </button>
        <button type="submit" className="button button-primary" disabled={!valid || add.isPending}>
          {t('maintenanceLog.add')}
        </button>
      </div>
    </form>
  );
}

interface Props {
  machine: Machine;
  zone: string;
  /** Leaves out writing a new entry. */
  readOnly?: boolean;
}

export function MaintenanceLog({ machine, zone, readOnly = false }: Props) {
  const { t } = useTranslation();
  const format = useFormat();
  const vnd = useVnd();
  const [limit, setLimit] = useState(PAGE);
  const log = useMaintenanceLog(machine.id, limit);
  const [adding, setAdding] = useState(false);
  const [message, setMessage] = useState<string | null>(null);

  return (
    <section className="card" aria-labelledby="log-title">
      <div className="toolbar-row">
        <h2 id="log-title">{t('maintenanceLog.heading', { machine: machine.name })}</h2>
        {!readOnly && (
          <button
            type="button"
            className="button"
            onClick={() => {
              setMessage(null);
              setAdding(true);
            }}
          >
            {t('maintenanceLog.add')}
          </button>
        )}
      </div>
      <StatusMessage message={message} />
      {log.isPending && <Loading />}
      {log.isError && <ErrorState error={log.error} onRetry={() => void log.refetch()} />}
      {log.data && log.data.items.length === 0 && <Empty>{t('maintenanceLog.none')}</Empty>}
      {log.data && log.data.items.length > 0 && (
        <ul className="list" aria-label={t('maintenanceLog.listLabel', { machine: machine.name })}>
          {log.data.items.map((entry) => (
            <li key={entry.id} className="list-item">
              <div className="list-item-main">
                <p>
                  <strong>{format.dateTime(entry.performedAt, zone)}</strong> · {entry.description}{' '}
                  {entry.planId && <Badge tone="info">{t('maintenanceLog.fromPlan')}</Badge>}
                </p>
                <p className="muted small">
                  {[
                    t('maintenanceLog.by', { name: entry.performedByName ?? t('common.none') }),
                    entry.costVnd > 0 ? t('maintenanceLog.costValue', { cost: vnd(entry.costVnd) }) : null,
                    entry.parts ? t('maintenanceLog.partsValue', { parts: entry.parts }) : null,
                  ]
                    .filter(Boolean)
                    .join(' · ')}
                </p>
              </div>
            </li>
          ))}
        </ul>
      )}
      {log.data && log.data.total > log.data.items.length && limit < MAX && (
        <div className="form-actions">
          <span className="muted small">
            {t('maintenanceLog.shown', { shown: log.data.items.length, total: log.data.total })}
          </span>
          <button
            type="button"
            className="button"
            disabled={log.isFetching}
            onClick={() => setLimit((l) => Math.min(l + PAGE, MAX))}
          >
            {t('maintenanceLog.more')}
          </button>
        </div>
      )}
      {!readOnly && (
        <Dialog open={adding} title={t('maintenanceLog.addTitle')} onClose={() => setAdding(false)}>
          {adding && (
            <LogEntryForm
              machine={machine}
              zone={zone}
              onClose={() => setAdding(false)}
              onSaved={() => {
                setAdding(false);
                setMessage(t('maintenanceLog.saved'));
              }}
            />
          )}
        </Dialog>
      )}
    </section>
  );
}

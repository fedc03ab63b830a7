// Today's usage sessions of a lab (bookings checked in and walk-ins): end an open one, report an incident.
import { INCIDENT_KINDS, type IncidentKind, type UsageSession } from '@fablab/shared';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Dialog } from '../../../components/ui/dialog';
import { Badge, Empty, ErrorState, FormError, Loading } from '../../../components/ui/states';
import { localDayRange, useFormat } from '../../../lib/datetime';
import { useEndUsage } from '../api/end-usage';
import { useUsage } from '../api/get-usage';
import { useReportIncident } from '../api/report-incident';

interface Props {
  labId: string;
  zone: string;
  date: string;
  machineName: (machineId: string) => string;
}

function IncidentForm({ session, onClose }: { session: UsageSession; onClose: () => void }) {
  const { t } = useTranslation();
  const report = useReportIncident();
  const [kind, setKind] = useState<IncidentKind>('malfunction');
  const [description, setDescription] = useState('');
  const [outOfService, setOutOfService] = useState(false);
  function submit(event: FormEvent) {
    event.preventDefault();
    if (!description.trim()) return;
    report.mutate(
      { usageId: session.id, body: { kind, description: description.trim(), putOutOfService: outOfService } },
      { onSuccess: onClose },
    );
  }
  return (
    <form className="form" onSubmit={submit}>
      <label className="field">
        <span>{t('incident.kind')}</span>
        <select value={kind} onChange={(e) => setKind(e.target.value as IncidentKind)}>
          {INCIDENT_KINDS.map((k) => (
            <option key={k} value={k}>
              {t(`incident.kinds.${k}`)}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>{t('incident.description')}</span>
        <textarea
          required
          rows={3}
          maxLength={2000}
          value={description}
          onChange={(e) => setDescription(e.target.value)}
        />
      </label>
      <label className="check">
        <input type="checkbox" checked={outOfService} onChange={(e) => setOutOfService(e.target.checked)} />
        <span>{t('incident.putOutOfService')}</span>
      </label>
      <FormError error={report.error} />
      <div className="form-actions">
        <button type="button" className="button" onClick={onClose}>
          {t('common.cancel')}
        </button>
        <button type="submit" className="button button-danger" disabled={report.isPending || !description.trim()}>
          {t('incident.report')}
        </button>
      </div>
    </form>
  );
}

export function UsageList({ labId, zone, date, machineName }: Props) {
  const { t } = useTranslation();
  const format = useFormat();
  const day = localDayRange(date, zone);
  const usage = useUsage({
    labId,
    from: day.from.toUTC().toISO() as string,
    to: day.to.toUTC().toISO() as string,
    limit: 500,
  });
  const end = useEndUsage();
  const [incidentFor, setIncidentFor] = useState<UsageSession | null>(null);

  if (usage.isPending) return <Loading />;
  if (usage.isError) return <ErrorState error={usage.error} onRetry={() => void usage.refetch()} />;
  const items = [...usage.data.items].sort((a, b) => a.start.localeCompare(b.start));
  return (
    <>
      {items.length === 0 && <Empty>{t('usageList.empty')}</Empty>}
      <FormError error={end.error} />
      <ul className="list">
        {items.map((s) => (
          <li key={s.id} className="list-item">
            <div className="list-item-main">
              <p>
                <strong>{machineName(s.machineId)}</strong> · {s.userName ?? t('usageList.anonymous')}{' '}
                {s.guest && <Badge>{t('usageList.guest')}</Badge>}{' '}
                {!s.bookingId && <Badge tone="info">{t('usageList.walkIn')}</Badge>}
              </p>
              <p>
                {s.end
                  ? format.range(s.start, s.end, zone)
                  : t('usageList.since', { time: format.time(s.start, zone) })}
              </p>
              {s.materials.length > 0 && (
                <p className="muted small">
                  {s.materials.map((m) => `${m.material}: ${format.number(m.quantity, 2)} ${m.unit}`).join(' · ')}
                </p>
              )}
              {s.note && <p className="muted small">{s.note}</p>}
            </div>
            <div className="list-item-actions">
              {!s.end && !s.bookingId && (
                <button
                  type="button"
                  className="button button-small"
                  onClick={() => end.mutate({ id: s.id, body: {} })}
                >
                  {t('usageList.endNow')}
                </button>
              )}
              <button type="button" className="button button-small" onClick={() => setIncidentFor(s)}>
                {t('incident.report')}
              </button>
            </div>
          </li>
        ))}
      </ul>
      <Dialog open={incidentFor !== null} title={t('incident.title')} onClose={() => setIncidentFor(null)}>
        {incidentFor && <IncidentForm session={incidentFor} onClose={() => setIncidentFor(null)} />}
      </Dialog>
    </>
  );
}

// The incidents reported in a lab, newest first: which machine, when, what kind, what happened.
import type { IncidentKind } from '@fablab/shared';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Badge, Empty, ErrorState, Loading } from '../../../components/ui/states';
import { useFormat } from '../../../lib/datetime';
import { useIncidents } from '../api/get-incidents';

const PAGE = 50;
/** The server's largest page. */
const MAX = 500;

const TONE: Record<IncidentKind, 'danger' | 'warning' | 'neutral'> = {
  injury: 'danger',
  damage: 'warning',
  malfunction: 'warning',
  other: 'neutral',
};

interface Props {
  labId: string;
  zone: string;
  machineName: (machineId: string) => string;
}

export function IncidentList({ labId, zone, machineName }: Props) {
  const { t } = useTranslation();
  const format = useFormat();
  const [limit, setLimit] = useState(PAGE);
  const incidents = useIncidents(labId, limit);

  if (incidents.isPending) return <Loading />;
  if (incidents.isError) return <ErrorState error={incidents.error} onRetry={() => void incidents.refetch()} />;
  const { items, total } = incidents.data;
  if (items.length === 0) return <Empty>{t('incidentList.none')}</Empty>;
  return (
    <>
      <ul className="list" aria-label={t('incidentList.title')}>
        {items.map((i) => (
          <li key={i.id} className="list-item">
            <div className="list-item-main">
              <p>
                <strong>{machineName(i.machineId) || t('incidentList.unknownMachine')}</strong> ·{' '}
                {format.dateTime(i.createdAt, zone)} <Badge tone={TONE[i.kind]}>{t(`incident.kinds.${i.kind}`)}</Badge>{' '}
                {i.machineOutOfService && <Badge tone="danger">{t('incidentList.outOfService')}</Badge>}
              </p>
              <p>{i.description}</p>
              <p className="muted small">
                {t('incidentList.reportedBy', { name: i.reportedByName ?? t('common.none') })}
              </p>
            </div>
          </li>
        ))}
      </ul>
      {total > items.length && limit < MAX && (
        <div className="form-actions">
          <span className="muted small">{t('incidentList.shown', { shown: items.length, total })}</span>
          <button
            type="button"
            className="button"
            disabled={incidents.isFetching}
            onClick={() => setLimit((l) => Math.min(l + PAGE, MAX))}
          >
            {t('incidentList.more')}
          </button>
        </div>
      )}
    </>
  );
}

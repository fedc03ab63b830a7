import type { Certification } from '@fablab/shared';
import { useTranslation } from 'react-i18next';
import { Badge, Empty, ErrorState, Loading } from '../../../components/ui/states';
import { useFormat } from '../../../lib/datetime';
import { useCertifications } from '../api/get-certifications';

const STATE_TONE: Record<Certification['state'], 'success' | 'warning' | 'danger' | 'neutral'> = {
  valid: 'success',
  expired: 'warning',
  lapsed: 'warning',
  revoked: 'danger',
};

interface Props {
  userId: string;
  labNameOf: (labId: string) => string;
  zoneOf: (labId: string) => string;
  machineTypeName: (type: string) => string;
}

export function MyCertifications({ userId, labNameOf, zoneOf, machineTypeName }: Props) {
  const { t } = useTranslation();
  const format = useFormat();
  const list = useCertifications({ userId, limit: 500 });
  return (
    <section className="card" aria-labelledby="certs-title">
      <h2 id="certs-title">{t('certifications.mine')}</h2>
      {list.isPending && <Loading />}
      {list.isError && <ErrorState error={list.error} onRetry={() => void list.refetch()} />}
      {list.data && list.data.items.length === 0 && <Empty>{t('certifications.noneHeld')}</Empty>}
      {list.data && list.data.items.length > 0 && (
        <ul className="list">
          {list.data.items.map((c) => (
            <li key={c.id} className="list-item">
              <div className="list-item-main">
                <p>
                  <strong>{machineTypeName(c.machineType)}</strong> · {labNameOf(c.labId)}
                </p>
                <p className="muted small">
                  {t('certifications.granted', { date: format.date(c.grantedAt, zoneOf(c.labId)) })}
                  {c.expiresAt
                    ? ` · ${t('certifications.expires', { date: format.date(c.expiresAt, zoneOf(c.labId)) })}`
                    : ` · ${t('certifications.noExpiry')}`}
                </p>
                <p className="muted small">
                  {t('certifications.countsIn', { labs: c.countsIn.map(labNameOf).join(', ') })}
                </p>
              </div>
              <Badge tone={STATE_TONE[c.state]}>{t(`certifications.states.${c.state}`)}</Badge>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

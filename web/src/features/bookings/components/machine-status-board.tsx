import type { Machine } from '@fablab/shared';
import { useTranslation } from 'react-i18next';
import { ErrorState, Loading } from '../../../components/ui/states';
import { useFormat } from '../../../lib/datetime';
import { useLabStatus } from '../api/get-lab-status';

export function MachineStatusBoard({ labId, machines, zone }: { labId: string; machines: Machine[]; zone: string }) {
  const { t } = useTranslation();
  const format = useFormat();
  const status = useLabStatus(labId);
  if (status.isPending) return <Loading />;
  if (status.isError) return <ErrorState error={status.error} onRetry={() => void status.refetch()} />;
  const byId = new Map(status.data.machines.map((s) => [s.machineId, s]));
  return (
    <ul className="status-board" aria-label={t('status.title')}>
      {machines
        .filter((m) => m.status !== 'retired')
        .map((m) => {
          const s = byId.get(m.id);
          const state = s?.state ?? (m.status === 'out_of_service' ? 'out_of_service' : 'free');
          return (
            <li key={m.id} className={`status-card status-${state}`}>
              <p>
                <strong>{m.name}</strong>
              </p>
              <p>{t(`status.states.${state}`)}</p>
              {s?.userName && <p className="small">{s.userName}</p>}
              {s?.until && <p className="muted small">{t('status.until', { time: format.dateTime(s.until, zone) })}</p>}
            </li>
          );
        })}
    </ul>
  );
}

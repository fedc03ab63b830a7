import type { LiveMachineStatus, Machine } from '@fablab/shared';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorState, Loading } from '../../../components/ui/states';
import { useFormat } from '../../../lib/datetime';
import { useLabStatus } from '../api/get-lab-status';

/**
 * What each machine is doing now. A machine with a power switch also shows what `renderPower` makes
 * of it (the devices feature's reading and the managers' override, composed by the page).
 */
export function MachineStatusBoard({
  labId,
  machines,
  zone,
  renderPower,
}: {
  labId: string;
  machines: Machine[];
  zone: string;
  renderPower?: (machine: Machine, power: NonNullable<LiveMachineStatus['power']>) => ReactNode;
}) {
  const { t } = useTranslation();
  const format = useFormat();
  const status = useLabStatus(labId);
  if (status.isPending) return <Loading />;
  if (status.isError) return <ErrorState error={status.error} onRetry={() => void status.refetch()} />;
  const byId = new Map(status.data.machines.map((s) => [s.machineId, s]));
  return (
    <>
      {status.data.deviceBus === 'down' && (
        <p className="notice notice-warning" role="status">
          {t('status.deviceBusDown')}
        </p>
      )}
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
                {s?.until && (
                  <p className="muted small">{t('status.until', { time: format.dateTime(s.until, zone) })}</p>
                )}
                {s?.power && renderPower && <p className="small">{renderPower(m, s.power)}</p>}
              </li>
            );
          })}
      </ul>
    </>
  );
}

import type { Machine } from '@fablab/shared';
import { useTranslation } from 'react-i18next';
import { Badge, Empty, ErrorState, Loading } from '../../../components/ui/states';
import { useNames } from '../../../lib/names';
import { useLabMachines } from '../api/get-lab-machines';

export function MachineRules({ machine }: { machine: Machine }) {
  const { t } = useTranslation();
  return (
    <ul className="machine-rules">
      <li>{t('machines.lengthRule', { min: machine.minMinutes, max: machine.maxMinutes })}</li>
      <li>{t('machines.slotRule', { slot: machine.slotMinutes })}</li>
      {machine.bufferMinutes > 0 && <li>{t('machines.bufferRule', { buffer: machine.bufferMinutes })}</li>}
      {machine.mayRunUnattended && <li>{t('machines.unattendedRule')}</li>}
    </ul>
  );
}

export function MachineBadges({ machine }: { machine: Machine }) {
  const { t } = useTranslation();
  return (
    <span className="badges">
      {machine.status !== 'available' && <Badge tone="danger">{t(`machineStatus.${machine.status}`)}</Badge>}
      {machine.requiresCertification ? (
        <Badge tone="warning">{t('machines.needsCertification')}</Badge>
      ) : (
        <Badge tone="success">{t('machines.noCertification')}</Badge>
      )}
      {machine.requiresApproval ? (
        <Badge tone="info">{t('machines.needsApproval')}</Badge>
      ) : (
        <Badge>{t('machines.instantBooking')}</Badge>
      )}
    </span>
  );
}

export function MachineList({ labId }: { labId: string }) {
  const { t } = useTranslation();
  const names = useNames();
  const machines = useLabMachines(labId);
  if (machines.isPending) return <Loading label={t('machines.loading')} />;
  if (machines.isError) return <ErrorState error={machines.error} onRetry={() => void machines.refetch()} />;
  const visible = machines.data.filter((m) => m.status !== 'retired');
  if (visible.length === 0) return <Empty>{t('machines.none')}</Empty>;
  return (
    <ul className="machine-list" aria-label={t('machines.listLabel')}>
      {visible.map((machine) => (
        <li key={machine.id} className="machine-item">
          <div className="machine-head">
            <strong>{machine.name}</strong>
            <span className="muted">{names.machineType(machine.type)}</span>
          </div>
          <MachineBadges machine={machine} />
          <MachineRules machine={machine} />
        </li>
      ))}
    </ul>
  );
}

// Preventive maintenance of a lab: what is due now, then one machine's plans and log.
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { Empty } from '../../../components/ui/states';
import { MachinePlans } from '../../../features/maintenance/components/machine-plans';
import { MaintenanceDueList } from '../../../features/maintenance/components/maintenance-due';
import { MaintenanceLog } from '../../../features/maintenance/components/maintenance-log';
import { useLabContext } from './lab-context';

export function MaintenanceTab() {
  const { t } = useTranslation();
  const { lab, machines, readOnly } = useLabContext();
  const [params, setParams] = useSearchParams();
  // Retired machines keep their history, so they stay choosable, after the working ones.
  const ordered = [...machines].sort(
    (a, b) => Number(a.status === 'retired') - Number(b.status === 'retired') || a.name.localeCompare(b.name),
  );
  const machine = ordered.find((m) => m.id === params.get('machine')) ?? ordered[0];
  const href = (machineId: string) => `/manage/${lab.id}/maintenance?machine=${machineId}`;

  return (
    <>
      <MaintenanceDueList labId={lab.id} zone={lab.timezone} machineHref={href} readOnly={readOnly} />
      <section className="section" aria-labelledby="machine-upkeep-title">
        <h2 id="machine-upkeep-title">{t('maintenancePlans.machineSection')}</h2>
        {machine ? (
          <>
            <div className="toolbar-row">
              <label className="field">
                <span>{t('booking.machine')}</span>
                <select value={machine.id} onChange={(e) => setParams({ machine: e.target.value }, { replace: true })}>
                  {ordered.map((m) => (
                    <option key={m.id} value={m.id}>
                      {m.name}
                      {m.status === 'retired' ? ` (${t('machineStatus.retired')})` : ''}
                    </option>
                  ))}
                </select>
              </label>
            </div>
            <div className="grid-2">
              <MachinePlans key={`plans-${machine.id}`} machine={machine} zone={lab.timezone} readOnly={readOnly} />
              <MaintenanceLog key={`log-${machine.id}`} machine={machine} zone={lab.timezone} readOnly={readOnly} />
            </div>
          </>
        ) : (
          <Empty>{t('maintenancePlans.noMachines')}</Empty>
        )}
      </section>
    </>
  );
}

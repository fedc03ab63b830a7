import { useTranslation } from 'react-i18next';
import { IncidentList } from '../../../features/maintenance/components/incident-list';
import { useLabContext } from './lab-context';

export function IncidentsTab() {
  const { t } = useTranslation();
  const { lab, machines, readOnly } = useLabContext();
  const name = (id: string) => machines.find((m) => m.id === id)?.name ?? '';
  return (
    <section aria-labelledby="incidents-title">
      <h2 id="incidents-title">{t('incidentList.title')}</h2>
      <p className="muted small">{readOnly ? t('incidentList.hintReadOnly') : t('incidentList.hint')}</p>
      <IncidentList labId={lab.id} zone={lab.timezone} machineName={name} />
    </section>
  );
}

import type { Lab } from '@fablab/shared';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { Empty, ErrorState, Loading } from '../../../components/ui/states';
import { useFormat } from '../../../lib/datetime';
import { useNames } from '../../../lib/names';
import { useLabs } from '../api/get-labs';
import { MachineList } from './machine-list';
import { OpeningHoursList } from './opening-hours';

function LabCard({ lab }: { lab: Lab }) {
  const { t } = useTranslation();
  const names = useNames();
  const format = useFormat();
  const headingId = `lab-${lab.id}`;
  return (
    <article className="card lab-card" aria-labelledby={headingId}>
      <header className="lab-card-header">
        <h2 id={headingId}>{names.lab(lab)}</h2>
        <p className="muted">{lab.host}</p>
      </header>
      <div className="lab-card-body">
        <section aria-label={t('labs.openingHours')}>
          <h3>{t('labs.openingHours')}</h3>
          <OpeningHoursList openingHours={lab.openingHours} />
          <p className="muted small">{t('labs.timezone', { zone: format.zone(lab.timezone) })}</p>
          <Link className="button button-primary" to={`/labs/${lab.id}`}>
            {t('labs.openCalendar')}
          </Link>
        </section>
        <section aria-label={t('machines.title')}>
          <h3>{t('machines.title')}</h3>
          <MachineList labId={lab.id} />
        </section>
      </div>
    </article>
  );
}

export function LabList() {
  const { t } = useTranslation();
  const labs = useLabs();
  if (labs.isPending) return <Loading label={t('labs.loading')} />;
  if (labs.isError) return <ErrorState error={labs.error} onRetry={() => void labs.refetch()} />;
  if (labs.data.length === 0) return <Empty>{t('labs.none')}</Empty>;
  return (
    <div className="lab-list">
      {labs.data.map((lab) => (
        <LabCard key={lab.id} lab={lab} />
      ))}
    </div>
  );
}

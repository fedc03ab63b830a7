import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { ErrorState, Loading } from '../../components/ui/states';
import { LabBookingCalendar } from '../../features/bookings/components/lab-booking-calendar';
import { useCertifiedTypes } from '../../features/certifications/api/get-certifications';
import { useLab } from '../../features/labs/api/get-lab';
import { useLabMachines } from '../../features/labs/api/get-lab-machines';
import { useUser } from '../../lib/auth';
import { useNames } from '../../lib/names';

export default function LabCalendarPage() {
  const { labId = '' } = useParams();
  const { t } = useTranslation();
  const names = useNames();
  const lab = useLab(labId);
  const machines = useLabMachines(labId);
  const { data: user } = useUser();
  const certified = useCertifiedTypes(user?.id, labId);

  if (lab.isPending || machines.isPending) return <Loading label={t('calendar.loading')} />;
  if (lab.isError) return <ErrorState error={lab.error} onRetry={() => void lab.refetch()} />;
  if (machines.isError) return <ErrorState error={machines.error} onRetry={() => void machines.refetch()} />;

  return (
    <>
      <div className="page-head">
        <p className="breadcrumb">
          <Link to="/">{t('nav.labs')}</Link>
        </p>
        <h1>{names.lab(lab.data)}</h1>
        <p className="muted">{lab.data.host}</p>
      </div>
      <LabBookingCalendar
        lab={lab.data}
        machines={machines.data}
        signedIn={Boolean(user)}
        certifiedTypes={user ? certified.data : undefined}
        machineTypeName={names.machineType}
      />
    </>
  );
}

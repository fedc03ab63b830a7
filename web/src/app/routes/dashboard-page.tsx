import { useTranslation } from 'react-i18next';
import { ErrorState, Loading } from '../../components/ui/states';
import { useLabs } from '../../features/labs/api/get-labs';
import { StatsDashboard } from '../../features/stats/components/stats-dashboard';
import { RequireAuth, isLabManager, useUser } from '../../lib/auth';
import { useNames } from '../../lib/names';
import { ForbiddenPage } from './not-found-page';

function DashboardContent() {
  const { t } = useTranslation();
  const names = useNames();
  const { data: user } = useUser();
  const labs = useLabs();
  if (labs.isPending) return <Loading />;
  if (labs.isError) return <ErrorState error={labs.error} onRetry={() => void labs.refetch()} />;
  // Managers read their own labs' figures; the department and admins every lab's.
  const allowAll = user?.role === 'department' || user?.role === 'admin';
  const visible = allowAll ? labs.data : labs.data.filter((l) => isLabManager(user, l.id));
  return (
    <>
      <div className="page-head">
        <h1>{t('stats.title')}</h1>
        <p className="lead">{t('stats.intro')}</p>
      </div>
      <StatsDashboard labs={visible} allowAllLabs={allowAll} labName={names.lab} machineTypeName={names.machineType} />
    </>
  );
}

export default function DashboardPage() {
  return (
    <RequireAuth roles={['department', 'admin', 'manager']} fallback={<Loading />} forbidden={<ForbiddenPage />}>
      <DashboardContent />
    </RequireAuth>
  );
}

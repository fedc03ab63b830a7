// The audit log: admins read every lab's, managers only the labs they manage.
import { useSearchParams } from 'react-router';
import { ErrorState, Loading } from '../../components/ui/states';
import { AuditLog } from '../../features/audit/components/audit-log';
import { useLabs } from '../../features/labs/api/get-labs';
import { isLabManager, RequireAuth, useUser } from '../../lib/auth';
import { useNames } from '../../lib/names';
import { ForbiddenPage } from './not-found-page';

function AuditContent() {
  const names = useNames();
  const labs = useLabs();
  const { data: user } = useUser();
  const [params] = useSearchParams();
  if (labs.isPending) return <Loading />;
  if (labs.isError) return <ErrorState error={labs.error} onRetry={() => void labs.refetch()} />;
  const isAdmin = user?.role === 'admin';
  const visible = labs.data
    .filter((l) => isAdmin || isLabManager(user, l.id))
    .map((l) => ({ id: l.id, name: names.lab(l), timezone: l.timezone }));
  const wanted = params.get('labId') ?? '';
  return (
    <AuditLog
      labs={visible}
      allowAllLabs={isAdmin || visible.length > 1}
      initialLabId={visible.some((l) => l.id === wanted) ? wanted : ''}
    />
  );
}

export default function AuditPage() {
  return (
    <RequireAuth roles={['manager', 'admin']} fallback={<Loading />} forbidden={<ForbiddenPage />}>
      <AuditContent />
    </RequireAuth>
  );
}

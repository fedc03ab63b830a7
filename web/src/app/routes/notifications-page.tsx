import { DEFAULT_TIMEZONE } from '@fablab/shared';
import { useTranslation } from 'react-i18next';
import { useLabs } from '../../features/labs/api/get-labs';
import { Loading } from '../../components/ui/states';
import { NotificationList } from '../../features/notifications/components/notification-list';
import { RequireAuth } from '../../lib/auth';
import { ForbiddenPage } from './not-found-page';

export function NotificationsPage() {
  const { t } = useTranslation();
  const labs = useLabs();
  const zoneOf = (labId?: string) => labs.data?.find((l) => l.id === labId)?.timezone ?? DEFAULT_TIMEZONE;
  return (
    <RequireAuth fallback={<Loading />} forbidden={<ForbiddenPage />}>
      <h1>{t('notifications.title')}</h1>
      <NotificationList zoneOf={zoneOf} />
    </RequireAuth>
  );
}

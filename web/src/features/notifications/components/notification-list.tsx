import type { Notification } from '@fablab/shared';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { Empty, ErrorState, Loading } from '../../../components/ui/states';
import { useFormat } from '../../../lib/datetime';
import { useNotifications } from '../api/get-notifications';
import { useMarkRead } from '../api/mark-read';

const FALLBACK_ZONE = 'Asia/Ho_Chi_Minh';

function useWording(zoneOf: (labId?: string) => string) {
  const { t } = useTranslation();
  const format = useFormat();
  return (n: Notification) => {
    const zone = zoneOf(n.data.labId ?? undefined);
    const when = typeof n.data.start === 'string' ? format.dateTime(n.data.start, zone) : '';
    const values = {
      machine: n.data.machineName ?? t('notifications.aMachine'),
      start: when,
      reason: n.data.reason ?? '',
    };
    const kind = n.kind === 'booking_cancelled' && n.data.byMaintenance ? 'booking_cancelled_maintenance' : n.kind;
    const text = t(`notifications.kinds.${kind}`, {
      ...values,
      defaultValue: t('notifications.kinds.generic', values),
    });
    const reason =
      n.data.reason && !text.includes(n.data.reason) ? ` ${t('notifications.reason', { reason: n.data.reason })}` : '';
    return text + reason;
  };
}

/** `zoneOf` names the lab's time zone, in which the booking's times are read. */
export function NotificationList({ zoneOf = () => FALLBACK_ZONE }: { zoneOf?: (labId?: string) => string }) {
  const { t } = useTranslation();
  const format = useFormat();
  const list = useNotifications({ limit: 100 });
  const markRead = useMarkRead();
  const word = useWording(zoneOf);
  if (list.isPending) return <Loading />;
  if (list.isError) return <ErrorState error={list.error} onRetry={() => void list.refetch()} />;
  if (list.data.items.length === 0) return <Empty>{t('notifications.none')}</Empty>;
  return (
    <ul className="notification-list">
      {list.data.items.map((n) => (
        <li key={n.id} className={n.readAt ? 'notification' : 'notification notification-unread'}>
          <p>{word(n)}</p>
          <p className="muted small">
            <time dateTime={n.createdAt}>{format.dateTime(n.createdAt, FALLBACK_ZONE)}</time>
            {!n.readAt && <> · {t('notifications.unread')}</>}
          </p>
          {n.data.bookingId && (
            <Link
              className="button button-small"
              to={n.kind === 'booking_pending' && n.data.labId ? `/manage/${n.data.labId}` : '/my'}
            >
              {n.kind === 'booking_pending' ? t('notifications.openQueue') : t('notifications.openBookings')}
            </Link>
          )}{' '}
          {!n.readAt && (
            <button
              type="button"
              className="button button-small"
              onClick={() => markRead.mutate(n.id)}
              disabled={markRead.isPending && markRead.variables === n.id}
            >
              {t('notifications.markRead')}
            </button>
          )}
        </li>
      ))}
    </ul>
  );
}

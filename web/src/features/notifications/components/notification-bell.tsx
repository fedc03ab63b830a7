import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation } from 'react-router';
import { useUnreadCount } from '../api/get-notifications';
import { notificationKeys } from '../api/keys';

export function NotificationBell() {
  const { t } = useTranslation();
  const unread = useUnreadCount(true);
  const queryClient = useQueryClient();
  const { pathname } = useLocation();
  // Moving to another page is a natural moment to look for news (an approval, a cancellation).
  useEffect(() => {
    void queryClient.invalidateQueries({ queryKey: notificationKeys.all });
  }, [pathname, queryClient]);
  const count = unread.data ?? 0;
  const label = count > 0 ? t('notifications.bellUnread', { count }) : t('notifications.bell');
  return (
    <Link to="/notifications" className="bell" aria-label={label} title={label}>
      <svg
        aria-hidden="true"
        width="22"
        height="22"
        viewBox="0 0 24 24"
        fill="none"
        stroke="currentColor"
        strokeWidth="2"
      >
        <path d="M18 8a6 6 0 1 0-12 0c0 7-3 9-3 9h18s-3-2-3-9" />
        <path d="M13.7 21a2 2 0 0 1-3.4 0" />
      </svg>
      {count > 0 && (
        <span className="bell-count" aria-hidden="true">
          {count > 99 ? '99+' : count}
        </span>
      )}
    </Link>
  );
}

import type { NotificationList } from '@fablab/shared';
import { queryOptions, useQuery } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api-client';
import { notificationKeys } from './keys';

export function getNotifications(
  filters: { unread?: boolean; limit?: number },
  signal?: AbortSignal,
): Promise<NotificationList> {
  return apiRequest('/notifications', {
    signal,
    query: { unread: filters.unread ? true : undefined, limit: filters.limit },
  });
}

export function notificationsQueryOptions(filters: { unread?: boolean; limit?: number } = {}) {
  return queryOptions({
    queryKey: notificationKeys.list(filters),
    queryFn: ({ signal }) => getNotifications(filters, signal),
    // New notifications arrive when someone else acts (a manager approves): look now and then.
    refetchInterval: 60_000,
    staleTime: 15_000,
  });
}

export function useNotifications(filters: { unread?: boolean; limit?: number } = {}) {
  return useQuery(notificationsQueryOptions(filters));
}

/** The number on the bell: only the total of unread ones is fetched. */
export function useUnreadCount(enabled: boolean) {
  return useQuery({ ...notificationsQueryOptions({ unread: true, limit: 1 }), enabled, select: (data) => data.unread });
}

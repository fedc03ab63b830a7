export const notificationKeys = {
  all: ['notifications'] as const,
  lists: () => [...notificationKeys.all, 'list'] as const,
  list: (filters: { unread?: boolean; limit?: number }) => [...notificationKeys.lists(), filters] as const,
};

export const userKeys = {
  all: ['users'] as const,
  lists: () => [...userKeys.all, 'list'] as const,
  list: (filters: { q?: string; role?: string; limit?: number; offset?: number }) =>
    [...userKeys.lists(), filters] as const,
};

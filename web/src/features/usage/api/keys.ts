import type { UsageListQuery } from '@fablab/shared';

export const usageKeys = {
  all: ['usage'] as const,
  lists: () => [...usageKeys.all, 'list'] as const,
  list: (filters: UsageListQuery) => [...usageKeys.lists(), filters] as const,
};

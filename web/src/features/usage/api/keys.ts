import type { UsageListQuery } from '@fablab/shared';
import { sharedKeys } from '../../../lib/query-keys';

export const usageKeys = {
  all: sharedKeys.usage,
  lists: () => [...usageKeys.all, 'list'] as const,
  list: (filters: UsageListQuery) => [...usageKeys.lists(), filters] as const,
};

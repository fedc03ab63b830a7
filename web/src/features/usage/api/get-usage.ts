import type { UsageListQuery, UsageSession } from '@fablab/shared';
import { queryOptions, useQuery } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api-client';
import { usageKeys } from './keys';

export function getUsage(
  filters: UsageListQuery,
  signal?: AbortSignal,
): Promise<{ items: UsageSession[]; total: number }> {
  return apiRequest('/usage', { signal, query: { ...filters } });
}

export function usageQueryOptions(filters: UsageListQuery) {
  return queryOptions({
    queryKey: usageKeys.list(filters),
    queryFn: ({ signal }) => getUsage(filters, signal),
    staleTime: 15_000,
    refetchInterval: 60_000,
  });
}

export function useUsage(filters: UsageListQuery) {
  return useQuery(usageQueryOptions(filters));
}

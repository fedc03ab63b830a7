import type { MonthlyStats } from '@fablab/shared';
import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api-client';
import { statsKeys } from './keys';

export function getMonthlyStats(month: string, labId: string | undefined, signal?: AbortSignal): Promise<MonthlyStats> {
  return apiRequest('/stats/monthly', { signal, query: { month, labId } });
}

export function monthlyStatsQueryOptions(month: string, labId?: string) {
  return queryOptions({
    queryKey: statsKeys.monthly(month, labId),
    queryFn: ({ signal }) => getMonthlyStats(month, labId, signal),
    staleTime: 5 * 60_000,
    placeholderData: keepPreviousData,
  });
}

export function useMonthlyStats(month: string, labId?: string) {
  return useQuery(monthlyStatsQueryOptions(month, labId));
}

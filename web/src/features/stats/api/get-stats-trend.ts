import type { StatsTrend } from '@fablab/shared';
import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api-client';
import { statsKeys } from './keys';

export function getStatsTrend(
  from: string,
  to: string,
  labId: string | undefined,
  signal?: AbortSignal,
): Promise<StatsTrend> {
  return apiRequest('/stats/trend', { signal, query: { from, to, labId } });
}

export function statsTrendQueryOptions(from: string, to: string, labId?: string) {
  return queryOptions({
    queryKey: statsKeys.trend(from, to, labId),
    queryFn: ({ signal }) => getStatsTrend(from, to, labId, signal),
    staleTime: 5 * 60_000,
    placeholderData: keepPreviousData,
  });
}

export function useStatsTrend(from: string, to: string, labId?: string) {
  return useQuery(statsTrendQueryOptions(from, to, labId));
}

import type { Lab } from '@fablab/shared';
import { queryOptions, useQuery } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api-client';
import { labKeys } from './keys';

export function getLabs(signal?: AbortSignal): Promise<{ items: Lab[]; total: number }> {
  return apiRequest('/labs', { signal });
}

export function labsQueryOptions() {
  return queryOptions({
    queryKey: labKeys.lists(),
    queryFn: ({ signal }) => getLabs(signal),
    staleTime: 5 * 60_000,
    select: (data) => data.items,
  });
}

export function useLabs() {
  return useQuery(labsQueryOptions());
}

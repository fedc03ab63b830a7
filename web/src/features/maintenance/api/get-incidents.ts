import type { Incident } from '@fablab/shared';
import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api-client';
import { maintenanceKeys } from './keys';

/** The lab's incidents, newest first as the server orders them. */
export function getIncidents(
  labId: string,
  limit: number,
  signal?: AbortSignal,
): Promise<{ items: Incident[]; total: number }> {
  return apiRequest(`/labs/${labId}/incidents`, { signal, query: { limit } });
}

export function incidentsQueryOptions(labId: string, limit: number) {
  return queryOptions({
    queryKey: maintenanceKeys.incidents(labId, limit),
    queryFn: ({ signal }) => getIncidents(labId, limit, signal),
    placeholderData: keepPreviousData,
    staleTime: 15_000,
  });
}

export function useIncidents(labId: string, limit: number) {
  return useQuery(incidentsQueryOptions(labId, limit));
}

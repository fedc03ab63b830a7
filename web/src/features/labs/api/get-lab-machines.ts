import type { Machine } from '@fablab/shared';
import { queryOptions, useQueries, useQuery } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api-client';
import { labKeys } from './keys';

export function getLabMachines(labId: string, signal?: AbortSignal): Promise<{ items: Machine[]; total: number }> {
  return apiRequest(`/labs/${labId}/machines`, { signal, query: { limit: 500 } });
}

export function labMachinesQueryOptions(labId: string) {
  return queryOptions({
    queryKey: labKeys.machines(labId),
    queryFn: ({ signal }) => getLabMachines(labId, signal),
    staleTime: 5 * 60_000,
    select: (data) => data.items,
  });
}

export function useLabMachines(labId: string) {
  return useQuery(labMachinesQueryOptions(labId));
}

/** Machines of several labs at once (for lists that mix labs: my bookings, dashboards). */
export function useMachinesOfLabs(labIds: string[]) {
  return useQueries({
    queries: labIds.map((labId) => labMachinesQueryOptions(labId)),
    combine: (results) => ({
      machines: results.flatMap((r) => r.data ?? []),
      isPending: results.some((r) => r.isPending),
      error: results.find((r) => r.error)?.error ?? null,
    }),
  });
}

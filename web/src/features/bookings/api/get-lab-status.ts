import type { LabStatus } from '@fablab/shared';
import { queryOptions, useQuery } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api-client';
import { bookingKeys } from './keys';

export function getLabStatus(labId: string, signal?: AbortSignal): Promise<LabStatus> {
  return apiRequest(`/labs/${labId}/status`, { signal });
}

export function labStatusQueryOptions(labId: string) {
  return queryOptions({
    queryKey: bookingKeys.status(labId),
    queryFn: ({ signal }) => getLabStatus(labId, signal),
    staleTime: 10_000,
    // Machines with a power switch change by themselves (draw, presence): followed more closely.
    refetchInterval: (query) => (query.state.data?.machines.some((m) => m.power) ? 5_000 : 30_000),
  });
}

export function useLabStatus(labId: string) {
  return useQuery(labStatusQueryOptions(labId));
}

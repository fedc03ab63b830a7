import type { LabAvailability } from '@fablab/shared';
import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api-client';
import { bookingKeys } from './keys';

export function getLabAvailability(
  labId: string,
  from: string,
  to: string,
  signal?: AbortSignal,
): Promise<LabAvailability> {
  return apiRequest(`/labs/${labId}/availability`, { signal, query: { from, to } });
}

export function labAvailabilityQueryOptions(labId: string, from: string, to: string) {
  return queryOptions({
    queryKey: bookingKeys.availability(labId, from, to),
    queryFn: ({ signal }) => getLabAvailability(labId, from, to, signal),
    staleTime: 15_000,
    placeholderData: keepPreviousData,
  });
}

export function useLabAvailability(labId: string, from: string, to: string) {
  return useQuery(labAvailabilityQueryOptions(labId, from, to));
}

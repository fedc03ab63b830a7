import type { Recognition } from '@fablab/shared';
import { queryOptions, useQuery } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api-client';
import { certificationKeys } from './keys';

export function getRecognitions(labId: string, signal?: AbortSignal): Promise<{ items: Recognition[]; total: number }> {
  return apiRequest(`/labs/${labId}/recognitions`, { signal });
}

export function recognitionsQueryOptions(labId: string) {
  return queryOptions({
    queryKey: certificationKeys.recognitions(labId),
    queryFn: ({ signal }) => getRecognitions(labId, signal),
    staleTime: 60_000,
    select: (data) => data.items,
  });
}

export function useRecognitions(labId: string) {
  return useQuery(recognitionsQueryOptions(labId));
}

import type { LabWithClosures } from '@fablab/shared';
import { queryOptions, useQuery } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api-client';
import { labKeys } from './keys';

export function getLab(labId: string, signal?: AbortSignal): Promise<LabWithClosures> {
  return apiRequest(`/labs/${labId}`, { signal });
}

export function labQueryOptions(labId: string) {
  return queryOptions({
    queryKey: labKeys.detail(labId),
    queryFn: ({ signal }) => getLab(labId, signal),
    staleTime: 5 * 60_000,
  });
}

export function useLab(labId: string) {
  return useQuery(labQueryOptions(labId));
}

import type { Device } from '@fablab/shared';
import { queryOptions, useQuery } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api-client';
import { deviceKeys } from './keys';

export function getLabDevices(labId: string, signal?: AbortSignal): Promise<{ items: Device[]; total: number }> {
  return apiRequest(`/labs/${labId}/devices`, { signal });
}

export function labDevicesQueryOptions(labId: string) {
  return queryOptions({
    queryKey: deviceKeys.lab(labId),
    queryFn: ({ signal }) => getLabDevices(labId, signal),
    staleTime: 2_000,
    // Presence and power change by themselves: the list follows them.
    refetchInterval: 5_000,
  });
}

export function useLabDevices(labId: string) {
  return useQuery(labDevicesQueryOptions(labId));
}

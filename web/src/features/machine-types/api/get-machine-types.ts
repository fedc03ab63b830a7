import type { MachineType } from '@fablab/shared';
import { queryOptions, useQuery } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api-client';
import { machineTypeKeys } from './keys';

export function getMachineTypes(signal?: AbortSignal): Promise<{ items: MachineType[]; total: number }> {
  return apiRequest('/machine-types', { signal });
}

export function machineTypesQueryOptions() {
  return queryOptions({
    queryKey: machineTypeKeys.list(),
    queryFn: ({ signal }) => getMachineTypes(signal),
    // Administrators add or rename a type now and then; a change made here refreshes it at once.
    staleTime: 10 * 60_000,
    select: (data) => data.items,
  });
}

export function useMachineTypes() {
  return useQuery(machineTypesQueryOptions());
}

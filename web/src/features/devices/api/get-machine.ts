import type { Machine } from '@fablab/shared';
import { queryOptions, useQuery } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api-client';
import { deviceKeys } from './keys';

export function getMachine(machineId: string, signal?: AbortSignal): Promise<Machine> {
  return apiRequest(`/machines/${machineId}`, { signal });
}

/** The machine a QR code on it names (its page, /m/<machineId>). */
export function machineQueryOptions(machineId: string) {
  return queryOptions({
    queryKey: deviceKeys.machine(machineId),
    queryFn: ({ signal }) => getMachine(machineId, signal),
    staleTime: 5 * 60_000,
  });
}

export function useMachine(machineId: string) {
  return useQuery(machineQueryOptions(machineId));
}

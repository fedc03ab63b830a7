import type { MaintenanceLogEntry } from '@fablab/shared';
import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api-client';
import { maintenanceKeys } from './keys';

/** The machine's log, newest first as the server orders it. */
export function getMaintenanceLog(
  machineId: string,
  limit: number,
  signal?: AbortSignal,
): Promise<{ items: MaintenanceLogEntry[]; total: number }> {
  return apiRequest(`/machines/${machineId}/maintenance-log`, { signal, query: { limit } });
}

export function maintenanceLogQueryOptions(machineId: string, limit: number) {
  return queryOptions({
    queryKey: maintenanceKeys.log(machineId, limit),
    queryFn: ({ signal }) => getMaintenanceLog(machineId, limit, signal),
    // "Show more" asks for a longer page: keep the shorter one on screen meanwhile.
    placeholderData: keepPreviousData,
  });
}

export function useMaintenanceLog(machineId: string, limit: number) {
  return useQuery(maintenanceLogQueryOptions(machineId, limit));
}

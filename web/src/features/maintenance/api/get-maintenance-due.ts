import type { MaintenancePlan } from '@fablab/shared';
import { queryOptions, useQuery } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api-client';
import { maintenanceKeys } from './keys';

export function getMaintenanceDue(
  labId: string,
  signal?: AbortSignal,
): Promise<{ items: MaintenancePlan[]; total: number }> {
  return apiRequest(`/labs/${labId}/maintenance-due`, { signal });
}

export function maintenanceDueQueryOptions(labId: string) {
  return queryOptions({
    queryKey: maintenanceKeys.due(labId),
    queryFn: ({ signal }) => getMaintenanceDue(labId, signal),
    select: (data) => data.items,
    // Usage hours grow while machines run: a plan can come due with nobody touching it.
    staleTime: 60_000,
    refetchInterval: 5 * 60_000,
  });
}

export function useMaintenanceDue(labId: string, options: { enabled?: boolean } = {}) {
  return useQuery({ ...maintenanceDueQueryOptions(labId), enabled: options.enabled ?? true });
}

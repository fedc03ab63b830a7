import type { MaintenancePlan } from '@fablab/shared';
import { queryOptions, useQuery } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api-client';
import { maintenanceKeys } from './keys';

export function getMaintenancePlans(
  machineId: string,
  signal?: AbortSignal,
): Promise<{ items: MaintenancePlan[]; total: number }> {
  return apiRequest(`/machines/${machineId}/maintenance-plans`, { signal });
}

export function maintenancePlansQueryOptions(machineId: string) {
  return queryOptions({
    queryKey: maintenanceKeys.plans(machineId),
    queryFn: ({ signal }) => getMaintenancePlans(machineId, signal),
    select: (data) => data.items,
  });
}

export function useMaintenancePlans(machineId: string) {
  return useQuery(maintenancePlansQueryOptions(machineId));
}

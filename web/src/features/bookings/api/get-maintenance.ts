import type { MaintenanceListQuery, MaintenanceWindow } from '@fablab/shared';
import { queryOptions, useQuery } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api-client';
import { bookingKeys } from './keys';

export function getMaintenance(
  filters: MaintenanceListQuery,
  signal?: AbortSignal,
): Promise<{ items: MaintenanceWindow[]; total: number }> {
  return apiRequest('/maintenance', { signal, query: { ...filters } });
}

export function maintenanceQueryOptions(filters: MaintenanceListQuery) {
  return queryOptions({
    queryKey: bookingKeys.maintenance(filters),
    queryFn: ({ signal }) => getMaintenance(filters, signal),
    select: (data) => data.items,
  });
}

export function useMaintenance(filters: MaintenanceListQuery) {
  return useQuery(maintenanceQueryOptions(filters));
}

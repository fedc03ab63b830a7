import type { MaintenanceBody, MaintenanceCreated } from '@fablab/shared';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api-client';
import { bookingKeys } from './keys';

export function createMaintenance(machineId: string, body: MaintenanceBody): Promise<MaintenanceCreated> {
  return apiRequest(`/machines/${machineId}/maintenance`, { method: 'POST', body });
}

/** A window cancels the bookings it collides with: every calendar and list is refreshed. */
export function useCreateMaintenance() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ machineId, body }: { machineId: string; body: MaintenanceBody }) =>
      createMaintenance(machineId, body),
    onSettled: () => queryClient.invalidateQueries({ queryKey: bookingKeys.all }),
  });
}

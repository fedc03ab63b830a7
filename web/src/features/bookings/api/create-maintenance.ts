import type { CancelledBookings, MaintenanceBody, MaintenanceCreated } from '@fablab/shared';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api-client';
import { bookingKeys } from './keys';

type Args = { machineId: string; body: MaintenanceBody };

export function createMaintenance(machineId: string, body: MaintenanceBody): Promise<MaintenanceCreated> {
  return apiRequest(`/machines/${machineId}/maintenance`, { method: 'POST', body });
}

/** The dry run: the bookings the window would cancel, with nothing written. */
export function previewMaintenance(machineId: string, body: MaintenanceBody): Promise<CancelledBookings> {
  return apiRequest(`/machines/${machineId}/maintenance`, { method: 'POST', body, query: { dryRun: true } });
}

/** A window cancels the bookings it collides with: every calendar and list is refreshed. */
export function useCreateMaintenance() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ machineId, body }: Args) => createMaintenance(machineId, body),
    onSettled: () => queryClient.invalidateQueries({ queryKey: bookingKeys.all }),
  });
}

export function usePreviewMaintenance() {
  return useMutation({ mutationFn: ({ machineId, body }: Args) => previewMaintenance(machineId, body) });
}

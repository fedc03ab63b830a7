import type { MaintenanceLogBody, MaintenanceLogEntry } from '@fablab/shared';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api-client';
import { maintenanceKeys } from './keys';

export function addLogEntry(machineId: string, body: MaintenanceLogBody): Promise<MaintenanceLogEntry> {
  return apiRequest(`/machines/${machineId}/maintenance-log`, { method: 'POST', body });
}

export function useAddLogEntry() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ machineId, body }: { machineId: string; body: MaintenanceLogBody }) => addLogEntry(machineId, body),
    onSettled: () => queryClient.invalidateQueries({ queryKey: maintenanceKeys.all }),
  });
}

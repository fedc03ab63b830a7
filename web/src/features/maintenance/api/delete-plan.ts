import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api-client';
import { maintenanceKeys } from './keys';

export function deletePlan(machineId: string, planId: string): Promise<void> {
  return apiRequest(`/machines/${machineId}/maintenance-plans/${planId}`, { method: 'DELETE' });
}

export function useDeletePlan() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ machineId, planId }: { machineId: string; planId: string }) => deletePlan(machineId, planId),
    onSettled: () => queryClient.invalidateQueries({ queryKey: maintenanceKeys.all }),
  });
}

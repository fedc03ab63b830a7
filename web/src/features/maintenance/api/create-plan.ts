import type { MaintenancePlan, MaintenancePlanBody } from '@fablab/shared';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api-client';
import { maintenanceKeys } from './keys';

export function createPlan(machineId: string, body: MaintenancePlanBody): Promise<MaintenancePlan> {
  return apiRequest(`/machines/${machineId}/maintenance-plans`, { method: 'POST', body });
}

/** A new plan may already be due: the lab's due list is refreshed with the plans. */
export function useCreatePlan() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ machineId, body }: { machineId: string; body: MaintenancePlanBody }) => createPlan(machineId, body),
    onSettled: () => queryClient.invalidateQueries({ queryKey: maintenanceKeys.all }),
  });
}

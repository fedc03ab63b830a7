import type { MaintenancePlan, MaintenancePlanPatchBody } from '@fablab/shared';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api-client';
import { maintenanceKeys } from './keys';

export function updatePlan(
  machineId: string,
  planId: string,
  body: MaintenancePlanPatchBody,
): Promise<MaintenancePlan> {
  return apiRequest(`/machines/${machineId}/maintenance-plans/${planId}`, { method: 'PATCH', body });
}

export function useUpdatePlan() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ machineId, planId, body }: { machineId: string; planId: string; body: MaintenancePlanPatchBody }) =>
      updatePlan(machineId, planId, body),
    onSettled: () => queryClient.invalidateQueries({ queryKey: maintenanceKeys.all }),
  });
}

import type { MaintenancePlanDone, MaintenancePlanDoneBody } from '@fablab/shared';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api-client';
import { maintenanceKeys } from './keys';

export function markPlanDone(
  machineId: string,
  planId: string,
  body: MaintenancePlanDoneBody,
): Promise<MaintenancePlanDone> {
  return apiRequest(`/machines/${machineId}/maintenance-plans/${planId}/done`, { method: 'POST', body });
}

/** Done work restarts the plan's count and adds a log entry: plans, log and due list all change. */
export function useMarkPlanDone() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ machineId, planId, body }: { machineId: string; planId: string; body: MaintenancePlanDoneBody }) =>
      markPlanDone(machineId, planId, body),
    onSettled: () => queryClient.invalidateQueries({ queryKey: maintenanceKeys.all }),
  });
}

import type { PowerBody, PowerResult } from '@fablab/shared';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api-client';
import { BOOKINGS_PREFIX, deviceKeys } from './keys';

export function setMachinePower(machineId: string, body: PowerBody): Promise<PowerResult> {
  return apiRequest(`/machines/${machineId}/power`, { method: 'POST', body });
}

/** A lab manager's override from the status board. */
export function useSetMachinePower(labId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ machineId, body }: { machineId: string; body: PowerBody }) => setMachinePower(machineId, body),
    onSettled: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: [...BOOKINGS_PREFIX, 'status', labId] }),
        queryClient.invalidateQueries({ queryKey: deviceKeys.lab(labId) }),
      ]),
  });
}

import type { StartResult } from '@fablab/shared';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api-client';
import { BOOKINGS_PREFIX } from './keys';

export function startMachine(machineId: string): Promise<StartResult> {
  return apiRequest(`/machines/${machineId}/start`, { method: 'POST' });
}

export function useStartMachine(machineId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => startMachine(machineId),
    // A booking checked in, a machine now in use.
    onSettled: () => queryClient.invalidateQueries({ queryKey: BOOKINGS_PREFIX }),
  });
}

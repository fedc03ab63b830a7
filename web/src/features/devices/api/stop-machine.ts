import type { UsageSession } from '@fablab/shared';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api-client';
import { BOOKINGS_PREFIX } from './keys';

export function stopMachine(machineId: string): Promise<UsageSession> {
  return apiRequest(`/machines/${machineId}/stop`, { method: 'POST' });
}

export function useStopMachine(machineId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => stopMachine(machineId),
    onSettled: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: BOOKINGS_PREFIX }),
        queryClient.invalidateQueries({ queryKey: ['usage'] }),
      ]),
  });
}

import type { Machine, MachinePatchBody } from '@fablab/shared';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api-client';
import { labKeys } from './keys';

export function updateMachine(machineId: string, body: MachinePatchBody): Promise<Machine> {
  return apiRequest(`/machines/${machineId}`, { method: 'PATCH', body });
}

export function useUpdateMachine(labId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ machineId, body }: { machineId: string; body: MachinePatchBody }) => updateMachine(machineId, body),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: labKeys.machines(labId) }),
  });
}

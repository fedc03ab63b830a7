import type { Machine, MachineBody } from '@fablab/shared';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api-client';
import { labKeys } from './keys';

export function createMachine(labId: string, body: MachineBody): Promise<Machine> {
  return apiRequest(`/labs/${labId}/machines`, { method: 'POST', body });
}

export function useCreateMachine(labId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: MachineBody) => createMachine(labId, body),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: labKeys.machines(labId) }),
  });
}

import type { MachineType, MachineTypeBody } from '@fablab/shared';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api-client';
import { machineTypeKeys } from './keys';

export function createMachineType(body: MachineTypeBody): Promise<MachineType> {
  return apiRequest('/machine-types', { method: 'POST', body });
}

export function useCreateMachineType() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createMachineType,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: machineTypeKeys.all }),
  });
}

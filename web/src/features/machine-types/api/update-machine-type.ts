import type { MachineType, MachineTypePatchBody } from '@fablab/shared';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api-client';
import { machineTypeKeys } from './keys';

export function updateMachineType(slug: string, body: MachineTypePatchBody): Promise<MachineType> {
  return apiRequest(`/machine-types/${encodeURIComponent(slug)}`, { method: 'PATCH', body });
}

export function useUpdateMachineType() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ slug, body }: { slug: string; body: MachineTypePatchBody }) => updateMachineType(slug, body),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: machineTypeKeys.all }),
  });
}

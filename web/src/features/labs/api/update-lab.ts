import type { Lab, LabPatchBody } from '@fablab/shared';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api-client';
import { labKeys } from './keys';

export function updateLab(labId: string, body: LabPatchBody): Promise<Lab> {
  return apiRequest(`/labs/${labId}`, { method: 'PATCH', body });
}

export function useUpdateLab(labId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: LabPatchBody) => updateLab(labId, body),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: labKeys.all }),
  });
}

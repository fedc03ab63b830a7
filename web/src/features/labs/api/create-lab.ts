import type { Lab, LabBody } from '@fablab/shared';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api-client';
import { labKeys } from './keys';

export function createLab(body: LabBody): Promise<Lab> {
  return apiRequest('/labs', { method: 'POST', body });
}

export function useCreateLab() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createLab,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: labKeys.all }),
  });
}

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api-client';
import { labKeys } from './keys';

export function deleteClosure(labId: string, closureId: string): Promise<void> {
  return apiRequest(`/labs/${labId}/closures/${closureId}`, { method: 'DELETE' });
}

export function useDeleteClosure(labId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (closureId: string) => deleteClosure(labId, closureId),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: labKeys.detail(labId) }),
  });
}

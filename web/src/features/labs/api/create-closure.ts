import type { Closure, ClosureBody } from '@fablab/shared';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api-client';
import { labKeys } from './keys';

export function createClosure(labId: string, body: ClosureBody): Promise<Closure> {
  return apiRequest(`/labs/${labId}/closures`, { method: 'POST', body });
}

export function useCreateClosure(labId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: ClosureBody) => createClosure(labId, body),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: labKeys.detail(labId) }),
  });
}

import type { RecognitionBody } from '@fablab/shared';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api-client';
import { certificationKeys } from './keys';

export function removeRecognition(labId: string, body: RecognitionBody): Promise<void> {
  return apiRequest(`/labs/${labId}/recognitions`, { method: 'DELETE', body });
}

export function useRemoveRecognition(labId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: RecognitionBody) => removeRecognition(labId, body),
    onSettled: () => queryClient.invalidateQueries({ queryKey: certificationKeys.all }),
  });
}

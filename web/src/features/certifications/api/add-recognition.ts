import type { Recognition, RecognitionBody } from '@fablab/shared';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api-client';
import { certificationKeys } from './keys';

export function addRecognition(labId: string, body: RecognitionBody): Promise<Recognition> {
  return apiRequest(`/labs/${labId}/recognitions`, { method: 'POST', body });
}

export function useAddRecognition(labId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: RecognitionBody) => addRecognition(labId, body),
    // Where certifications count changes with it (countsIn of every list).
    onSettled: () => queryClient.invalidateQueries({ queryKey: certificationKeys.all }),
  });
}

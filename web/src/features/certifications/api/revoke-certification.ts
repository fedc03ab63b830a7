import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api-client';
import { certificationKeys } from './keys';

export function revokeCertification(id: string): Promise<void> {
  return apiRequest(`/certifications/${id}`, { method: 'DELETE' });
}

export function useRevokeCertification() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: revokeCertification,
    onSettled: () => queryClient.invalidateQueries({ queryKey: certificationKeys.all }),
  });
}

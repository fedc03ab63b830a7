import type { Certification, CertificationBody } from '@fablab/shared';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api-client';
import { certificationKeys } from './keys';

export function grantCertification(labId: string, body: CertificationBody): Promise<Certification> {
  return apiRequest(`/labs/${labId}/certifications`, { method: 'POST', body });
}

export function useGrantCertification(labId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: CertificationBody) => grantCertification(labId, body),
    onSettled: () => queryClient.invalidateQueries({ queryKey: certificationKeys.all }),
  });
}

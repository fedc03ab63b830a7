import type { PasswordResetRequestBody, PasswordResetRequestResponse } from '@fablab/shared';
import { useMutation } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api-client';

export function requestPasswordReset(body: PasswordResetRequestBody): Promise<PasswordResetRequestResponse> {
  return apiRequest('/auth/password-reset/request', { method: 'POST', body });
}

export function useRequestPasswordReset() {
  return useMutation({ mutationFn: requestPasswordReset });
}

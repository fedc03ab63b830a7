import type { PasswordResetConfirmBody } from '@fablab/shared';
import { useMutation } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api-client';

export function confirmPasswordReset(body: PasswordResetConfirmBody): Promise<void> {
  return apiRequest('/auth/password-reset/confirm', { method: 'POST', body });
}

export function useConfirmPasswordReset() {
  return useMutation({ mutationFn: confirmPasswordReset });
}

import { useMutation } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api-client';

export function deleteMyAccount(currentPassword: string): Promise<void> {
  return apiRequest('/me', { method: 'DELETE', body: { currentPassword } });
}

/** The account is anonymised and future bookings cancelled; the caller then signs out. */
export function useDeleteMyAccount() {
  return useMutation({ mutationFn: deleteMyAccount });
}

import type { User } from '@fablab/shared';
import { useMutation } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api-client';
import { useLogin } from '../../../lib/auth';

export interface ChangePasswordInput {
  email: string;
  currentPassword: string;
  password: string;
}

/**
 * The server ends every session of the account with the old password, this one too: the member
 * is signed in again with the new one, so that only their other devices are signed out.
 */
export function useChangePassword() {
  const login = useLogin();
  return useMutation({
    mutationFn: async ({ email, currentPassword, password }: ChangePasswordInput) => {
      await apiRequest<User>('/me', { method: 'PATCH', body: { currentPassword, password } });
      await login.mutateAsync({ email, password });
    },
  });
}

import type { CreateUserResponse } from '@fablab/shared';
import { useMutation } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api-client';

/** A new invite link for the account; its older links stop working. */
export function inviteUser(id: string): Promise<CreateUserResponse> {
  return apiRequest(`/users/${id}/invite`, { method: 'POST' });
}

export function useInviteUser() {
  return useMutation({ mutationFn: inviteUser });
}

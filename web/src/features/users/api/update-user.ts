import type { UpdateUserBody, User } from '@fablab/shared';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api-client';
import { userKeys } from './keys';

export function updateUser(id: string, body: UpdateUserBody): Promise<User> {
  return apiRequest(`/users/${id}`, { method: 'PATCH', body });
}

export function useUpdateUser() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, body }: { id: string; body: UpdateUserBody }) => updateUser(id, body),
    onSettled: () => queryClient.invalidateQueries({ queryKey: userKeys.all }),
  });
}

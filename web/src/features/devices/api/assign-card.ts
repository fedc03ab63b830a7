import type { Card, CardBody } from '@fablab/shared';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api-client';
import { deviceKeys } from './keys';

export function assignCard(userId: string, body: CardBody): Promise<Card> {
  return apiRequest(`/users/${userId}/cards`, { method: 'POST', body });
}

export function useAssignCard() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ userId, uid }: { userId: string; uid: string }) => assignCard(userId, { uid }),
    // The card leaves the list of unknown ones it was picked from.
    onSettled: () => queryClient.invalidateQueries({ queryKey: deviceKeys.all }),
  });
}

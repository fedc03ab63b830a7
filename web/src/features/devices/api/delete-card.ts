import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api-client';
import { deviceKeys } from './keys';

export function deleteCard(id: string): Promise<void> {
  return apiRequest(`/cards/${id}`, { method: 'DELETE' });
}

export function useDeleteCard() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: deleteCard,
    onSettled: () => queryClient.invalidateQueries({ queryKey: deviceKeys.cards() }),
  });
}

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api-client';
import { bookingKeys } from './keys';

export function deleteMaintenance(id: string): Promise<void> {
  return apiRequest(`/maintenance/${id}`, { method: 'DELETE' });
}

/** The freed time shows on every calendar again. */
export function useDeleteMaintenance() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: deleteMaintenance,
    onSettled: () => queryClient.invalidateQueries({ queryKey: bookingKeys.all }),
  });
}

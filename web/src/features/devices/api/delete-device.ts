import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api-client';
import { BOOKINGS_PREFIX, deviceKeys } from './keys';

export function deleteDevice(id: string): Promise<void> {
  return apiRequest(`/devices/${id}`, { method: 'DELETE' });
}

export function useDeleteDevice(labId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: deleteDevice,
    onSettled: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: deviceKeys.lab(labId) }),
        queryClient.invalidateQueries({ queryKey: [...BOOKINGS_PREFIX, 'status', labId] }),
      ]),
  });
}

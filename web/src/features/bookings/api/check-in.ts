import type { BookingWithUsage } from '@fablab/shared';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api-client';
import { sharedKeys } from '../../../lib/query-keys';
import { bookingKeys } from './keys';

export function checkIn(id: string): Promise<BookingWithUsage> {
  return apiRequest(`/bookings/${id}/check-in`, { method: 'POST' });
}

export function useCheckIn() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: checkIn,
    // Checking in or out opens or closes a usage session: the lab's usage list reads it too.
    onSettled: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: bookingKeys.all }),
        queryClient.invalidateQueries({ queryKey: sharedKeys.usage }),
      ]),
  });
}

import type { BookingWithUsage, CheckOutBody } from '@fablab/shared';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api-client';
import { sharedKeys } from '../../../lib/query-keys';
import { bookingKeys } from './keys';

export function checkOut(id: string, body: CheckOutBody): Promise<BookingWithUsage> {
  return apiRequest(`/bookings/${id}/check-out`, { method: 'POST', body });
}

export function useCheckOut() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, body }: { id: string; body: CheckOutBody }) => checkOut(id, body),
    // Checking in or out opens or closes a usage session: the lab's usage list reads it too.
    onSettled: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: bookingKeys.all }),
        queryClient.invalidateQueries({ queryKey: sharedKeys.usage }),
      ]),
  });
}

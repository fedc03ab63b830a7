import type { Booking, UpdateBookingBody } from '@fablab/shared';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api-client';
import { bookingKeys } from './keys';

export function updateBooking(id: string, body: UpdateBookingBody): Promise<Booking> {
  return apiRequest(`/bookings/${id}`, { method: 'PATCH', body });
}

/** Reschedule: the server checks the new times like a new booking. */
export function useUpdateBooking() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, body }: { id: string; body: UpdateBookingBody }) => updateBooking(id, body),
    onSettled: () => queryClient.invalidateQueries({ queryKey: bookingKeys.all }),
  });
}

import type { Booking, CancelBookingBody } from '@fablab/shared';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api-client';
import { bookingKeys } from './keys';

export function cancelBooking(id: string, body: CancelBookingBody = {}): Promise<Booking> {
  return apiRequest(`/bookings/${id}/cancel`, { method: 'POST', body });
}

export function useCancelBooking() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, reason }: { id: string; reason?: string }) => cancelBooking(id, reason ? { reason } : {}),
    onSettled: () => queryClient.invalidateQueries({ queryKey: bookingKeys.all }),
  });
}

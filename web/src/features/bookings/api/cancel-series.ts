import type { SeriesCancelBody, SeriesCancelResponse } from '@fablab/shared';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api-client';
import { bookingKeys } from './keys';

/** Cancels a weekly series' occurrences from `from` on (all future ones without it). */
export function cancelSeries(seriesId: string, body: SeriesCancelBody = {}): Promise<SeriesCancelResponse> {
  return apiRequest(`/bookings/series/${seriesId}/cancel`, { method: 'POST', body });
}

export function useCancelSeries() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ seriesId, from }: { seriesId: string; from?: string }) =>
      cancelSeries(seriesId, from ? { from } : {}),
    onSettled: () => queryClient.invalidateQueries({ queryKey: bookingKeys.all }),
  });
}

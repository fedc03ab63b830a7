import type { BookingList, BookingListQuery } from '@fablab/shared';
import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api-client';
import { bookingKeys } from './keys';

export function getBookings(filters: BookingListQuery, signal?: AbortSignal): Promise<BookingList> {
  return apiRequest('/bookings', { signal, query: { ...filters } });
}

export function bookingsQueryOptions(filters: BookingListQuery) {
  return queryOptions({
    queryKey: bookingKeys.list(filters),
    queryFn: ({ signal }) => getBookings(filters, signal),
    staleTime: 15_000,
    placeholderData: keepPreviousData,
  });
}

export function useBookings(filters: BookingListQuery, options: { enabled?: boolean; refetchInterval?: number } = {}) {
  return useQuery({ ...bookingsQueryOptions(filters), ...options });
}

import type { CalendarFeed } from '@fablab/shared';
import { queryOptions, useQuery } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api-client';
import { calendarFeedKeys } from './keys';

export function getCalendarFeed(signal?: AbortSignal): Promise<CalendarFeed> {
  return apiRequest('/me/calendar-feed', { signal });
}

export function calendarFeedQueryOptions() {
  return queryOptions({
    queryKey: calendarFeedKeys.mine(),
    queryFn: ({ signal }) => getCalendarFeed(signal),
    staleTime: Infinity,
  });
}

export function useCalendarFeed() {
  return useQuery(calendarFeedQueryOptions());
}

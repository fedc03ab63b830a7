import type { CalendarFeed } from '@fablab/shared';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api-client';
import { calendarFeedKeys } from './keys';

export function regenerateCalendarFeed(): Promise<CalendarFeed> {
  return apiRequest('/me/calendar-feed', { method: 'POST' });
}

/** A new secret URL; the old one stops working at once. */
export function useRegenerateCalendarFeed() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: regenerateCalendarFeed,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: calendarFeedKeys.all }),
  });
}

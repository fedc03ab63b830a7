import type { CalendarFeed, CalendarFeedScope } from '@fablab/shared';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api-client';
import { calendarFeedKeys } from './keys';

export function regenerateCalendarFeed(scope: CalendarFeedScope): Promise<CalendarFeed> {
  return apiRequest('/me/calendar-feed', { method: 'POST', body: { scope } });
}

/** A new secret URL for one feed; its old one stops working at once, the other feed's stays. */
export function useRegenerateCalendarFeed() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: regenerateCalendarFeed,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: calendarFeedKeys.all }),
  });
}

// Live calendars: the server streams a small event whenever a lab's bookings or maintenance
// change (GET /api/labs/:labId/events, no personal data), and open calendars refetch at once.
import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { bookingKeys } from './keys';

export function useLabEvents(labId: string | undefined): void {
  const queryClient = useQueryClient();
  useEffect(() => {
    if (!labId || typeof EventSource === 'undefined') return;
    const source = new EventSource(`/api/labs/${labId}/events`);
    let timer: ReturnType<typeof setTimeout> | undefined;
    // A burst (a class session, a maintenance window cancelling several bookings) refetches once.
    const refresh = () => {
      if (timer) return;
      timer = setTimeout(() => {
        timer = undefined;
        void queryClient.invalidateQueries({ queryKey: bookingKeys.all });
      }, 300);
    };
    // Opening (and every reconnect after a dropped connection or a server restart) refetches:
    // whatever changed while the stream was not there never comes as a message.
    source.onopen = refresh;
    source.onmessage = refresh;
    source.addEventListener('change', refresh);
    return () => {
      if (timer) clearTimeout(timer);
      source.close();
    };
  }, [labId, queryClient]);
}

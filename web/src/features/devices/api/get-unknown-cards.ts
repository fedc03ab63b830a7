// Cards tapped at the lab's readers that belong to nobody yet (the server logs each with its UID):
// the desk's reader is the simplest way to read a new card's UID.
import type { DeviceEvent } from '@fablab/shared';
import { queryOptions, useQuery } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api-client';
import { deviceKeys } from './keys';

export function getUnknownCards(labId: string, signal?: AbortSignal): Promise<{ items: DeviceEvent[]; total: number }> {
  return apiRequest(`/labs/${labId}/device-events`, { signal, query: { code: 'UNKNOWN_CARD', limit: 10 } });
}

export function unknownCardsQueryOptions(labId: string) {
  return queryOptions({
    queryKey: deviceKeys.unknownCards(labId),
    queryFn: ({ signal }) => getUnknownCards(labId, signal),
    staleTime: 1_000,
    // The manager taps the card and looks at the screen: it shows up within seconds.
    refetchInterval: 3_000,
  });
}

export function useUnknownCards(labId: string) {
  return useQuery(unknownCardsQueryOptions(labId));
}

import type { Card } from '@fablab/shared';
import { queryOptions, useQuery } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api-client';
import { deviceKeys } from './keys';

export function getMyCards(signal?: AbortSignal): Promise<{ items: Card[]; total: number }> {
  return apiRequest('/me/cards', { signal });
}

export function myCardsQueryOptions() {
  return queryOptions({
    queryKey: deviceKeys.myCards(),
    queryFn: ({ signal }) => getMyCards(signal),
    staleTime: 60_000,
  });
}

export function useMyCards() {
  return useQuery(myCardsQueryOptions());
}

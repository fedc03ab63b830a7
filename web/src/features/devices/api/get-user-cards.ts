import type { Card } from '@fablab/shared';
import { queryOptions, useQuery } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api-client';
import { deviceKeys } from './keys';

export function getUserCards(userId: string, signal?: AbortSignal): Promise<{ items: Card[]; total: number }> {
  return apiRequest(`/users/${userId}/cards`, { signal });
}

export function userCardsQueryOptions(userId: string) {
  return queryOptions({
    queryKey: deviceKeys.userCards(userId),
    queryFn: ({ signal }) => getUserCards(userId, signal),
    staleTime: 30_000,
  });
}

export function useUserCards(userId: string | undefined) {
  return useQuery({ ...userCardsQueryOptions(userId ?? ''), enabled: Boolean(userId) });
}

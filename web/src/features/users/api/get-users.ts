import type { Role, User } from '@fablab/shared';
import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api-client';
import { userKeys } from './keys';

export interface UserFilters {
  q?: string;
  role?: Role;
  limit?: number;
  offset?: number;
}

export function getUsers(filters: UserFilters, signal?: AbortSignal): Promise<{ items: User[]; total: number }> {
  return apiRequest('/users', { signal, query: { ...filters } });
}

export function usersQueryOptions(filters: UserFilters) {
  return queryOptions({
    queryKey: userKeys.list(filters),
    queryFn: ({ signal }) => getUsers(filters, signal),
    placeholderData: keepPreviousData,
  });
}

export function useUsers(filters: UserFilters, enabled = true) {
  return useQuery({ ...usersQueryOptions(filters), enabled });
}

import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api-client';
import { auditKeys } from './keys';
import type { AuditEntry } from '@fablab/shared';

export type { AuditEntry };

export interface AuditFilters {
  labId?: string;
  from?: string;
  to?: string;
  limit?: number;
  offset?: number;
}

export function getAuditLog(
  filters: AuditFilters,
  signal?: AbortSignal,
): Promise<{ items: AuditEntry[]; total: number }> {
  return apiRequest('/audit', { signal, query: { ...filters } });
}

export function auditLogQueryOptions(filters: AuditFilters) {
  return queryOptions({
    queryKey: auditKeys.list(filters),
    queryFn: ({ signal }) => getAuditLog(filters, signal),
    placeholderData: keepPreviousData,
  });
}

export function useAuditLog(filters: AuditFilters) {
  return useQuery(auditLogQueryOptions(filters));
}

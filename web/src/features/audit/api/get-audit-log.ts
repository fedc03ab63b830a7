import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api-client';
import type { AuditEntry } from '@fablab/shared';
import { auditKeys, type AuditFilters } from './keys';

export type { AuditEntry, AuditFilters };

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

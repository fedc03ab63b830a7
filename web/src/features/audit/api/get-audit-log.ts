import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api-client';
import { auditKeys } from './keys';

// The server declares this schema inside its audit module and `shared` does not export it yet;
// this mirrors GET /api/audit's 200 answer until it moves there.
export interface AuditEntry {
  id: string;
  actorId: string | null;
  actorName: string | null;
  action: string;
  entityType: string;
  entityId: string | null;
  labId: string | null;
  details: Record<string, unknown>;
  createdAt: string;
}

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

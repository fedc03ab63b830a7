import type { Certification, CertificationListQuery } from '@fablab/shared';
import { queryOptions, useQuery } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api-client';
import { certificationKeys } from './keys';

export function getCertifications(
  filters: CertificationListQuery,
  signal?: AbortSignal,
): Promise<{ items: Certification[]; total: number }> {
  return apiRequest('/certifications', { signal, query: { ...filters } });
}

export function certificationsQueryOptions(filters: CertificationListQuery) {
  return queryOptions({
    queryKey: certificationKeys.list(filters),
    queryFn: ({ signal }) => getCertifications(filters, signal),
    staleTime: 60_000,
  });
}

export function useCertifications(filters: CertificationListQuery, enabled = true) {
  return useQuery({ ...certificationsQueryOptions(filters), enabled });
}

/** Machine types the member may use in a lab now (valid certifications that count there). */
export function useCertifiedTypes(userId: string | undefined, labId: string) {
  return useQuery({
    ...certificationsQueryOptions({ userId: userId ?? '', limit: 500 }),
    enabled: Boolean(userId),
    select: (data) =>
      new Set(data.items.filter((c) => c.countsIn.includes(labId) && c.state === 'valid').map((c) => c.machineType)),
  });
}

// The guardian's side of a consent link: read what is asked, then consent. The guardian has no
// account; the link's secret is in the page's address.
import type { GuardianConsentGiven, GuardianConsentRequest } from '@fablab/shared';
import { queryOptions, useMutation, useQuery } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api-client';
import { sharedKeys } from '../../../lib/query-keys';

/** Under the public root: the page has no session, and a session starting or ending keeps it. */
export const consentKeys = {
  all: [...sharedKeys.public, 'guardian-consent'] as const,
  detail: (token: string) => [...consentKeys.all, token] as const,
};

export function readGuardianConsent(token: string, signal?: AbortSignal): Promise<GuardianConsentRequest> {
  return apiRequest(`/guardian-consent/${encodeURIComponent(token)}`, { signal });
}

export function guardianConsentQueryOptions(token: string) {
  return queryOptions({
    queryKey: consentKeys.detail(token),
    queryFn: ({ signal }) => readGuardianConsent(token, signal),
    retry: false,
    staleTime: Infinity,
  });
}

export function useGuardianConsent(token: string) {
  return useQuery(guardianConsentQueryOptions(token));
}

export function confirmGuardianConsent(token: string): Promise<GuardianConsentGiven> {
  return apiRequest(`/guardian-consent/${encodeURIComponent(token)}`, { method: 'POST', body: { consent: true } });
}

export function useConfirmGuardianConsent(token: string) {
  return useMutation({ mutationFn: () => confirmGuardianConsent(token) });
}

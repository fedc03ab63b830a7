import type { GuardianConsentLinkBody, User } from '@fablab/shared';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api-client';
import { authKeys } from '../../../lib/auth';

/** Sends (again) the consent link to the guardian, with their details corrected if need be. */
export function requestConsentLink(body: GuardianConsentLinkBody): Promise<User> {
  return apiRequest('/me/guardian-consent', { method: 'POST', body });
}

export function useRequestConsentLink() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: requestConsentLink,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: authKeys.all }),
  });
}

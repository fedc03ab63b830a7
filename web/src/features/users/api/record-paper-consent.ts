import type { PaperConsentBody, User } from '@fablab/shared';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api-client';
import { userKeys } from './keys';

/** A lab's manager records the consent form a member's guardian signed on paper. */
export function recordPaperConsent(userId: string, body: PaperConsentBody): Promise<User> {
  return apiRequest(`/users/${userId}/guardian-consent`, { method: 'POST', body });
}

export function useRecordPaperConsent() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ userId, body }: { userId: string; body: PaperConsentBody }) => recordPaperConsent(userId, body),
    onSettled: () => queryClient.invalidateQueries({ queryKey: userKeys.all }),
  });
}

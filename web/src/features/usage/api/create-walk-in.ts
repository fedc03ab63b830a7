import type { UsageSession, WalkInBody } from '@fablab/shared';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api-client';
import { sharedKeys } from '../../../lib/query-keys';
import { usageKeys } from './keys';

export function createWalkIn(body: WalkInBody): Promise<UsageSession> {
  return apiRequest('/usage', { method: 'POST', body });
}

export function useCreateWalkIn() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createWalkIn,
    // A walk-in occupies the machine: live status and calendars read it too.
    onSettled: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: usageKeys.all }),
        queryClient.invalidateQueries({ queryKey: sharedKeys.labStatus() }),
      ]),
  });
}

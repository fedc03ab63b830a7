import type { EndUsageBody, UsageSession } from '@fablab/shared';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api-client';
import { sharedKeys } from '../../../lib/query-keys';
import { usageKeys } from './keys';

export function endUsage(id: string, body: EndUsageBody): Promise<UsageSession> {
  return apiRequest(`/usage/${id}/end`, { method: 'POST', body });
}

export function useEndUsage() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, body }: { id: string; body: EndUsageBody }) => endUsage(id, body),
    onSettled: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: usageKeys.all }),
        queryClient.invalidateQueries({ queryKey: sharedKeys.labStatus() }),
      ]),
  });
}

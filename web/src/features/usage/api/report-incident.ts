import type { Incident, IncidentBody } from '@fablab/shared';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api-client';
import { usageKeys } from './keys';

export function reportIncident(usageId: string, body: IncidentBody): Promise<Incident> {
  return apiRequest(`/usage/${usageId}/incidents`, { method: 'POST', body });
}

export function useReportIncident() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ usageId, body }: { usageId: string; body: IncidentBody }) => reportIncident(usageId, body),
    // Putting a machine out of service changes its status, its calendar and the machine list.
    onSettled: () =>
      queryClient.invalidateQueries({
        predicate: (q) => [usageKeys.all[0], 'bookings', 'labs'].includes(String(q.queryKey[0])),
      }),
  });
}

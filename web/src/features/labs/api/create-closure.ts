import type { CancelledBookings, ClosureBody, ClosureCreated } from '@fablab/shared';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api-client';
import { sharedKeys } from '../../../lib/query-keys';
import { labKeys } from './keys';

export function createClosure(labId: string, body: ClosureBody): Promise<ClosureCreated> {
  return apiRequest(`/labs/${labId}/closures`, { method: 'POST', body });
}

/** The dry run: the bookings the closure would cancel, with nothing written. */
export function previewClosure(labId: string, body: ClosureBody): Promise<CancelledBookings> {
  return apiRequest(`/labs/${labId}/closures`, { method: 'POST', body, query: { dryRun: true } });
}

/** A closure cancels the bookings on its days: the lab and every booking list are read again. */
export function useCreateClosure(labId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: ClosureBody) => createClosure(labId, body),
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: labKeys.detail(labId) }),
        queryClient.invalidateQueries({ queryKey: sharedKeys.bookings }),
      ]),
  });
}

export function usePreviewClosure(labId: string) {
  return useMutation({ mutationFn: (body: ClosureBody) => previewClosure(labId, body) });
}

import type { CancelledBookings, LabPatchBody, LabUpdated } from '@fablab/shared';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api-client';
import { sharedKeys } from '../../../lib/query-keys';
import { labKeys } from './keys';

export function updateLab(labId: string, body: LabPatchBody): Promise<LabUpdated> {
  return apiRequest(`/labs/${labId}`, { method: 'PATCH', body });
}

/** The dry run: the bookings new opening hours (or a new time zone) would cancel, with nothing written. */
export function previewLabUpdate(labId: string, body: LabPatchBody): Promise<CancelledBookings> {
  return apiRequest(`/labs/${labId}`, { method: 'PATCH', body, query: { dryRun: true } });
}

export function useUpdateLab(labId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: LabPatchBody) => updateLab(labId, body),
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: labKeys.all }),
        queryClient.invalidateQueries({ queryKey: sharedKeys.bookings }),
      ]),
  });
}

export function usePreviewLabUpdate(labId: string) {
  return useMutation({ mutationFn: (body: LabPatchBody) => previewLabUpdate(labId, body) });
}

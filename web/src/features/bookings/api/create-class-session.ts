import type { ClassBody, ClassResponse } from '@fablab/shared';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api-client';
import { bookingKeys } from './keys';

export function createClassSession(body: ClassBody): Promise<ClassResponse> {
  return apiRequest('/bookings/class', { method: 'POST', body });
}

export function useCreateClassSession() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createClassSession,
    onSettled: () => queryClient.invalidateQueries({ queryKey: bookingKeys.all }),
  });
}

import type { Device, DeviceBody } from '@fablab/shared';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api-client';
import { BOOKINGS_PREFIX, deviceKeys } from './keys';

export function registerDevice(machineId: string, body: DeviceBody): Promise<Device> {
  return apiRequest(`/machines/${machineId}/devices`, { method: 'POST', body });
}

export function useRegisterDevice(labId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ machineId, body }: { machineId: string; body: DeviceBody }) => registerDevice(machineId, body),
    onSettled: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: deviceKeys.lab(labId) }),
        queryClient.invalidateQueries({ queryKey: [...BOOKINGS_PREFIX, 'status', labId] }),
      ]),
  });
}

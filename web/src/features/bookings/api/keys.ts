import type { BookingListQuery, MaintenanceListQuery } from '@fablab/shared';
import { sharedKeys } from '../../../lib/query-keys';

// Availability, live status and maintenance hang under 'bookings' so that any booking change
// refreshes every calendar with one invalidation.
export const bookingKeys = {
  all: sharedKeys.bookings,
  lists: () => [...bookingKeys.all, 'list'] as const,
  list: (filters: BookingListQuery) => [...bookingKeys.lists(), filters] as const,
  detail: (id: string) => [...bookingKeys.all, 'detail', id] as const,
  availability: (labId: string, from: string, to: string) =>
    [...bookingKeys.all, 'availability', labId, from, to] as const,
  labAvailability: (labId: string) => [...bookingKeys.all, 'availability', labId] as const,
  status: (labId: string) => sharedKeys.labStatus(labId),
  maintenance: (filters: MaintenanceListQuery) => [...bookingKeys.all, 'maintenance', filters] as const,
};

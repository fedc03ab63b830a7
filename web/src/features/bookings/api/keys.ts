import type { BookingListQuery, MaintenanceListQuery } from '@fablab/shared';

// Availability, live status and maintenance hang under 'bookings' so that any booking change
// refreshes every calendar with one invalidation.
export const bookingKeys = {
  all: ['bookings'] as const,
  lists: () => [...bookingKeys.all, 'list'] as const,
  list: (filters: BookingListQuery) => [...bookingKeys.lists(), filters] as const,
  detail: (id: string) => [...bookingKeys.all, 'detail', id] as const,
  availability: (labId: string, from: string, to: string) =>
    [...bookingKeys.all, 'availability', labId, from, to] as const,
  labAvailability: (labId: string) => [...bookingKeys.all, 'availability', labId] as const,
  status: (labId: string) => [...bookingKeys.all, 'status', labId] as const,
  maintenance: (filters: MaintenanceListQuery) => [...bookingKeys.all, 'maintenance', filters] as const,
};

import { sharedKeys } from '../../../lib/query-keys';

// Plans, the log and what is due hang under one key, so recording work refreshes all three.
// Incidents hang under 'usage': reporting one (a usage-feature action) already refreshes that.
export const maintenanceKeys = {
  all: ['maintenance'] as const,
  plans: (machineId: string) => [...maintenanceKeys.all, 'plans', machineId] as const,
  log: (machineId: string, limit: number) => [...maintenanceKeys.all, 'log', machineId, limit] as const,
  due: (labId: string) => [...maintenanceKeys.all, 'due', labId] as const,
  incidents: (labId: string, limit: number) => [...sharedKeys.usage, 'incidents', labId, limit] as const,
};

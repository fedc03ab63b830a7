// Maintenance windows, the log and preventive plans, built once as app.maintenance.
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { coreOf } from '../../plugins/core.js';
import { notifyDueMaintenance } from './maintenance.jobs.js';
import { createMaintenanceService } from './maintenance.service.js';

declare module 'fastify' {
  interface FastifyInstance {
    maintenance: ReturnType<typeof createMaintenanceService>;
  }
}

export default fp(
  async function maintenancePlugin(app: FastifyInstance) {
    app.decorate('maintenance', createMaintenanceService({ ...coreOf(app), labs: app.labs, machines: app.machines, bookings: app.bookings }));
    app.jobs.register('maintenance-due', notifyDueMaintenance);
  },
  { name: 'maintenance', dependencies: ['core', 'jobs', 'labs', 'machines', 'bookings'] },
);

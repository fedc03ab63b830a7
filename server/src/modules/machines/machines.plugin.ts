// Machines, built once as app.machines.
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { coreOf } from '../../plugins/core.js';
import { createMachineService, type MachineService } from './machines.service.js';

declare module 'fastify' {
  interface FastifyInstance {
    machines: MachineService;
  }
}

export default fp(
  async function machinesPlugin(app: FastifyInstance) {
    app.decorate(
      'machines',
      createMachineService({ ...coreOf(app), labs: app.labs, bookings: app.bookings, machineTypes: app.machineTypes }),
    );
  },
  { name: 'machines', dependencies: ['core', 'labs', 'bookings', 'machine-types'] },
);

// Machine types, built once as app.machineTypes; machines, certifications and statistics ask it
// whether a type exists and what it is called.
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { coreOf } from '../../plugins/core.js';
import { createMachineTypeService, type MachineTypeService } from './machine-types.service.js';

declare module 'fastify' {
  interface FastifyInstance {
    machineTypes: MachineTypeService;
  }
}

export default fp(
  async function machineTypesPlugin(app: FastifyInstance) {
    app.decorate('machineTypes', createMachineTypeService(coreOf(app)));
  },
  { name: 'machine-types', dependencies: ['core'] },
);

// The labs' materials catalogues, built once as app.materials; usage asks it which entries a
// session's materials are.
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { coreOf } from '../../plugins/core.js';
import { createMaterialService, type MaterialService } from './materials.service.js';

declare module 'fastify' {
  interface FastifyInstance {
    materials: MaterialService;
  }
}

export default fp(
  async function materialsPlugin(app: FastifyInstance) {
    app.decorate('materials', createMaterialService({ ...coreOf(app), labs: app.labs }));
  },
  { name: 'materials', dependencies: ['core', 'labs'] },
);

// Real use of the machines, built once as app.usage: check-in and check-out (through the bookings'
// transitions), walk-ins, incidents and each machine's state now.
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { coreOf } from '../../plugins/core.js';
import { autoCheckOut, markNoShows } from './usage.jobs.js';
import { createUsageService, type UsageService } from './usage.service.js';

declare module 'fastify' {
  interface FastifyInstance {
    usage: UsageService;
  }
}

export default fp(
  async function usagePlugin(app: FastifyInstance) {
    app.decorate(
      'usage',
      createUsageService({ ...coreOf(app), bookings: app.bookings, certifications: app.certifications, labs: app.labs, machines: app.machines, materials: app.materials }),
    );
    app.jobs.register('mark-no-shows', markNoShows);
    app.jobs.register('auto-check-out', autoCheckOut);
  },
  { name: 'usage', dependencies: ['core', 'jobs', 'bookings', 'certifications', 'labs', 'machines', 'materials'] },
);

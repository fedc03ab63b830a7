// Certifications, built once as app.certifications; bookings, usage and devices ask it whether a
// member may use a machine type.
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { coreOf } from '../../plugins/core.js';
import { hasValidCertification } from './certification-rules.js';
import { notifyExpiringCertifications } from './certifications.jobs.js';
import { createCertificationService } from './certifications.service.js';

declare module 'fastify' {
  interface FastifyInstance {
    certifications: ReturnType<typeof createCertificationService> & { hasValid: typeof hasValidCertification };
  }
}

export default fp(
  async function certificationsPlugin(app: FastifyInstance) {
    app.decorate('certifications', { ...createCertificationService(coreOf(app)), hasValid: hasValidCertification });
    app.jobs.register('certification-expiring', notifyExpiringCertifications);
  },
  { name: 'certifications', dependencies: ['core', 'jobs'] },
);

// Certifications, built once as app.certifications; bookings, usage and devices ask it whether a
// member may use a machine type (certified in the lab, or in a lab it recognises for the type).
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { coreOf } from '../../plugins/core.js';
import { hasValidCertification } from './certification-rules.js';
import { notifyExpiringCertifications } from './certifications.jobs.js';
import { createCertificationService } from './certifications.service.js';
import { createRecognitionService, type RecognitionService } from './recognitions.service.js';

declare module 'fastify' {
  interface FastifyInstance {
    certifications: ReturnType<typeof createCertificationService> & {
      hasValid: typeof hasValidCertification;
      recognitions: RecognitionService;
    };
  }
}

export default fp(
  async function certificationsPlugin(app: FastifyInstance) {
    app.decorate('certifications', {
      ...createCertificationService(coreOf(app)),
      hasValid: hasValidCertification,
      recognitions: createRecognitionService({ ...coreOf(app), machineTypes: app.machineTypes }),
    });
    app.jobs.register('certification-expiring', notifyExpiringCertifications);
  },
  { name: 'certifications', dependencies: ['core', 'jobs', 'machine-types'] },
);

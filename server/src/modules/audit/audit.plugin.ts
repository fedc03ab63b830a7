// The audit trail's reader, built once as app.auditLog (app.audit, in the core, writes it).
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { createAuditReader } from './audit.service.js';

declare module 'fastify' {
  interface FastifyInstance {
    auditLog: ReturnType<typeof createAuditReader>;
  }
}

export default fp(
  async function auditPlugin(app: FastifyInstance) {
    app.decorate('auditLog', createAuditReader({ db: app.db, labs: app.labs }));
  },
  { name: 'audit', dependencies: ['core', 'labs'] },
);

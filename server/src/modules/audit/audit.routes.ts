import { AuditEntry, ErrorResponse, Instant, ListOf, Pagination, Type, Uuid } from '@fablab/shared';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';

const AuditQuery = Type.Object(
  {
    labId: Type.Optional(Uuid),
    from: Type.Optional(Instant),
    to: Type.Optional(Instant),
    entityType: Type.Optional(Type.String({ maxLength: 40 })),
    entityId: Type.Optional(Uuid),
    limit: Pagination.properties.limit,
    offset: Pagination.properties.offset,
  },
  { additionalProperties: false },
);

const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse };

// Who did what to which booking, machine, maintenance or account, and when: admins see all,
// managers only what happened in the labs they manage.
const auditRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/audit',
    {
      preHandler: app.requireAllowed('audit.read'),
      schema: { summary: 'Read the audit log', operationId: 'listAudit', tags: ['audit'], security: [{ bearerAuth: [] }], querystring: AuditQuery, response: { 200: ListOf(AuditEntry), ...errors } },
    },
    async (request) => app.auditLog.list(request.actor, request.query),
  );
};

export default auditRoutes;

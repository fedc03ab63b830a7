import { AuditEntry, ErrorResponse, Instant, ListOf, Pagination, Type, Uuid } from '@fablab/shared';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { and, count, desc, eq, gte, inArray, lt, type SQL } from 'drizzle-orm';
import { auditLog, users } from '../../db/schema/index.js';
import { badRequest, forbidden } from '../../lib/errors.js';
import { managesLab } from '../../plugins/auth.js';
import { findLab } from '../labs/labs.service.js';

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
      preHandler: app.requireRole('admin', 'manager'),
      schema: { summary: 'Read the audit log', operationId: 'listAudit', tags: ['audit'], security: [{ bearerAuth: [] }], querystring: AuditQuery, response: { 200: ListOf(AuditEntry), ...errors } },
    },
    async (request) => {
      const { labId, from, to, entityType, entityId, limit = 50, offset = 0 } = request.query;
      const actor = request.actor;
      const conditions: SQL[] = [];
      if (labId) {
        await findLab(app.db, labId);
        if (!managesLab(actor, labId)) throw forbidden('Only this lab’s managers may read its audit log');
        conditions.push(eq(auditLog.labId, labId));
      } else if (actor.role !== 'admin') {
        if (actor.managedLabIds.length === 0) return { items: [], total: 0 };
        conditions.push(inArray(auditLog.labId, actor.managedLabIds));
      }
      if (from && to && new Date(to) <= new Date(from)) throw badRequest('VALIDATION_ERROR', '`to` must be after `from`');
      if (from) conditions.push(gte(auditLog.createdAt, new Date(from)));
      if (to) conditions.push(lt(auditLog.createdAt, new Date(to)));
      if (entityType) conditions.push(eq(auditLog.entityType, entityType));
      if (entityId) conditions.push(eq(auditLog.entityId, entityId));
      const where = conditions.length ? and(...conditions) : undefined;
      const [rows, [total]] = await Promise.all([
        app.db
          .select({ entry: auditLog, actorName: users.fullName })
          .from(auditLog)
          .leftJoin(users, eq(users.id, auditLog.actorId))
          .where(where)
          .orderBy(desc(auditLog.createdAt), desc(auditLog.id))
          .limit(limit)
          .offset(offset),
        app.db.select({ n: count() }).from(auditLog).where(where),
      ]);
      return {
        items: rows.map(({ entry, actorName }) => ({
          id: entry.id,
          actorId: entry.actorId,
          actorName: actorName ?? null,
          action: entry.action,
          entityType: entry.entityType,
          entityId: entry.entityId,
          labId: entry.labId,
          details: entry.details,
          createdAt: entry.createdAt.toISOString(),
        })),
        total: total?.n ?? 0,
      };
    },
  );
};

export default auditRoutes;

// Reading the audit trail (the core's AuditLog writes it, in each change's transaction).
import type { AuditEntry } from '@fablab/shared';
import { and, count, desc, eq, gte, inArray, lt, type SQL } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import type { Db } from '../../db/client.js';
import { auditLog, users } from '../../db/schema/index.js';
import { badRequest, forbidden } from '../../lib/errors.js';
import { can, type Actor } from '../../plugins/policy.js';

export interface AuditQuery {
  labId?: string;
  from?: string;
  to?: string;
  entityType?: string;
  entityId?: string;
  limit?: number;
  offset?: number;
}

export function createAuditReader(deps: { db: Db; labs: FastifyInstance['labs'] }) {
  const { db } = deps;
  return {
    /** Admins read every lab's trail; a lab's managers read their labs'. */
    async list(actor: Actor, q: AuditQuery): Promise<{ items: AuditEntry[]; total: number }> {
      const { labId, from, to, entityType, entityId, limit = 50, offset = 0 } = q;
      const conditions: SQL[] = [];
      if (labId) {
        await deps.labs.find(labId);
        if (!can(actor, 'lab.read_audit', { labId })) throw forbidden('Only this lab’s managers may read its audit log');
        conditions.push(eq(auditLog.labId, labId));
      } else if (!can(actor, 'lab.read_audit')) {
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
        db
          .select({ entry: auditLog, actorName: users.fullName })
          .from(auditLog)
          .leftJoin(users, eq(users.id, auditLog.actorId))
          .where(where)
          .orderBy(desc(auditLog.createdAt), desc(auditLog.id))
          .limit(limit)
          .offset(offset),
        db.select({ n: count() }).from(auditLog).where(where),
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
  };
}

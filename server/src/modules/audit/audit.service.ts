// Reading the audit trail (the core's AuditLog writes it, in each change's transaction).
import type { AuditEntry } from '@fablab/shared';
import type { FastifyInstance } from 'fastify';
import type { Db } from '../../db/client.js';
import { pageOf } from '../../db/paging.js';
import { badRequest, forbidden } from '../../lib/errors.js';
import { can, type Actor } from '../../plugins/policy.js';
import { createAuditRepository, type AuditFilter } from './audit.repository.js';

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
  const repo = createAuditRepository(deps.db);
  return {
    /** Admins read every lab's trail; a lab's managers read their labs'. */
    async list(actor: Actor, q: AuditQuery): Promise<{ items: AuditEntry[]; total: number }> {
      const { labId, from, to, entityType, entityId } = q;
      const filter: AuditFilter = { entityType, entityId };
      if (labId) {
        await deps.labs.find(labId);
        if (!can(actor, 'lab.read_audit', { labId })) throw forbidden('Only this lab’s managers may read its audit log');
        filter.labId = labId;
      } else if (!can(actor, 'lab.read_audit')) {
        if (actor.managedLabIds.length === 0) return { items: [], total: 0 };
        filter.labIds = actor.managedLabIds;
      }
      if (from && to && new Date(to) <= new Date(from)) throw badRequest('VALIDATION_ERROR', '`to` must be after `from`');
      if (from) filter.from = new Date(from);
      if (to) filter.to = new Date(to);
      const { rows, total } = await repo.list(filter, pageOf(q));
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
        total,
      };
    },
  };
}

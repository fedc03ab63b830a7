import { and, desc, eq, gte, inArray, lt, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { pagedQuery, type Page, type Paged } from '../../db/paging.js';
import { auditLog, users } from '../../db/schema/index.js';

export type AuditRow = typeof auditLog.$inferSelect;

export interface AuditFilter {
  labId?: string;
  /** Only these labs' entries (a manager's labs). */
  labIds?: string[];
  from?: Date;
  to?: Date;
  entityType?: string;
  entityId?: string;
}

export function createAuditRepository(db: DbOrTx) {
  return {
    /** Entries newest first, with the name of who acted. */
    async list(filter: AuditFilter, page: Page, tx: DbOrTx = db): Promise<Paged<{ entry: AuditRow; actorName: string | null }>> {
      const conditions: SQL[] = [];
      if (filter.labId) conditions.push(eq(auditLog.labId, filter.labId));
      if (filter.labIds) conditions.push(inArray(auditLog.labId, filter.labIds));
      if (filter.from) conditions.push(gte(auditLog.createdAt, filter.from));
      if (filter.to) conditions.push(lt(auditLog.createdAt, filter.to));
      if (filter.entityType) conditions.push(eq(auditLog.entityType, filter.entityType));
      if (filter.entityId) conditions.push(eq(auditLog.entityId, filter.entityId));
      const where = conditions.length ? and(...conditions) : undefined;
      return pagedQuery(
        tx,
        tx
          .select({ entry: auditLog, actorName: users.fullName })
          .from(auditLog)
          .leftJoin(users, eq(users.id, auditLog.actorId))
          .where(where)
          .orderBy(desc(auditLog.createdAt), desc(auditLog.id)),
        { table: auditLog, where },
        page,
      );
    },
  };
}

import type { DbOrTx } from '../db/client.js';
import { auditLog } from '../db/schema/index.js';

export interface AuditEntry {
  actorId: string | null;
  action: string;
  entityType: 'booking' | 'machine' | 'maintenance' | 'account' | 'lab' | 'closure' | 'certification' | 'usage' | 'series' | 'class_session';
  entityId?: string | null;
  labId?: string | null;
  details?: Record<string, unknown>;
}

/** Who did what to which booking, machine, maintenance or account; written in the same transaction. */
export async function writeAudit(db: DbOrTx, entry: AuditEntry | AuditEntry[]): Promise<void> {
  const rows = Array.isArray(entry) ? entry : [entry];
  if (rows.length === 0) return;
  await db.insert(auditLog).values(
    rows.map((e) => ({
      actorId: e.actorId,
      action: e.action,
      entityType: e.entityType,
      entityId: e.entityId ?? null,
      labId: e.labId ?? null,
      details: e.details ?? {},
    })),
  );
}

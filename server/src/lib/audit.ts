import type { DbOrTx } from '../db/client.js';
import { auditLog } from '../db/schema/index.js';
import type { Clock } from './clock.js';

export interface AuditEntry {
  actorId: string | null;
  action: string;
  entityType: 'booking' | 'machine' | 'maintenance' | 'account' | 'lab' | 'closure' | 'certification' | 'machine_type' | 'material' | 'usage' | 'series' | 'class_session';
  entityId?: string | null;
  labId?: string | null;
  details?: Record<string, unknown>;
}

export interface AuditLog {
  /** Who did what to which booking, machine, machine type, maintenance or account; written in the caller's transaction. */
  write(db: DbOrTx, entry: AuditEntry | AuditEntry[]): Promise<void>;
}

/** The audit trail, stamped by the app's clock so that a test's fixed time is the rows' time too. */
export function createAuditLog(clock: Clock): AuditLog {
  return {
    async write(db, entry) {
      const rows = Array.isArray(entry) ? entry : [entry];
      if (rows.length === 0) return;
      const at = clock.now();
      await db.insert(auditLog).values(
        rows.map((e) => ({
          actorId: e.actorId,
          action: e.action,
          entityType: e.entityType,
          entityId: e.entityId ?? null,
          labId: e.labId ?? null,
          details: e.details ?? {},
          createdAt: at,
        })),
      );
    },
  };
}

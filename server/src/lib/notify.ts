import type { DbOrTx } from '../db/client.js';
import { notifications } from '../db/schema/index.js';

export interface NotificationInput {
  userId: string;
  /** e.g. booking_approved, booking_cancelled, booking_rejected, maintenance_due … */
  kind: string;
  data: Record<string, unknown>;
}

/** Leaves in-app notifications, in the caller's transaction so they exist exactly when the change does. */
export async function notify(db: DbOrTx, input: NotificationInput | NotificationInput[]): Promise<void> {
  const rows = Array.isArray(input) ? input : [input];
  if (rows.length === 0) return;
  await db.insert(notifications).values(rows);
}

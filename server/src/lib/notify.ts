import { randomUUID } from 'node:crypto';
import type { DbOrTx } from '../db/client.js';
import { notifications } from '../db/schema/index.js';

export interface NotificationInput {
  userId: string;
  /** e.g. booking_approved, booking_cancelled, booking_rejected, maintenance_due … */
  kind: string;
  data: Record<string, unknown>;
}

export interface CreatedNotification extends NotificationInput {
  id: string;
}

/**
 * Writes the email for notifications into the outbox, in the same transaction. The notifications
 * module registers one when SMTP_URL is set; without one, notifications are in-app only.
 */
export interface NotificationMailer {
  enqueue(db: DbOrTx, created: CreatedNotification[]): Promise<void>;
}

// A registry rather than a parameter: notify(tx, …) is called from every module, which should
// not need to know whether email is configured. Tests may build several apps in one process;
// the most recently registered mailer is the active one.
const mailers: NotificationMailer[] = [];

/** Makes notify() also queue email; returns the function that stops it (on app close). */
export function registerNotificationMailer(mailer: NotificationMailer): () => void {
  mailers.push(mailer);
  return () => {
    const at = mailers.lastIndexOf(mailer);
    if (at >= 0) mailers.splice(at, 1);
  };
}

/**
 * Leaves in-app notifications, in the caller's transaction so they exist exactly when the change
 * does, and, when email is configured, their email in the outbox in that same transaction.
 */
export async function notify(db: DbOrTx, input: NotificationInput | NotificationInput[]): Promise<void> {
  const rows = Array.isArray(input) ? input : [input];
  if (rows.length === 0) return;
  // Ids made here, so each email is tied to its notification without relying on RETURNING's order.
  const created = rows.map((r) => ({ id: randomUUID(), userId: r.userId, kind: r.kind, data: r.data }));
  await db.insert(notifications).values(created);
  const mailer = mailers[mailers.length - 1];
  if (mailer) await mailer.enqueue(db, created);
}

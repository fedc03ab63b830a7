import { randomUUID } from 'node:crypto';
import type { DbOrTx } from '../db/client.js';
import { notifications } from '../db/schema/index.js';
import type { Clock } from './clock.js';

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
 * module gives the app's notifier one when SMTP_URL is set; without one, notifications are in-app only.
 */
export interface NotificationMailer {
  enqueue(db: DbOrTx, created: CreatedNotification[]): Promise<void>;
}

export interface Notifier {
  /**
   * Leaves in-app notifications, in the caller's transaction so they exist exactly when the change
   * does, and, when email is configured, their email in the outbox in that same transaction.
   */
  notify(db: DbOrTx, input: NotificationInput | NotificationInput[]): Promise<void>;
  /** Makes notify() also queue email; returns the function that stops it (on app close). */
  useMailer(mailer: NotificationMailer): () => void;
}

/** One per app: two apps in one process (tests) never share a mailer. */
export function createNotifier(clock: Clock): Notifier {
  let mailer: NotificationMailer | undefined;
  return {
    async notify(db, input) {
      const rows = Array.isArray(input) ? input : [input];
      if (rows.length === 0) return;
      const at = clock.now();
      // Ids made here, so each email is tied to its notification without relying on RETURNING's order.
      const created = rows.map((r) => ({ id: randomUUID(), userId: r.userId, kind: r.kind, data: r.data }));
      await db.insert(notifications).values(created.map((c) => ({ ...c, createdAt: at })));
      if (mailer) await mailer.enqueue(db, created);
    },
    useMailer(m) {
      mailer = m;
      return () => {
        if (mailer === m) mailer = undefined;
      };
    },
  };
}

import type { Notification, NotificationList } from '@fablab/shared';
import type { Db, DbOrTx } from '../../db/client.js';
import type { Clock } from '../../lib/clock.js';
import { notFound } from '../../lib/errors.js';
import { renderGuardianConsentEmail } from './email-templates.js';
import { createNotificationRepository, type NotificationRow } from './notifications.repository.js';

function toApi(row: NotificationRow): Notification {
  return {
    id: row.id,
    kind: row.kind,
    data: row.data,
    createdAt: row.createdAt.toISOString(),
    readAt: row.readAt ? row.readAt.toISOString() : null,
  };
}

export function createNotificationService(deps: { db: Db; clock: Clock; emailEnabled?: boolean }) {
  const { db, clock } = deps;
  const repo = createNotificationRepository(db);

  return {
    /** Whether email goes out at all (SMTP_URL is set); without it, nothing below is sent. */
    emailEnabled: Boolean(deps.emailEnabled),

    /**
     * Puts the guardian's consent link in the outbox, in the caller's transaction, when email is
     * configured; says whether it did. The guardian has no account: the mail goes to the contact.
     */
    async emailGuardianConsent(
      tx: DbOrTx,
      input: { to: string; locale: 'vi' | 'en'; guardianName: string; memberName: string; link: string; validDays: number },
    ): Promise<boolean> {
      if (!deps.emailEnabled) return false;
      const mail = renderGuardianConsentEmail(input);
      await repo.queueEmail(
        { toAddress: input.to, subject: mail.subject, body: mail.text, html: mail.html, nextAttemptAt: clock.now() },
        tx,
      );
      return true;
    },

    /** The caller's own notifications, newest first. */
    async list(userId: string, query: { unread?: boolean; limit: number; offset: number }): Promise<NotificationList> {
      const { rows, total, unread } = await repo.listFor(userId, Boolean(query.unread), { limit: query.limit, offset: query.offset });
      return { items: rows.map(toApi), total, unread };
    },

    /** Marks one as read (once: a second call keeps the first time). Someone else's is "not found". */
    async markRead(userId: string, id: string): Promise<Notification> {
      const updated = await repo.markRead(userId, id, clock.now());
      if (updated) return toApi(updated);
      const existing = await repo.findOwn(userId, id);
      if (!existing) throw notFound('Notification');
      return toApi(existing);
    },

    async markAllRead(userId: string): Promise<{ updated: number }> {
      return { updated: await repo.markAllRead(userId, clock.now()) };
    },
  };
}

import type { Notification, NotificationList } from '@fablab/shared';
import type { Db } from '../../db/client.js';
import type { Clock } from '../../lib/clock.js';
import { notFound } from '../../lib/errors.js';
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

export function createNotificationService(deps: { db: Db; clock: Clock }) {
  const { db, clock } = deps;
  const repo = createNotificationRepository(db);

  return {
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

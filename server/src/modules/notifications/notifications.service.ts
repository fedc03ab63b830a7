import type { Notification, NotificationList } from '@fablab/shared';
import { and, count, desc, eq, isNull } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { notifications } from '../../db/schema/index.js';
import type { Clock } from '../../lib/clock.js';
import { notFound } from '../../lib/errors.js';

type Row = typeof notifications.$inferSelect;

function toApi(row: Row): Notification {
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

  return {
    /** The caller's own notifications, newest first. */
    async list(userId: string, query: { unread?: boolean; limit: number; offset: number }): Promise<NotificationList> {
      const mine = eq(notifications.userId, userId);
      const unreadOnly = and(mine, isNull(notifications.readAt));
      const where = query.unread ? unreadOnly : mine;
      const [rows, [total], [unread]] = await Promise.all([
        db
          .select()
          .from(notifications)
          .where(where)
          .orderBy(desc(notifications.createdAt), desc(notifications.id))
          .limit(query.limit)
          .offset(query.offset),
        db.select({ n: count() }).from(notifications).where(where),
        db.select({ n: count() }).from(notifications).where(unreadOnly),
      ]);
      return { items: rows.map(toApi), total: total?.n ?? 0, unread: unread?.n ?? 0 };
    },

    /** Marks one as read (once: a second call keeps the first time). Someone else's is "not found". */
    async markRead(userId: string, id: string): Promise<Notification> {
      const [updated] = await db
        .update(notifications)
        .set({ readAt: clock.now() })
        .where(and(eq(notifications.id, id), eq(notifications.userId, userId), isNull(notifications.readAt)))
        .returning();
      if (updated) return toApi(updated);
      const [existing] = await db
        .select()
        .from(notifications)
        .where(and(eq(notifications.id, id), eq(notifications.userId, userId)));
      if (!existing) throw notFound('Notification');
      return toApi(existing);
    },

    async markAllRead(userId: string): Promise<{ updated: number }> {
      const rows = await db
        .update(notifications)
        .set({ readAt: clock.now() })
        .where(and(eq(notifications.userId, userId), isNull(notifications.readAt)))
        .returning({ id: notifications.id });
      return { updated: rows.length };
    },
  };
}

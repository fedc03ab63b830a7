import { and, count, desc, eq, gt, isNull } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { pagedQuery, type Page, type Paged } from '../../db/paging.js';
import { notifications, outbox, passwordResets, users } from '../../db/schema/index.js';

export type NotificationRow = typeof notifications.$inferSelect;
export type NewPasswordResetRow = typeof passwordResets.$inferInsert;
export type PasswordLinkKind = (typeof passwordResets.$inferSelect)['kind'];
export type NewOutboxRow = typeof outbox.$inferInsert;

export function createNotificationRepository(db: DbOrTx) {
  return {
    // ---------- in-app notifications ----------

    /** The member's notifications newest first (only the unread ones, if asked), and how many are unread. */
    async listFor(userId: string, unreadOnly: boolean, page: Page, tx: DbOrTx = db): Promise<Paged<NotificationRow> & { unread: number }> {
      const mine = eq(notifications.userId, userId);
      const unread = and(mine, isNull(notifications.readAt));
      const where = unreadOnly ? unread : mine;
      const [list, [unreadCount]] = await Promise.all([
        pagedQuery(
          tx,
          tx.select().from(notifications).where(where).orderBy(desc(notifications.createdAt), desc(notifications.id)),
          { table: notifications, where },
          page,
        ),
        tx.select({ n: count() }).from(notifications).where(unread),
      ]);
      return { ...list, unread: unreadCount?.n ?? 0 };
    },

    /** The member's own notification. */
    async findOwn(userId: string, id: string, tx: DbOrTx = db): Promise<NotificationRow | undefined> {
      const [row] = await tx
        .select()
        .from(notifications)
        .where(and(eq(notifications.id, id), eq(notifications.userId, userId)));
      return row;
    },

    /** Marks the member's notification read at `at` if it is unread; undefined when it is not (or not theirs). */
    async markRead(userId: string, id: string, at: Date, tx: DbOrTx = db): Promise<NotificationRow | undefined> {
      const [row] = await tx
        .update(notifications)
        .set({ readAt: at })
        .where(and(eq(notifications.id, id), eq(notifications.userId, userId), isNull(notifications.readAt)))
        .returning();
      return row;
    },

    /** Marks every unread notification of the member read at `at`; how many were. */
    async markAllRead(userId: string, at: Date, tx: DbOrTx = db): Promise<number> {
      const rows = await tx
        .update(notifications)
        .set({ readAt: at })
        .where(and(eq(notifications.userId, userId), isNull(notifications.readAt)))
        .returning({ id: notifications.id });
      return rows.length;
    },

    // ---------- password resets ----------

    /** The account with this (normalised) email, as a reset email needs it. */
    async findAccountByEmail(email: string, tx: DbOrTx = db) {
      const [row] = await tx
        .select({
          id: users.id,
          email: users.email,
          fullName: users.fullName,
          locale: users.locale,
          deletedAt: users.deletedAt,
        })
        .from(users)
        .where(eq(users.email, email));
      return row;
    },

    /** Locks the account's row FOR UPDATE until the transaction ends. */
    async lockAccount(userId: string, tx: DbOrTx = db): Promise<void> {
      await tx.select({ id: users.id }).from(users).where(eq(users.id, userId)).for('update');
    },

    /** How many of the account's links of this kind are unused and unexpired at `now`. */
    async liveResetCount(userId: string, kind: PasswordLinkKind, now: Date, tx: DbOrTx = db): Promise<number> {
      const [live] = await tx
        .select({ n: count() })
        .from(passwordResets)
        .where(
          and(
            eq(passwordResets.userId, userId),
            eq(passwordResets.kind, kind),
            isNull(passwordResets.usedAt),
            gt(passwordResets.expiresAt, now),
          ),
        );
      return live?.n ?? 0;
    },

    /** Ends (marks used at `now`) the account's unused links of this kind. */
    async endResets(userId: string, kind: PasswordLinkKind, now: Date, tx: DbOrTx = db): Promise<void> {
      await tx
        .update(passwordResets)
        .set({ usedAt: now })
        .where(and(eq(passwordResets.userId, userId), eq(passwordResets.kind, kind), isNull(passwordResets.usedAt)));
    },

    async insertReset(values: NewPasswordResetRow, tx: DbOrTx = db): Promise<void> {
      await tx.insert(passwordResets).values(values);
    },

    async queueEmail(values: NewOutboxRow, tx: DbOrTx = db): Promise<void> {
      await tx.insert(outbox).values(values);
    },

    /** Uses the link with this hash if it is live at `now`; whose and which kind it was, or undefined. */
    async useReset(
      tokenHash: string,
      now: Date,
      tx: DbOrTx = db,
    ): Promise<{ userId: string; kind: PasswordLinkKind } | undefined> {
      const [row] = await tx
        .update(passwordResets)
        .set({ usedAt: now })
        .where(and(eq(passwordResets.tokenHash, tokenHash), isNull(passwordResets.usedAt), gt(passwordResets.expiresAt, now)))
        .returning({ userId: passwordResets.userId, kind: passwordResets.kind });
      return row;
    },

    /** Marks every unused reset link of the account used. */
    async useAllResets(userId: string, now: Date, tx: DbOrTx = db): Promise<void> {
      await tx
        .update(passwordResets)
        .set({ usedAt: now })
        .where(and(eq(passwordResets.userId, userId), isNull(passwordResets.usedAt)));
    },

    /** Writes the account's new password (and what else `values` ends) unless it was deleted; its id, or undefined. */
    async setPassword(
      userId: string,
      values: { passwordHash: string } & Partial<typeof users.$inferInsert>,
      tx: DbOrTx = db,
    ): Promise<{ id: string } | undefined> {
      const [row] = await tx
        .update(users)
        .set(values)
        .where(and(eq(users.id, userId), isNull(users.deletedAt)))
        .returning({ id: users.id });
      return row;
    },
  };
}

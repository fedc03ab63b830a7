import { and, asc, eq, ilike, inArray, isNull, or, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { pagedQuery } from '../../db/paging.js';
import { bookings, certifications, labManagers, labs, notifications, usageMaterials, usageSessions, users } from '../../db/schema/index.js';

export type UserRow = typeof users.$inferSelect;
export type NewUserRow = typeof users.$inferInsert;

/** Every row that is about the member: their bookings, usage (and its materials), certifications and notifications. */
export interface MemberRecords {
  bookings: Array<typeof bookings.$inferSelect>;
  usage: Array<typeof usageSessions.$inferSelect>;
  materials: Array<typeof usageMaterials.$inferSelect>;
  certifications: Array<typeof certifications.$inferSelect>;
  notifications: Array<typeof notifications.$inferSelect>;
}

export function createAccountRepository(db: DbOrTx) {
  return {
    async findByEmail(email: string, tx: DbOrTx = db): Promise<UserRow | undefined> {
      const [row] = await tx.select().from(users).where(eq(users.email, email));
      return row;
    },
    async findById(id: string, tx: DbOrTx = db): Promise<UserRow | undefined> {
      const [row] = await tx.select().from(users).where(eq(users.id, id));
      return row;
    },
    async managedLabIds(userIds: string[], tx: DbOrTx = db): Promise<Map<string, string[]>> {
      const map = new Map<string, string[]>();
      if (userIds.length === 0) return map;
      const rows = await tx.select().from(labManagers).where(inArray(labManagers.userId, userIds));
      for (const r of rows) map.set(r.userId, [...(map.get(r.userId) ?? []), r.labId]);
      return map;
    },
    async insert(values: NewUserRow, tx: DbOrTx = db): Promise<UserRow> {
      const [row] = await tx.insert(users).values(values).returning();
      return row as UserRow;
    },
    async update(id: string, values: Partial<NewUserRow>, tx: DbOrTx = db): Promise<UserRow | undefined> {
      const [row] = await tx.update(users).set(values).where(eq(users.id, id)).returning();
      return row;
    },
    async setManagedLabs(userId: string, labIds: string[], tx: DbOrTx = db): Promise<void> {
      await tx.delete(labManagers).where(eq(labManagers.userId, userId));
      if (labIds.length > 0) await tx.insert(labManagers).values(labIds.map((labId) => ({ userId, labId })));
    },
    async list(
      filter: { q?: string; role?: UserRow['role'] },
      page: { limit: number; offset: number },
      tx: DbOrTx = db,
    ): Promise<{ rows: UserRow[]; total: number }> {
      const conditions: SQL[] = [isNull(users.deletedAt)];
      if (filter.q) {
        const pattern = `%${filter.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
        conditions.push(or(ilike(users.fullName, pattern), ilike(users.email, pattern)) as SQL);
      }
      if (filter.role) conditions.push(eq(users.role, filter.role));
      const where = and(...conditions);
      return pagedQuery(tx, tx.select().from(users).where(where).orderBy(asc(users.fullName), asc(users.id)), { table: users, where }, page);
    },
    /** Locks the member's row FOR UPDATE until the transaction ends. */
    async lock(id: string, tx: DbOrTx = db): Promise<void> {
      await tx.select({ id: users.id }).from(users).where(eq(users.id, id)).for('update');
    },
    async recordsOf(userId: string, tx: DbOrTx = db): Promise<MemberRecords> {
      const [myBookings, usage, myCertifications, myNotifications] = await Promise.all([
        tx.select().from(bookings).where(eq(bookings.userId, userId)),
        tx.select().from(usageSessions).where(eq(usageSessions.userId, userId)),
        tx.select().from(certifications).where(eq(certifications.userId, userId)),
        tx.select().from(notifications).where(eq(notifications.userId, userId)),
      ]);
      const sessionIds = usage.map((u) => u.id);
      const materials = sessionIds.length ? await tx.select().from(usageMaterials).where(inArray(usageMaterials.usageSessionId, sessionIds)) : [];
      return { bookings: myBookings, usage, materials, certifications: myCertifications, notifications: myNotifications };
    },
    /** Clears any name written on the member's usage sessions. */
    async clearNamesOnUsage(userId: string, tx: DbOrTx = db): Promise<void> {
      await tx.update(usageSessions).set({ guestName: null }).where(eq(usageSessions.userId, userId));
    },
    async deleteNotifications(userId: string, tx: DbOrTx = db): Promise<void> {
      await tx.delete(notifications).where(eq(notifications.userId, userId));
    },
    /** Those of these labs that exist. */
    async existingLabIds(labIds: string[], tx: DbOrTx = db): Promise<string[]> {
      if (labIds.length === 0) return [];
      return (await tx.select({ id: labs.id }).from(labs).where(inArray(labs.id, labIds))).map((l) => l.id);
    },
  };
}

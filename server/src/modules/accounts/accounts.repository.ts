import { and, asc, count, eq, ilike, inArray, isNull, or, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { labManagers, users } from '../../db/schema/index.js';

export type UserRow = typeof users.$inferSelect;
export type NewUserRow = typeof users.$inferInsert;

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
      const [rows, [totalRow]] = await Promise.all([
        tx.select().from(users).where(where).orderBy(asc(users.fullName), asc(users.id)).limit(page.limit).offset(page.offset),
        tx.select({ n: count() }).from(users).where(where),
      ]);
      return { rows, total: totalRow?.n ?? 0 };
    },
  };
}

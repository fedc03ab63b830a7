import { and, eq, isNull } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { labManagers, users } from '../../db/schema/index.js';

/** The active managers of a lab: the people told about incidents and due maintenance. */
export async function labManagerIds(db: DbOrTx, labId: string): Promise<string[]> {
  const rows = await db
    .select({ id: users.id })
    .from(labManagers)
    .innerJoin(users, eq(users.id, labManagers.userId))
    .where(and(eq(labManagers.labId, labId), eq(users.role, 'manager'), eq(users.disabled, false), isNull(users.deletedAt)));
  return rows.map((r) => r.id);
}

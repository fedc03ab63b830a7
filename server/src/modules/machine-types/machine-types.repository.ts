import { asc, eq } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { machineTypes } from '../../db/schema/index.js';

export type MachineTypeRow = typeof machineTypes.$inferSelect;
export type NewMachineTypeRow = typeof machineTypes.$inferInsert;

export function createMachineTypeRepository(db: DbOrTx) {
  return {
    async list(tx: DbOrTx = db): Promise<MachineTypeRow[]> {
      return tx.select().from(machineTypes).orderBy(asc(machineTypes.slug));
    },

    async find(slug: string, tx: DbOrTx = db): Promise<MachineTypeRow | undefined> {
      const [row] = await tx.select().from(machineTypes).where(eq(machineTypes.slug, slug));
      return row;
    },

    /** The new row, or undefined when the slug is taken. */
    async insert(values: NewMachineTypeRow, tx: DbOrTx = db): Promise<MachineTypeRow | undefined> {
      const [row] = await tx
        .insert(machineTypes)
        .values(values)
        .onConflictDoNothing({ target: machineTypes.slug })
        .returning();
      return row;
    },

    async update(
      slug: string,
      values: Partial<Pick<NewMachineTypeRow, 'name' | 'nameVi'>>,
      tx: DbOrTx = db,
    ): Promise<MachineTypeRow | undefined> {
      const [row] = await tx.update(machineTypes).set(values).where(eq(machineTypes.slug, slug)).returning();
      return row;
    },
  };
}

import { asc, eq } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { machines } from '../../db/schema/index.js';

export type MachineRow = typeof machines.$inferSelect;
export type NewMachineRow = typeof machines.$inferInsert;

export function createMachineRepository(db: DbOrTx) {
  return {
    async findById(id: string, tx: DbOrTx = db): Promise<MachineRow | undefined> {
      const [row] = await tx.select().from(machines).where(eq(machines.id, id));
      return row;
    },

    /** Every machine of the lab, retired ones too, by type and name. */
    async listForLab(labId: string, tx: DbOrTx = db): Promise<MachineRow[]> {
      return tx.select().from(machines).where(eq(machines.labId, labId)).orderBy(asc(machines.type), asc(machines.name));
    },

    async insert(values: NewMachineRow, tx: DbOrTx = db): Promise<MachineRow> {
      const [row] = await tx.insert(machines).values(values).returning();
      return row!;
    },

    async update(id: string, values: Partial<NewMachineRow>, tx: DbOrTx = db): Promise<MachineRow | undefined> {
      const [row] = await tx.update(machines).set(values).where(eq(machines.id, id)).returning();
      return row;
    },
  };
}

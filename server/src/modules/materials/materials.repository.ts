import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { materials } from '../../db/schema/index.js';

export type MaterialRow = typeof materials.$inferSelect;
export type NewMaterialRow = typeof materials.$inferInsert;

/** The same material as `name` and `unit`, as the catalogue's unique index decides it. */
const sameAs = (name: string, unit: string) =>
  and(
    sql`material_key(${materials.name}) = material_key(${name})`,
    sql`material_key(${materials.unit}) = material_key(${unit})`,
  );

export function createMaterialRepository(db: DbOrTx) {
  return {
    /** The lab's catalogue by name (as the lab's managers read it), then unit. */
    async listOfLab(labId: string, tx: DbOrTx = db): Promise<MaterialRow[]> {
      return tx
        .select()
        .from(materials)
        .where(eq(materials.labId, labId))
        .orderBy(
          asc(sql`material_key(${materials.name})`),
          asc(sql`material_key(${materials.unit})`),
          asc(materials.id),
        );
    },

    async findInLab(labId: string, id: string, tx: DbOrTx = db): Promise<MaterialRow | undefined> {
      const [row] = await tx
        .select()
        .from(materials)
        .where(and(eq(materials.labId, labId), eq(materials.id, id)));
      return row;
    },

    /** Those of the ids that are entries of the lab's catalogue. */
    async manyInLab(labId: string, ids: string[], tx: DbOrTx = db): Promise<MaterialRow[]> {
      if (ids.length === 0) return [];
      return tx
        .select()
        .from(materials)
        .where(and(eq(materials.labId, labId), inArray(materials.id, [...new Set(ids)])));
    },

    /** The lab's entry of that name and unit, whatever their case, accents' encoding and spaces around. */
    async findByName(labId: string, name: string, unit: string, tx: DbOrTx = db): Promise<MaterialRow | undefined> {
      const [row] = await tx
        .select()
        .from(materials)
        .where(and(eq(materials.labId, labId), sameAs(name, unit)));
      return row;
    },

    /** The new entry, or undefined when the lab has one of that name and unit already. */
    async insert(values: NewMaterialRow, tx: DbOrTx = db): Promise<MaterialRow | undefined> {
      const [row] = await tx.insert(materials).values(values).onConflictDoNothing().returning();
      return row;
    },

    /** Throws the database's unique violation (23505) when the new name and unit are another entry's. */
    async update(
      labId: string,
      id: string,
      values: Partial<Pick<NewMaterialRow, 'name' | 'unit' | 'priceVnd'>>,
      tx: DbOrTx = db,
    ): Promise<MaterialRow | undefined> {
      const [row] = await tx
        .update(materials)
        .set(values)
        .where(and(eq(materials.labId, labId), eq(materials.id, id)))
        .returning();
      return row;
    },
  };
}

export type MaterialRepository = ReturnType<typeof createMaterialRepository>;

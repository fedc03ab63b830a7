import { sql } from 'drizzle-orm';
import { check, integer, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt, id } from './columns.js';
import { labs } from './labs.js';

/**
 * A lab's materials catalogue (migration 0011). Two entries of a lab never share a name and a unit
 * under material_key() — trimmed, NFC, lower-cased with Unicode rules —, the one definition of
 * "the same material" that the index, the matching of free text and the statistics all use.
 */
export const materials = pgTable(
  'materials',
  {
    id: id(),
    labId: uuid('lab_id')
      .notNull()
      .references(() => labs.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    unit: text('unit').notNull(),
    /** Vietnamese đồng per unit; null where the lab set none. */
    priceVnd: integer('price_vnd'),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('materials_lab_key_idx').on(t.labId, sql`material_key(${t.name})`, sql`material_key(${t.unit})`),
    check('materials_name_check', sql`btrim(${t.name}) <> '' and length(${t.name}) <= 200`),
    check('materials_unit_check', sql`btrim(${t.unit}) <> '' and length(${t.unit}) <= 40`),
    check('materials_price_check', sql`${t.priceVnd} is null or ${t.priceVnd} >= 0`),
  ],
);

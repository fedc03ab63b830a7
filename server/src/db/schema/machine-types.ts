import { sql } from 'drizzle-orm';
import { check, index, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core';
import { users } from './accounts.js';
import { createdAt } from './columns.js';
import { labs } from './labs.js';

/**
 * The machine types an administrator manages, named in both languages (migration 0009). A
 * machine's type must be one of them; the check is the machines service's (its column is kept
 * free so that rows written before this table keep their meaning).
 */
export const machineTypes = pgTable(
  'machine_types',
  {
    slug: text('slug').primaryKey(),
    name: text('name').notNull(),
    nameVi: text('name_vi').notNull(),
    createdAt: createdAt(),
  },
  (t) => [check('machine_types_slug_check', sql`${t.slug} ~ '^[a-z0-9][a-z0-9_-]*$' and length(${t.slug}) <= 64`)],
);

/**
 * A lab (labId) that accepts another lab's (recognizedLabId) certifications on one machine type:
 * a member trained there may book and start those machines here without training again.
 */
export const certificationRecognitions = pgTable(
  'certification_recognitions',
  {
    labId: uuid('lab_id')
      .notNull()
      .references(() => labs.id, { onDelete: 'cascade' }),
    recognizedLabId: uuid('recognized_lab_id')
      .notNull()
      .references(() => labs.id, { onDelete: 'cascade' }),
    machineType: text('machine_type')
      .notNull()
      .references(() => machineTypes.slug, { onDelete: 'restrict' }),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ name: 'certification_recognitions_pk', columns: [t.labId, t.recognizedLabId, t.machineType] }),
    index('certification_recognitions_recognized_idx').on(t.recognizedLabId, t.machineType),
    check('certification_recognitions_other_lab_check', sql`${t.labId} <> ${t.recognizedLabId}`),
  ],
);

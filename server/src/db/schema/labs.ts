import type { LabSettings, OpeningHours } from '@fablab/shared';
import { sql } from 'drizzle-orm';
import { boolean, check, date, index, integer, jsonb, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { createdAt, id } from './columns.js';

export const labs = pgTable('labs', {
  id: id(),
  slug: text('slug').notNull().unique(),
  name: text('name').notNull(),
  nameVi: text('name_vi').notNull(),
  host: text('host').notNull().default(''),
  timezone: text('timezone').notNull().default('Asia/Ho_Chi_Minh'),
  openingHours: jsonb('opening_hours').$type<OpeningHours>().notNull(),
  settings: jsonb('settings').$type<LabSettings>().notNull(),
  createdAt: createdAt(),
  /**
   * Raised by the database (triggers, migration 0008) on every change of the row or of the lab's
   * closures. A booking reads it under a share lock, so the rules it is checked against are never
   * older than the last committed change of the lab, whichever server process made it.
   */
  version: integer('version').notNull().default(0),
});

export const closures = pgTable(
  'closures',
  {
    id: id(),
    labId: uuid('lab_id')
      .notNull()
      .references(() => labs.id, { onDelete: 'cascade' }),
    fromDate: date('from_date', { mode: 'string' }).notNull(),
    toDate: date('to_date', { mode: 'string' }).notNull(),
    reason: text('reason').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    index('closures_lab_idx').on(t.labId, t.fromDate),
    check('closures_dates_check', sql`${t.toDate} >= ${t.fromDate}`),
  ],
);

export const machines = pgTable(
  'machines',
  {
    id: id(),
    labId: uuid('lab_id')
      .notNull()
      .references(() => labs.id, { onDelete: 'restrict' }),
    name: text('name').notNull(),
    type: text('type').notNull(),
    status: text('status', { enum: ['available', 'out_of_service', 'retired'] })
      .notNull()
      .default('available'),
    requiresApproval: boolean('requires_approval').notNull().default(false),
    requiresCertification: boolean('requires_certification').notNull().default(false),
    minMinutes: integer('min_minutes').notNull().default(30),
    maxMinutes: integer('max_minutes').notNull().default(240),
    slotMinutes: integer('slot_minutes').notNull().default(30),
    bufferMinutes: integer('buffer_minutes').notNull().default(0),
    mayRunUnattended: boolean('may_run_unattended').notNull().default(false),
    /** A member may start it at the machine (card, Start button) without a booking when it is free. */
    walkIns: boolean('walk_ins').notNull().default(false),
    createdAt: createdAt(),
  },
  (t) => [
    index('machines_lab_idx').on(t.labId),
    check('machines_status_check', sql`${t.status} in ('available', 'out_of_service', 'retired')`),
    check(
      'machines_rules_check',
      sql`${t.minMinutes} > 0 and ${t.maxMinutes} >= ${t.minMinutes} and ${t.slotMinutes} > 0 and ${t.bufferMinutes} >= 0`,
    ),
  ],
);

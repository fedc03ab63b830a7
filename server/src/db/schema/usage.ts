import { sql } from 'drizzle-orm';
import { bigint, boolean, check, doublePrecision, index, integer, numeric, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { users } from './accounts.js';
import { bookings } from './bookings.js';
import { createdAt, id, instant } from './columns.js';
import { labs, machines } from './labs.js';
import { materials } from './materials.js';

// Usage sessions never overlap on one machine: usage_no_overlap (hand-written migration) excludes
// overlapping [start_at, coalesce(end_at, 'infinity')) ranges per machine.
export const usageSessions = pgTable(
  'usage_sessions',
  {
    id: id(),
    machineId: uuid('machine_id')
      .notNull()
      .references(() => machines.id, { onDelete: 'restrict' }),
    labId: uuid('lab_id')
      .notNull()
      .references(() => labs.id, { onDelete: 'restrict' }),
    bookingId: uuid('booking_id').references(() => bookings.id, { onDelete: 'set null' }),
    userId: uuid('user_id').references(() => users.id, { onDelete: 'set null' }),
    /** A walk-in visitor without an account. */
    guestName: text('guest_name'),
    guestCategory: text('guest_category'),
    guestGender: text('guest_gender'),
    /** Snapshot for statistics, so that deleting the account keeps anonymous counts. */
    category: text('category').notNull(),
    gender: text('gender').notNull().default('undisclosed'),
    purpose: text('purpose'),
    startAt: instant('start_at').notNull(),
    endAt: instant('end_at'),
    closedBySystem: boolean('closed_by_system').notNull().default(false),
    note: text('note'),
    /** Measured by the machine's power switch; null where no switch measured the session. */
    poweredSecs: doublePrecision('powered_secs'),
    runningSecs: doublePrecision('running_secs'),
    energyWh: doublePrecision('energy_wh'),
    /** Up to when the switch's reports have been counted into this session. */
    meteredUntil: instant('metered_until'),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
  },
  (t) => [
    index('usage_machine_start_idx').on(t.machineId, t.startAt),
    // Only the open sessions: a machine's current user is found without reading its history.
    index('usage_open_machine_idx').on(t.machineId).where(sql`${t.endAt} is null`),
    index('usage_lab_start_idx').on(t.labId, t.startAt),
    index('usage_user_idx').on(t.userId),
    // Check-out finds a booking's session, and deleting a booking sets its sessions' booking_id to null.
    index('usage_booking_idx').on(t.bookingId),
    check('usage_times_check', sql`${t.endAt} is null or ${t.endAt} > ${t.startAt}`),
  ],
);

export const usageMaterials = pgTable(
  'usage_materials',
  {
    id: id(),
    usageSessionId: uuid('usage_session_id')
      .notNull()
      .references(() => usageSessions.id, { onDelete: 'cascade' }),
    /**
     * The catalogue entry (migration 0011). Null only for a row no entry could be made for (blank
     * text from before the catalogue) or whose entry was removed: statistics then fall back to
     * the text, matched as the catalogue matches it.
     */
    materialId: uuid('material_id').references(() => materials.id, { onDelete: 'set null' }),
    /** The name and unit as recorded (the entry's then, or the text typed before the catalogue). */
    material: text('material').notNull(),
    quantity: numeric('quantity', { precision: 14, scale: 3, mode: 'number' }).notNull(),
    unit: text('unit').notNull(),
  },
  (t) => [
    index('usage_materials_session_idx').on(t.usageSessionId),
    index('usage_materials_material_idx').on(t.materialId),
    check('usage_materials_quantity_check', sql`${t.quantity} >= 0`),
  ],
);

export const incidents = pgTable('incidents', {
  id: id(),
  usageSessionId: uuid('usage_session_id').references(() => usageSessions.id, { onDelete: 'set null' }),
  machineId: uuid('machine_id')
    .notNull()
    .references(() => machines.id, { onDelete: 'cascade' }),
  labId: uuid('lab_id')
    .notNull()
    .references(() => labs.id, { onDelete: 'cascade' }),
  kind: text('kind').notNull(),
  description: text('description').notNull(),
  machineOutOfService: boolean('machine_out_of_service').notNull().default(false),
  reportedBy: uuid('reported_by').references(() => users.id, { onDelete: 'set null' }),
  createdAt: createdAt(),
});

export const maintenanceLog = pgTable('maintenance_log', {
  id: id(),
  machineId: uuid('machine_id')
    .notNull()
    .references(() => machines.id, { onDelete: 'cascade' }),
  performedAt: instant('performed_at').notNull(),
  performedBy: uuid('performed_by').references(() => users.id, { onDelete: 'set null' }),
  description: text('description').notNull(),
  /** In VND, an integer. */
  costVnd: bigint('cost_vnd', { mode: 'number' }).notNull().default(0),
  parts: text('parts'),
  planId: uuid('plan_id'),
  createdAt: createdAt(),
});

export const maintenancePlans = pgTable(
  'maintenance_plans',
  {
    id: id(),
    machineId: uuid('machine_id')
      .notNull()
      .references(() => machines.id, { onDelete: 'cascade' }),
    title: text('title').notNull(),
    everyDays: integer('every_days'),
    everyUsageHours: integer('every_usage_hours'),
    lastDoneAt: instant('last_done_at').notNull().defaultNow(),
    dueNotifiedAt: instant('due_notified_at'),
    createdAt: createdAt(),
  },
  (t) => [check('maintenance_plans_rule_check', sql`${t.everyDays} is not null or ${t.everyUsageHours} is not null`)],
);

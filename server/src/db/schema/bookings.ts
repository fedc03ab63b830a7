import { sql } from 'drizzle-orm';
import { check, index, integer, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { users } from './accounts.js';
import { createdAt, id, instant } from './columns.js';
import { labs, machines } from './labs.js';

export const classSessions = pgTable('class_sessions', {
  id: id(),
  labId: uuid('lab_id')
    .notNull()
    .references(() => labs.id, { onDelete: 'cascade' }),
  title: text('title').notNull(),
  participants: integer('participants').notNull(),
  startAt: instant('start_at').notNull(),
  endAt: instant('end_at').notNull(),
  createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
  createdAt: createdAt(),
});

export const bookingSeries = pgTable('booking_series', {
  id: id(),
  labId: uuid('lab_id')
    .notNull()
    .references(() => labs.id, { onDelete: 'cascade' }),
  title: text('title').notNull(),
  createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
  createdAt: createdAt(),
});

// The exclusion constraint that makes overlap impossible lives in a hand-written migration
// (drizzle-kit cannot express EXCLUDE): bookings_no_overlap on (machine_id, occupied) for the
// states that hold their slot. `occupied` is generated from start_at and occupied_until.
export const bookings = pgTable(
  'bookings',
  {
    id: id(),
    machineId: uuid('machine_id')
      .notNull()
      .references(() => machines.id, { onDelete: 'restrict' }),
    labId: uuid('lab_id')
      .notNull()
      .references(() => labs.id, { onDelete: 'restrict' }),
    /** Null only after the member deleted their account (statistics keep the row). */
    userId: uuid('user_id').references(() => users.id, { onDelete: 'set null' }),
    startAt: instant('start_at').notNull(),
    endAt: instant('end_at').notNull(),
    /** end_at plus the machine's buffer at booking time (cleaning, cooling). */
    occupiedUntil: instant('occupied_until').notNull(),
    status: text('status', {
      enum: ['pending', 'approved', 'rejected', 'expired', 'cancelled', 'checked_in', 'completed', 'no_show'],
    }).notNull(),
    purpose: text('purpose', {
      enum: ['personal_project', 'startup_prototype', 'stem_class', 'training', 'research', 'enterprise_service'],
    }).notNull(),
    note: text('note'),
    /**
     * Who the member was when they booked: statistics read these, so a profile edit never
     * rewrites a reported month. An insert trigger (migration 0010) fills them from the member's
     * row, or GROUP_CATEGORY for a class's or series' booking. Null only on rows of accounts
     * deleted outright before that migration.
     */
    category: text('category'),
    gender: text('gender'),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
    decidedAt: instant('decided_at'),
    decidedBy: uuid('decided_by').references(() => users.id, { onDelete: 'set null' }),
    /** When it was first approved; the median time to approval is measured to it. */
    approvedAt: instant('approved_at'),
    cancelledAt: instant('cancelled_at'),
    cancelledBy: uuid('cancelled_by').references(() => users.id, { onDelete: 'set null' }),
    reason: text('reason'),
    seriesId: uuid('series_id').references(() => bookingSeries.id, { onDelete: 'set null' }),
    classSessionId: uuid('class_session_id').references(() => classSessions.id, { onDelete: 'set null' }),
    updatedAt: instant('updated_at').notNull().defaultNow(),
    /**
     * The iCalendar SEQUENCE of the booking's event: a trigger (migration 0005) raises it on every
     * update, whoever writes the row, so calendar apps always take the latest version as newer.
     */
    sequence: integer('sequence').notNull().default(0),
  },
  (t) => [
    index('bookings_machine_start_idx').on(t.machineId, t.startAt),
    index('bookings_lab_start_idx').on(t.labId, t.startAt),
    index('bookings_user_start_idx').on(t.userId, t.startAt),
    index('bookings_status_start_idx').on(t.status, t.startAt),
    check(
      'bookings_status_check',
      sql`${t.status} in ('pending', 'approved', 'rejected', 'expired', 'cancelled', 'checked_in', 'completed', 'no_show')`,
    ),
    check(
      'bookings_purpose_check',
      sql`${t.purpose} in ('personal_project', 'startup_prototype', 'stem_class', 'training', 'research', 'enterprise_service')`,
    ),
    check('bookings_times_check', sql`${t.endAt} > ${t.startAt} and ${t.occupiedUntil} >= ${t.endAt}`),
    check('bookings_length_check', sql`${t.endAt} - ${t.startAt} <= interval '10080 minutes'`),
  ],
);

export const maintenanceWindows = pgTable(
  'maintenance_windows',
  {
    id: id(),
    machineId: uuid('machine_id')
      .notNull()
      .references(() => machines.id, { onDelete: 'cascade' }),
    labId: uuid('lab_id')
      .notNull()
      .references(() => labs.id, { onDelete: 'cascade' }),
    startAt: instant('start_at').notNull(),
    endAt: instant('end_at').notNull(),
    reason: text('reason').notNull(),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
  },
  (t) => [
    index('maintenance_machine_start_idx').on(t.machineId, t.startAt),
    index('maintenance_lab_start_idx').on(t.labId, t.startAt),
    check('maintenance_times_check', sql`${t.endAt} > ${t.startAt}`),
  ],
);

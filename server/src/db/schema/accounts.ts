import { sql } from 'drizzle-orm';
import { boolean, check, index, pgTable, primaryKey, text, uuid, type AnyPgColumn } from 'drizzle-orm/pg-core';
import { createdAt, id, instant } from './columns.js';
import { labs } from './labs.js';

export const users = pgTable(
  'users',
  {
    id: id(),
    /** Stored lower-cased; null once the account is deleted (anonymised). */
    email: text('email').unique(),
    passwordHash: text('password_hash'),
    fullName: text('full_name').notNull(),
    role: text('role', { enum: ['member', 'manager', 'department', 'admin'] })
      .notNull()
      .default('member'),
    category: text('category', {
      enum: ['student', 'teacher', 'startup', 'enterprise', 'researcher', 'community'],
    }).notNull(),
    gender: text('gender', { enum: ['female', 'male', 'other', 'undisclosed'] })
      .notNull()
      .default('undisclosed'),
    organization: text('organization'),
    phone: text('phone'),
    locale: text('locale', { enum: ['vi', 'en'] })
      .notNull()
      .default('vi'),
    under16: boolean('under16').notNull().default(false),
    guardianName: text('guardian_name'),
    guardianContact: text('guardian_contact'),
    /** When the guardian's consent was given (null: pending; the account does not book until then). */
    guardianConsentAt: instant('guardian_consent_at'),
    /** `link` (the guardian confirmed through the mailed link) or `paper` (a manager recorded the form). */
    guardianConsentMethod: text('guardian_consent_method', { enum: ['link', 'paper'] }),
    /** The manager who recorded a paper form. */
    guardianConsentBy: uuid('guardian_consent_by').references((): AnyPgColumn => users.id, { onDelete: 'set null' }),
    /** The lab where the paper form is kept. */
    guardianConsentLabId: uuid('guardian_consent_lab_id').references(() => labs.id, { onDelete: 'set null' }),
    guardianConsentNote: text('guardian_consent_note'),
    disabled: boolean('disabled').notNull().default(false),
    deletedAt: instant('deleted_at'),
    /** Secret of the member's iCalendar feed; regenerating it kills the old URL. */
    calendarToken: text('calendar_token').unique(),
    /** Secret of a manager's labs feed, apart from the personal one: it shows other members' names. */
    labsCalendarToken: text('labs_calendar_token').unique(),
    /** Bumped on password change, disable and delete, so older tokens stop working. */
    tokenVersion: text('token_version')
      .notNull()
      .default(sql`gen_random_uuid()::text`),
    createdAt: createdAt(),
  },
  (t) => [
    check('users_role_check', sql`${t.role} in ('member', 'manager', 'department', 'admin')`),
    check(
      'users_category_check',
      sql`${t.category} in ('student', 'teacher', 'startup', 'enterprise', 'researcher', 'community')`,
    ),
    check('users_gender_check', sql`${t.gender} in ('female', 'male', 'other', 'undisclosed')`),
    check(
      'users_guardian_check',
      sql`not ${t.under16} or ${t.deletedAt} is not null or (${t.guardianName} is not null and ${t.guardianContact} is not null)`,
    ),
    check(
      'users_guardian_consent_check',
      sql`(${t.guardianConsentAt} is null) = (${t.guardianConsentMethod} is null) and (${t.guardianConsentMethod} is null or ${t.guardianConsentMethod} in ('link', 'paper'))`,
    ),
    index('users_created_idx').on(t.createdAt),
  ],
);

export const labManagers = pgTable(
  'lab_managers',
  {
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    labId: uuid('lab_id')
      .notNull()
      .references(() => labs.id, { onDelete: 'cascade' }),
  },
  (t) => [primaryKey({ columns: [t.userId, t.labId] })],
);

export const certifications = pgTable(
  'certifications',
  {
    id: id(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    labId: uuid('lab_id')
      .notNull()
      .references(() => labs.id, { onDelete: 'cascade' }),
    machineType: text('machine_type').notNull(),
    grantedBy: uuid('granted_by').references(() => users.id, { onDelete: 'set null' }),
    grantedAt: instant('granted_at').notNull().defaultNow(),
    expiresAt: instant('expires_at'),
    revokedAt: instant('revoked_at'),
    revokedBy: uuid('revoked_by').references(() => users.id, { onDelete: 'set null' }),
  },
  (t) => [index('certifications_user_idx').on(t.userId, t.labId, t.machineType)],
);

/** Single-use set-password links: a reset the member asked for, or an administrator's invite. */
export const passwordResets = pgTable(
  'password_resets',
  {
    id: id(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: ['reset', 'invite'] })
      .notNull()
      .default('reset'),
    tokenHash: text('token_hash').notNull().unique(),
    expiresAt: instant('expires_at').notNull(),
    usedAt: instant('used_at'),
    createdAt: createdAt(),
  },
  (t) => [
    check('password_resets_kind_check', sql`${t.kind} in ('reset', 'invite')`),
    index('password_resets_user_idx').on(t.userId, t.kind),
  ],
);

/**
 * One-time links that let an under-16 member's guardian confirm consent (Decree 13/2023, art. 20).
 * Only the sha256 of the secret is kept, as for password resets; a link works once, until it
 * expires, and only while it goes to the guardian's current contact.
 */
export const guardianConsentLinks = pgTable(
  'guardian_consent_links',
  {
    id: id(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    tokenHash: text('token_hash').notNull().unique(),
    sentTo: text('sent_to').notNull(),
    expiresAt: instant('expires_at').notNull(),
    usedAt: instant('used_at'),
    createdAt: createdAt(),
  },
  (t) => [index('guardian_consent_links_user_idx').on(t.userId)],
);

// The vocabulary of DOMAIN.md as string slugs: the API, the database and the web use these lists.

export const ROLES = ['member', 'manager', 'department', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const MEMBER_CATEGORIES = [
  'student',
  'teacher',
  'startup',
  'enterprise',
  'researcher',
  'community',
] as const;
export type MemberCategory = (typeof MEMBER_CATEGORIES)[number];

/**
 * The category a class's or a series' bookings (and their usage) are reported in: a group, counted
 * apart from makers, never in the category of the manager who booked them. The bookings' insert
 * trigger (migration 0010) writes the same word.
 */
export const GROUP_CATEGORY = 'class_session';
/** The categories the statistics break down by, in their order: the members' own, then groups. */
export const REPORTED_CATEGORIES = [...MEMBER_CATEGORIES, GROUP_CATEGORY] as const;

export const GENDERS = ['female', 'male', 'other', 'undisclosed'] as const;
export type Gender = (typeof GENDERS)[number];

export const PURPOSES = [
  'personal_project',
  'startup_prototype',
  'stem_class',
  'training',
  'research',
  'enterprise_service',
] as const;
export type Purpose = (typeof PURPOSES)[number];

export const BOOKING_STATUSES = [
  'pending',
  'approved',
  'rejected',
  'expired',
  'cancelled',
  'checked_in',
  'completed',
  'no_show',
] as const;
export type BookingStatus = (typeof BOOKING_STATUSES)[number];

/** Bookings in these states hold their slot: two of them never overlap on one machine. */
export const SLOT_HOLDING_STATUSES = ['pending', 'approved', 'checked_in'] as const satisfies readonly BookingStatus[];

/** Bookings that may still be given up: cancelled, or moved, before anyone used them. */
export const CANCELLABLE_STATUSES = ['pending', 'approved'] as const satisfies readonly BookingStatus[];

/** Bookings counted against a member's weekly hours: those that hold, or held and used, their slot. */
export const QUOTA_COUNTED_STATUSES = ['pending', 'approved', 'checked_in', 'completed'] as const satisfies readonly BookingStatus[];

/** Bookings that were approved at some point; they count in booked hours. */
export const APPROVED_STATUSES = ['approved', 'checked_in', 'completed', 'no_show'] as const satisfies readonly BookingStatus[];

/**
 * The longest a booking may be (a machine's `maxMinutes` is at most this). A check constraint holds
 * every row to it, so a query for the bookings running in a window needs to look back no further.
 */
export const MAX_BOOKING_MINUTES = 10_080;

export const MACHINE_STATUSES = ['available', 'out_of_service', 'retired'] as const;
export type MachineStatus = (typeof MACHINE_STATUSES)[number];

/** The machine types the database starts with (migration 0010); administrators add others (GET /api/machine-types). */
export const KNOWN_MACHINE_TYPES = [
  'laser_cutter',
  'fdm_printer',
  'resin_printer',
  'cnc_router',
  'pcb_mill',
  'vinyl_cutter',
  'electronics_bench',
  'embroidery_machine',
  'biosafety_cabinet',
  'pcr_thermal_cycler',
  'autoclave',
  'centrifuge',
  'spectrophotometer',
] as const;

export const LOCALES = ['vi', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export const LIVE_MACHINE_STATES = ['free', 'in_use', 'maintenance', 'out_of_service'] as const;
export type LiveMachineState = (typeof LIVE_MACHINE_STATES)[number];

export const BUSY_KINDS = ['booking', 'maintenance', 'closed'] as const;
export type BusyKind = (typeof BUSY_KINDS)[number];

export const INCIDENT_KINDS = ['damage', 'malfunction', 'injury', 'other'] as const;
export type IncidentKind = (typeof INCIDENT_KINDS)[number];

/**
 * How a guardian's consent to an under-16 account was given (Decree 13/2023, art. 20): through the
 * one-time link mailed to the guardian, or on a paper form that a lab's manager recorded.
 */
export const GUARDIAN_CONSENT_METHODS = ['link', 'paper'] as const;
export type GuardianConsentMethod = (typeof GUARDIAN_CONSENT_METHODS)[number];

/** What the system keeps about a member, as the guardian's consent page lists it. */
export const COLLECTED_FIELDS = [
  'fullName',
  'email',
  'phone',
  'organization',
  'category',
  'gender',
  'guardian',
  'bookings',
  'usage',
  'certifications',
] as const;
export type CollectedField = (typeof COLLECTED_FIELDS)[number];

/** Error codes of the API contract; the web translates each. */
export const ERROR_CODES = [
  'FST_ERR_VALIDATION',
  'VALIDATION_ERROR',
  'INVALID_INSTANT',
  'UNKNOWN_FIELD',
  'EMPTY_PATCH',
  'UNAUTHORIZED',
  'FORBIDDEN',
  'NOT_FOUND',
  'EMAIL_TAKEN',
  'INVALID_CREDENTIALS',
  'CURRENT_PASSWORD_REQUIRED',
  'WRONG_PASSWORD',
  'ACCOUNT_DISABLED',
  'GUARDIAN_REQUIRED',
  'GUARDIAN_CONSENT_REQUIRED',
  'TOO_MANY_REQUESTS',
  'MACHINE_UNAVAILABLE',
  'INVALID_DURATION',
  'IN_THE_PAST',
  'IN_THE_FUTURE',
  'TOO_FAR_AHEAD',
  'OUTSIDE_OPENING_HOURS',
  'CERTIFICATION_REQUIRED',
  'QUOTA_EXCEEDED',
  'MAINTENANCE_CONFLICT',
  'BOOKING_CONFLICT',
  'INVALID_STATE',
  'CANCELLATION_TOO_LATE',
  'CHECK_IN_WINDOW',
  'USAGE_CONFLICT',
  'SLUG_TAKEN',
  'INVALID_TOKEN',
  'CONFLICT',
  'REFERENCE_NOT_FOUND',
  'DB_UNAVAILABLE',
  'STORAGE_FULL',
  'DEVICE_TAKEN',
  'SWITCH_EXISTS',
  'CARD_TAKEN',
  'UNKNOWN_CARD',
  'NO_BOOKING',
  'MACHINE_IN_USE',
  'NOT_IN_USE',
  'UNKNOWN_MACHINE_TYPE',
  'NO_SWITCH',
  'MATERIAL_EXISTS',
  'MATERIAL_NOT_FOUND',
  'UNKNOWN_MATERIAL',
  'INTERNAL_SERVER_ERROR',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

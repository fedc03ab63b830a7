// TypeBox schemas of the HTTP contract (../shared/API.md). The server validates with them and the
// web takes its types from them, so neither side hand-copies a shape.
import { Type, type Static, type TSchema } from 'typebox';
import {
  BOOKING_STATUSES,
  BUSY_KINDS,
  COLLECTED_FIELDS,
  GENDERS,
  GUARDIAN_CONSENT_METHODS,
  INCIDENT_KINDS,
  LIVE_MACHINE_STATES,
  LOCALES,
  MACHINE_STATUSES,
  MAX_BOOKING_MINUTES,
  MEMBER_CATEGORIES,
  PURPOSES,
  ROLES,
} from './enums.js';
import { DATE_PATTERN, INSTANT_PATTERN } from './time.js';

export const Uuid = Type.String({ format: 'uuid' });
/** Every instant of every body and query; a value it refuses is answered 400 INVALID_INSTANT. */
export const Instant = Type.String({ format: 'date-time', pattern: INSTANT_PATTERN, maxLength: 40 });
/** A local date YYYY-MM-DD; the `date` format checks that the day exists. */
export const LocalDate = Type.String({
  format: 'date',
  pattern: DATE_PATTERN,
  maxLength: 10,
});

export const LocalTime = Type.String({ pattern: '^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$' });
export const Slug = Type.String({ pattern: '^[a-z0-9][a-z0-9_-]*$', minLength: 1, maxLength: 64 });

export const RoleSchema = Type.Enum(ROLES);
export const MemberCategorySchema = Type.Enum(MEMBER_CATEGORIES);
export const GenderSchema = Type.Enum(GENDERS);
export const PurposeSchema = Type.Enum(PURPOSES);
export const BookingStatusSchema = Type.Enum(BOOKING_STATUSES);
export const MachineStatusSchema = Type.Enum(MACHINE_STATUSES);
export const LocaleSchema = Type.Enum(LOCALES);
export const BusyKindSchema = Type.Enum(BUSY_KINDS);
export const LiveMachineStateSchema = Type.Enum(LIVE_MACHINE_STATES);
export const IncidentKindSchema = Type.Enum(INCIDENT_KINDS);

export const Email = Type.String({ format: 'email', maxLength: 254 });
export const Password = Type.String({ minLength: 10, maxLength: 200 });
export const FullName = Type.String({ minLength: 1, maxLength: 200 });
export const Organization = Type.String({ maxLength: 200 });
export const Phone = Type.String({ maxLength: 40 });
export const Note = Type.String({ maxLength: 2000 });
export const Reason = Type.String({ maxLength: 500 });
export const Title = Type.String({ minLength: 1, maxLength: 200 });

export const ErrorResponse = Type.Object({
  statusCode: Type.Integer(),
  code: Type.String(),
  error: Type.String(),
  message: Type.String(),
});
export type ErrorResponse = Static<typeof ErrorResponse>;

export const Pagination = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
  offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000_000, default: 0 })),
});

export function ListOf<T extends TSchema>(item: T) {
  return Type.Object({ items: Type.Array(item), total: Type.Integer() });
}

// ---------- accounts ----------
/** A parent's or guardian's contact: an email gets the consent link; a phone number does not. */
export const GuardianContact = Type.String({ minLength: 1, maxLength: 254 });

/**
 * The guardian of an under-16 account. `consent` is what the minor said at registration (kept for
 * callers of the older contract: false is refused); it is not the guardian's consent, which the
 * guardian gives through the link sent to their contact or on a paper form a manager records.
 */
export const Guardian = Type.Object(
  {
    name: FullName,
    contact: GuardianContact,
    consent: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type Guardian = Static<typeof Guardian>;

export const GuardianConsentMethodSchema = Type.Enum(GUARDIAN_CONSENT_METHODS);

/** Where an under-16 account's guardian consent stands (the account itself, its managers, admins). */
export const GuardianConsentState = Type.Object({
  status: Type.Union([Type.Literal('pending'), Type.Literal('confirmed')]),
  method: Type.Union([GuardianConsentMethodSchema, Type.Null()]),
  confirmedAt: Type.Union([Instant, Type.Null()]),
  guardianName: Type.Union([Type.String(), Type.Null()]),
  /** Where the last consent link went, and when; null when none went (no email address, or email is off). */
  linkSentTo: Type.Union([Type.String(), Type.Null()]),
  linkSentAt: Type.Union([Instant, Type.Null()]),
});
export type GuardianConsentState = Static<typeof GuardianConsentState>;

export const User = Type.Object({
  id: Uuid,
  email: Type.String(),
  fullName: Type.String(),
  role: RoleSchema,
  category: MemberCategorySchema,
  gender: GenderSchema,
  organization: Type.Union([Type.String(), Type.Null()]),
  phone: Type.Union([Type.String(), Type.Null()]),
  locale: LocaleSchema,
  managedLabIds: Type.Array(Uuid),
  under16: Type.Boolean(),
  /** Under-16 accounts only: the guardian's consent, without which the account does not book. */
  guardianConsent: Type.Optional(GuardianConsentState),
  disabled: Type.Boolean(),
  createdAt: Instant,
});
export type User = Static<typeof User>;

export const RegisterBody = Type.Object(
  {
    email: Email,
    password: Password,
    fullName: FullName,
    category: MemberCategorySchema,
    gender: Type.Optional(GenderSchema),
    organization: Type.Optional(Organization),
    phone: Type.Optional(Phone),
    locale: Type.Optional(LocaleSchema),
    under16: Type.Optional(Type.Boolean()),
    guardian: Type.Optional(Guardian),
  },
  { additionalProperties: false },
);
export type RegisterBody = Static<typeof RegisterBody>;

/** A member under 16 asks for a (new) consent link, with the guardian's details corrected if need be. */
export const GuardianConsentLinkBody = Type.Object(
  { name: Type.Optional(FullName), contact: Type.Optional(GuardianContact) },
  { additionalProperties: false },
);
export type GuardianConsentLinkBody = Static<typeof GuardianConsentLinkBody>;

/** A lab's manager records the paper consent form the guardian signed, kept at that lab. */
export const PaperConsentBody = Type.Object(
  { labId: Uuid, note: Type.Optional(Type.String({ maxLength: 2000 })) },
  { additionalProperties: false },
);
export type PaperConsentBody = Static<typeof PaperConsentBody>;

/** The secret of a consent link, as it travels in the link's path. */
export const ConsentToken = Type.String({ minLength: 20, maxLength: 200, pattern: '^[A-Za-z0-9_-]+$' });

/** What the guardian reads before confirming: whose account, and what it keeps. */
export const GuardianConsentRequest = Type.Object({
  memberName: Type.String(),
  guardianName: Type.Union([Type.String(), Type.Null()]),
  collected: Type.Array(Type.Enum(COLLECTED_FIELDS)),
  expiresAt: Instant,
});
export type GuardianConsentRequest = Static<typeof GuardianConsentRequest>;

export const GuardianConsentBody = Type.Object({ consent: Type.Literal(true) }, { additionalProperties: false });
export type GuardianConsentBody = Static<typeof GuardianConsentBody>;

export const GuardianConsentGiven = Type.Object({ memberName: Type.String(), confirmedAt: Instant });
export type GuardianConsentGiven = Static<typeof GuardianConsentGiven>;

export const LoginBody = Type.Object(
  { email: Type.String({ minLength: 1, maxLength: 254 }), password: Type.String({ minLength: 1, maxLength: 200 }) },
  { additionalProperties: false },
);
export type LoginBody = Static<typeof LoginBody>;

export const AuthResponse = Type.Object({ token: Type.String(), user: User });
export type AuthResponse = Static<typeof AuthResponse>;

export const UpdateMeBody = Type.Object(
  {
    fullName: Type.Optional(FullName),
    category: Type.Optional(MemberCategorySchema),
    gender: Type.Optional(GenderSchema),
    organization: Type.Optional(Organization),
    phone: Type.Optional(Phone),
    locale: Type.Optional(LocaleSchema),
    password: Type.Optional(Password),
    currentPassword: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);
export type UpdateMeBody = Static<typeof UpdateMeBody>;

export const DeleteMeBody = Type.Object(
  { currentPassword: Type.String({ minLength: 1, maxLength: 200 }) },
  { additionalProperties: false },
);

export const UpdateUserBody = Type.Object(
  {
    role: Type.Optional(RoleSchema),
    managedLabIds: Type.Optional(Type.Array(Uuid, { maxItems: 100 })),
    disabled: Type.Optional(Type.Boolean()),
    password: Type.Optional(Password),
  },
  { additionalProperties: false },
);
export type UpdateUserBody = Static<typeof UpdateUserBody>;

/** An account an administrator opens for someone, who then chooses a password through the invite link. */
export const CreateUserBody = Type.Object(
  {
    email: Email,
    fullName: FullName,
    category: MemberCategorySchema,
    role: Type.Optional(RoleSchema),
    managedLabIds: Type.Optional(Type.Array(Uuid, { maxItems: 100 })),
    locale: Type.Optional(LocaleSchema),
  },
  { additionalProperties: false },
);
export type CreateUserBody = Static<typeof CreateUserBody>;

/**
 * A one-time link that sets an account's first password. `url` is only given to the administrator
 * when the link was not mailed (no SMTP): a mailed link stays with its recipient.
 */
export const Invite = Type.Object({
  url: Type.Union([Type.String(), Type.Null()]),
  expiresAt: Instant,
  mailed: Type.Boolean(),
});
export type Invite = Static<typeof Invite>;

export const CreateUserResponse = Type.Object({ user: User, invite: Invite });
export type CreateUserResponse = Static<typeof CreateUserResponse>;

export const UserListQuery = Type.Object(
  {
    q: Type.Optional(Type.String({ maxLength: 200 })),
    role: Type.Optional(RoleSchema),
    limit: Pagination.properties.limit,
    offset: Pagination.properties.offset,
  },
  { additionalProperties: false },
);

// ---------- labs and machines ----------
// A pair [opens, closes] written as a two-item array rather than Type.Tuple: a JSON-Schema tuple
// (`items: [...]`, `additionalItems`) is not valid in an OpenAPI document, and partners read the
// schema from there. Validation is the same: exactly two local times.
export const OpenPeriod = Type.Unsafe<[string, string]>(Type.Array(LocalTime, { minItems: 2, maxItems: 2 }));
const DayPeriods = Type.Array(OpenPeriod, { maxItems: 12 });
export const OpeningHours = Type.Object(
  {
    mon: DayPeriods,
    tue: DayPeriods,
    wed: DayPeriods,
    thu: DayPeriods,
    fri: DayPeriods,
    sat: DayPeriods,
    sun: DayPeriods,
  },
  { additionalProperties: false },
);
export type OpeningHours = Static<typeof OpeningHours>;

export const LabSettings = Type.Object(
  {
    maxAdvanceDays: Type.Integer({ minimum: 0, maximum: 730 }),
    /** How far ahead a lab's managers book classes and weekly series (not capped by the members' horizon). */
    groupAdvanceDays: Type.Integer({ minimum: 0, maximum: 1095 }),
    weeklyQuotaHours: Type.Number({ minimum: 0, maximum: 168 }),
    cancelCutoffMinutes: Type.Integer({ minimum: 0, maximum: 43_200 }),
    checkInEarlyMinutes: Type.Integer({ minimum: 0, maximum: 1440 }),
    noShowGraceMinutes: Type.Integer({ minimum: 0, maximum: 1440 }),
    certificationLapseMonths: Type.Union([Type.Integer({ minimum: 1, maximum: 120 }), Type.Null()]),
  },
  { additionalProperties: false },
);
export type LabSettings = Static<typeof LabSettings>;

export const DEFAULT_LAB_SETTINGS: LabSettings = {
  maxAdvanceDays: 60,
  groupAdvanceDays: 365,
  weeklyQuotaHours: 20,
  cancelCutoffMinutes: 120,
  checkInEarlyMinutes: 15,
  noShowGraceMinutes: 15,
  certificationLapseMonths: null,
};

/**
 * A lab's settings with the defaults filled in: labs store only what differs, and settings added
 * later must not be missing from labs created before them.
 */
export function labSettings(...layers: Array<Partial<LabSettings> | null | undefined>): LabSettings {
  return Object.assign({}, DEFAULT_LAB_SETTINGS, ...layers.filter(Boolean)) as LabSettings;
}

export const Closure = Type.Object({
  id: Uuid,
  labId: Uuid,
  from: LocalDate,
  to: LocalDate,
  reason: Type.String(),
});
export type Closure = Static<typeof Closure>;

export const Lab = Type.Object({
  id: Uuid,
  slug: Type.String(),
  name: Type.String(),
  nameVi: Type.String(),
  host: Type.String(),
  timezone: Type.String(),
  openingHours: OpeningHours,
  settings: LabSettings,
});
export type Lab = Static<typeof Lab>;

export const LabWithClosures = Type.Intersect([Lab, Type.Object({ closures: Type.Array(Closure) })]);
export type LabWithClosures = Static<typeof LabWithClosures>;

export const LabBody = Type.Object(
  {
    slug: Slug,
    name: Title,
    nameVi: Title,
    host: Type.String({ maxLength: 300 }),
    timezone: Type.String({ minLength: 1, maxLength: 64 }),
    openingHours: OpeningHours,
    settings: Type.Optional(Type.Partial(LabSettings)),
  },
  { additionalProperties: false },
);
export type LabBody = Static<typeof LabBody>;
export const LabPatchBody = Type.Partial(LabBody, { additionalProperties: false });
export type LabPatchBody = Static<typeof LabPatchBody>;

export const ClosureBody = Type.Object(
  { from: LocalDate, to: LocalDate, reason: Type.String({ minLength: 1, maxLength: 500 }) },
  { additionalProperties: false },
);
export type ClosureBody = Static<typeof ClosureBody>;

export const Machine = Type.Object({
  id: Uuid,
  labId: Uuid,
  name: Type.String(),
  type: Type.String(),
  status: MachineStatusSchema,
  requiresApproval: Type.Boolean(),
  requiresCertification: Type.Boolean(),
  minMinutes: Type.Integer(),
  maxMinutes: Type.Integer(),
  slotMinutes: Type.Integer(),
  bufferMinutes: Type.Integer(),
  mayRunUnattended: Type.Boolean(),
  /** A member may start it at the machine (card or Start button) without a booking while it is free. */
  walkIns: Type.Boolean(),
});
export type Machine = Static<typeof Machine>;

const MachineFields = {
  name: Title,
  type: Slug,
  status: Type.Optional(MachineStatusSchema),
  requiresApproval: Type.Boolean(),
  requiresCertification: Type.Boolean(),
  minMinutes: Type.Integer({ minimum: 1, maximum: MAX_BOOKING_MINUTES }),
  maxMinutes: Type.Integer({ minimum: 1, maximum: MAX_BOOKING_MINUTES }),
  slotMinutes: Type.Integer({ minimum: 1, maximum: 1440 }),
  bufferMinutes: Type.Optional(Type.Integer({ minimum: 0, maximum: 1440 })),
  mayRunUnattended: Type.Optional(Type.Boolean()),
  walkIns: Type.Optional(Type.Boolean()),
};
export const MachineBody = Type.Object(MachineFields, { additionalProperties: false });
export type MachineBody = Static<typeof MachineBody>;
export const MachinePatchBody = Type.Object(
  {
    ...Type.Partial(Type.Object(MachineFields)).properties,
    /** With status `out_of_service` or `retired`: cancel the machine's future bookings too. */
    cancelFutureBookings: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type MachinePatchBody = Static<typeof MachinePatchBody>;

export const BusyInterval = Type.Object({ start: Instant, end: Instant, kind: BusyKindSchema });
export type BusyInterval = Static<typeof BusyInterval>;

export const RangeQuery = Type.Object(
  { from: Instant, to: Instant },
  { additionalProperties: false },
);

// ---------- bookings ----------
export const Booking = Type.Object({
  id: Uuid,
  machineId: Uuid,
  labId: Uuid,
  userId: Type.Union([Uuid, Type.Null()]),
  start: Instant,
  end: Instant,
  status: BookingStatusSchema,
  purpose: PurposeSchema,
  note: Type.Union([Type.String(), Type.Null()]),
  createdAt: Instant,
  decidedAt: Type.Optional(Type.Union([Instant, Type.Null()])),
  decidedBy: Type.Optional(Type.Union([Uuid, Type.Null()])),
  reason: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  seriesId: Type.Optional(Type.Union([Uuid, Type.Null()])),
  classSessionId: Type.Optional(Type.Union([Uuid, Type.Null()])),
  /** Only for callers who may see the member's name: the owner, the lab's managers, admins. */
  userName: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  userEmail: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  /** Only for the lab's managers and admins: the member is under 16 (a badge at approval and check-in). */
  under16: Type.Optional(Type.Boolean()),
});
export type Booking = Static<typeof Booking>;

/** A new closure, with the pending and approved bookings it cancelled (their owners were told). */
export const ClosureCreated = Type.Intersect([Closure, Type.Object({ cancelledBookings: Type.Array(Booking) })]);
export type ClosureCreated = Static<typeof ClosureCreated>;

/** A changed lab, with the bookings its new opening hours (or time zone) left outside, now cancelled. */
export const LabUpdated = Type.Intersect([Lab, Type.Object({ cancelledBookings: Type.Array(Booking) })]);
export type LabUpdated = Static<typeof LabUpdated>;

export const LiveMachineStatus = Type.Object({
  machineId: Uuid,
  state: LiveMachineStateSchema,
  until: Type.Optional(Type.Union([Instant, Type.Null()])),
  userName: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  /** The machine's power switch, when it has one: whether it is reachable, on, and drawing (W). */
  power: Type.Optional(
    Type.Object({
      online: Type.Boolean(),
      output: Type.Union([Type.Boolean(), Type.Null()]),
      apower: Type.Union([Type.Number(), Type.Null()]),
    }),
  ),
});
export type LiveMachineStatus = Static<typeof LiveMachineStatus>;

export const AuditEntry = Type.Object({
  id: Uuid,
  actorId: Type.Union([Uuid, Type.Null()]),
  actorName: Type.Union([Type.String(), Type.Null()]),
  action: Type.String(),
  entityType: Type.String(),
  entityId: Type.Union([Uuid, Type.Null()]),
  labId: Type.Union([Uuid, Type.Null()]),
  details: Type.Record(Type.String(), Type.Unknown()),
  createdAt: Instant,
});
export type AuditEntry = Static<typeof AuditEntry>;

export const Health = Type.Object({
  status: Type.String(),
  db: Type.String(),
  /** `full` when writes fail for lack of disk space. */
  storage: Type.Optional(Type.String()),
  code: Type.Optional(Type.String()),
});

export { Type };
export type { Static };

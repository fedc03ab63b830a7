// Schemas of the maintenance, certifications and usage slice of the API contract.
import { Type, type Static, type TSchema } from 'typebox';
import {
  Booking,
  GenderSchema,
  IncidentKindSchema,
  Instant,
  LiveMachineStatus,
  MemberCategorySchema,
  Note,
  Pagination,
  PurposeSchema,
  Slug,
  Title,
  Uuid,
} from './schemas.js';
import { MaterialUses, RecordedMaterial } from './materials.js';

const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

// ---------- maintenance windows ----------
export const MaintenanceWindow = Type.Object({
  id: Uuid,
  machineId: Uuid,
  labId: Uuid,
  start: Instant,
  end: Instant,
  reason: Type.String(),
  createdBy: Nullable(Uuid),
  createdAt: Instant,
});
export type MaintenanceWindow = Static<typeof MaintenanceWindow>;

export const MaintenanceBody = Type.Object(
  { start: Instant, end: Instant, reason: Type.String({ minLength: 1, maxLength: 500 }) },
  { additionalProperties: false },
);
export type MaintenanceBody = Static<typeof MaintenanceBody>;

export const MaintenanceCreated = Type.Object({
  maintenance: MaintenanceWindow,
  /** The pending and approved bookings the window collided with, now cancelled. */
  cancelledBookings: Type.Array(Booking),
});
export type MaintenanceCreated = Static<typeof MaintenanceCreated>;

/** `?dryRun=true` on a change that cancels bookings: the answer lists them and nothing changes. */
export const DryRunQuery = Type.Object({ dryRun: Type.Optional(Type.Boolean()) }, { additionalProperties: false });
export type DryRunQuery = Static<typeof DryRunQuery>;

/** What a dry run answers: the bookings the change would cancel. */
export const CancelledBookings = Type.Object({ cancelledBookings: Type.Array(Booking) });
export type CancelledBookings = Static<typeof CancelledBookings>;

export const MaintenanceListQuery = Type.Object(
  {
    labId: Type.Optional(Uuid),
    machineId: Type.Optional(Uuid),
    from: Type.Optional(Instant),
    to: Type.Optional(Instant),
    limit: Pagination.properties.limit,
    offset: Pagination.properties.offset,
  },
  { additionalProperties: false },
);
export type MaintenanceListQuery = Static<typeof MaintenanceListQuery>;

// ---------- maintenance log ----------
const CostVnd = Type.Integer({ minimum: 0, maximum: 1_000_000_000_000 });
const Parts = Type.String({ maxLength: 2000 });

export const MaintenanceLogEntry = Type.Object({
  id: Uuid,
  machineId: Uuid,
  performedAt: Instant,
  performedBy: Nullable(Uuid),
  performedByName: Nullable(Type.String()),
  description: Type.String(),
  /** Vietnamese đồng, an integer. */
  costVnd: Type.Integer(),
  parts: Nullable(Type.String()),
  planId: Nullable(Uuid),
  createdAt: Instant,
});
export type MaintenanceLogEntry = Static<typeof MaintenanceLogEntry>;

export const MaintenanceLogBody = Type.Object(
  {
    description: Type.String({ minLength: 1, maxLength: 2000 }),
    performedAt: Type.Optional(Instant),
    costVnd: Type.Optional(CostVnd),
    parts: Type.Optional(Parts),
  },
  { additionalProperties: false },
);
export type MaintenanceLogBody = Static<typeof MaintenanceLogBody>;

// ---------- preventive maintenance plans ----------
export const MaintenancePlan = Type.Object({
  id: Uuid,
  machineId: Uuid,
  labId: Uuid,
  machineName: Type.String(),
  title: Type.String(),
  everyDays: Nullable(Type.Integer()),
  everyUsageHours: Nullable(Type.Integer()),
  lastDoneAt: Instant,
  dueNotifiedAt: Nullable(Instant),
  createdAt: Instant,
  /** Hours of real use (usage sessions, open ones up to now) since lastDoneAt. */
  usageHoursSinceDone: Type.Number(),
  /** When the calendar rule comes due (lastDoneAt + everyDays), if there is one. */
  dueAt: Nullable(Instant),
  due: Type.Boolean(),
  /** Which rule made it due: days, usage_hours, or null when not due. */
  dueBecause: Nullable(Type.Union([Type.Literal('days'), Type.Literal('usage_hours')])),
});
export type MaintenancePlan = Static<typeof MaintenancePlan>;

const EveryDays = Type.Integer({ minimum: 1, maximum: 3650 });
const EveryUsageHours = Type.Integer({ minimum: 1, maximum: 100_000 });

export const MaintenancePlanBody = Type.Object(
  {
    title: Title,
    everyDays: Type.Optional(Nullable(EveryDays)),
    everyUsageHours: Type.Optional(Nullable(EveryUsageHours)),
    /** When it was last done; defaults to now. */
    lastDoneAt: Type.Optional(Instant),
  },
  { additionalProperties: false },
);
export type MaintenancePlanBody = Static<typeof MaintenancePlanBody>;

export const MaintenancePlanPatchBody = Type.Partial(MaintenancePlanBody, { additionalProperties: false });
export type MaintenancePlanPatchBody = Static<typeof MaintenancePlanPatchBody>;

export const MaintenancePlanDoneBody = Type.Object(
  {
    /** What was done; defaults to the plan's title. */
    description: Type.Optional(Type.String({ minLength: 1, maxLength: 2000 })),
    costVnd: Type.Optional(CostVnd),
    parts: Type.Optional(Parts),
  },
  { additionalProperties: false },
);
export type MaintenancePlanDoneBody = Static<typeof MaintenancePlanDoneBody>;

export const MaintenancePlanDone = Type.Object({ plan: MaintenancePlan, logEntry: MaintenanceLogEntry });
export type MaintenancePlanDone = Static<typeof MaintenancePlanDone>;

// ---------- certifications ----------
export const CERTIFICATION_STATES = ['valid', 'expired', 'lapsed', 'revoked'] as const;
export type CertificationState = (typeof CERTIFICATION_STATES)[number];

export const Certification = Type.Object({
  id: Uuid,
  userId: Uuid,
  labId: Uuid,
  machineType: Type.String(),
  grantedBy: Nullable(Uuid),
  grantedAt: Instant,
  expiresAt: Nullable(Instant),
  revokedAt: Nullable(Instant),
  revokedBy: Nullable(Uuid),
  /** valid, expired (past expiresAt), lapsed (unused longer than the lab allows) or revoked. */
  state: Type.Enum(CERTIFICATION_STATES),
  userName: Type.Optional(Nullable(Type.String())),
  /** Where it counts: its own lab, and the labs that recognise that lab's certifications of the type. */
  countsIn: Type.Array(Uuid),
});
export type Certification = Static<typeof Certification>;

export const CertificationBody = Type.Object(
  { userId: Uuid, machineType: Slug, expiresAt: Type.Optional(Nullable(Instant)) },
  { additionalProperties: false },
);
export type CertificationBody = Static<typeof CertificationBody>;

export const CertificationListQuery = Type.Object(
  {
    userId: Type.Optional(Uuid),
    labId: Type.Optional(Uuid),
    machineType: Type.Optional(Slug),
    /** Revoked certifications are left out unless asked for. */
    includeRevoked: Type.Optional(Type.Boolean()),
    limit: Pagination.properties.limit,
    offset: Pagination.properties.offset,
  },
  { additionalProperties: false },
);
export type CertificationListQuery = Static<typeof CertificationListQuery>;

// ---------- usage sessions ----------
export const UsageSession = Type.Object({
  id: Uuid,
  machineId: Uuid,
  labId: Uuid,
  bookingId: Nullable(Uuid),
  /** Null for a visitor without an account, and for department staff (no personal data). */
  userId: Nullable(Uuid),
  /** The member's or visitor's name: only for the member, the lab's managers and admins. */
  userName: Type.Optional(Nullable(Type.String())),
  guest: Type.Boolean(),
  category: MemberCategorySchema,
  gender: GenderSchema,
  purpose: Nullable(PurposeSchema),
  start: Instant,
  end: Nullable(Instant),
  closedBySystem: Type.Boolean(),
  note: Type.Optional(Nullable(Type.String())),
  materials: Type.Array(RecordedMaterial),
  createdAt: Instant,
  /** Measured by the machine's power switch: hours switched on, hours drawing above its threshold, energy. Null where no switch measured it. */
  poweredHours: Nullable(Type.Number()),
  runningHours: Nullable(Type.Number()),
  energyKwh: Nullable(Type.Number()),
});
export type UsageSession = Static<typeof UsageSession>;

export const GuestBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    category: MemberCategorySchema,
    gender: Type.Optional(GenderSchema),
  },
  { additionalProperties: false },
);
export type GuestBody = Static<typeof GuestBody>;

export const WalkInBody = Type.Object(
  {
    machineId: Uuid,
    start: Instant,
    end: Type.Optional(Nullable(Instant)),
    /** The member who used the machine; without it and without guest, the caller. */
    userId: Type.Optional(Uuid),
    guest: Type.Optional(GuestBody),
    purpose: Type.Optional(PurposeSchema),
    materials: Type.Optional(MaterialUses),
    note: Type.Optional(Note),
  },
  { additionalProperties: false },
);
export type WalkInBody = Static<typeof WalkInBody>;

export const EndUsageBody = Type.Object(
  { end: Type.Optional(Instant), materials: Type.Optional(MaterialUses), note: Type.Optional(Note) },
  { additionalProperties: false },
);
export type EndUsageBody = Static<typeof EndUsageBody>;

export const UsageListQuery = Type.Object(
  {
    labId: Type.Optional(Uuid),
    machineId: Type.Optional(Uuid),
    userId: Type.Optional(Uuid),
    from: Type.Optional(Instant),
    to: Type.Optional(Instant),
    limit: Pagination.properties.limit,
    offset: Pagination.properties.offset,
  },
  { additionalProperties: false },
);
export type UsageListQuery = Static<typeof UsageListQuery>;

export const CheckOutBody = Type.Object(
  { materials: Type.Optional(MaterialUses), note: Type.Optional(Note) },
  { additionalProperties: false },
);
export type CheckOutBody = Static<typeof CheckOutBody>;

/** Check-in and check-out answer the booking, with the usage session it opened or closed. */
export const BookingWithUsage = Type.Intersect([Booking, Type.Object({ usageSession: UsageSession })]);
export type BookingWithUsage = Static<typeof BookingWithUsage>;

// ---------- incidents ----------
export const Incident = Type.Object({
  id: Uuid,
  usageSessionId: Nullable(Uuid),
  machineId: Uuid,
  labId: Uuid,
  kind: IncidentKindSchema,
  description: Type.String(),
  machineOutOfService: Type.Boolean(),
  reportedBy: Nullable(Uuid),
  reportedByName: Type.Optional(Nullable(Type.String())),
  createdAt: Instant,
});
export type Incident = Static<typeof Incident>;

export const IncidentBody = Type.Object(
  {
    kind: IncidentKindSchema,
    description: Type.String({ minLength: 1, maxLength: 2000 }),
    putOutOfService: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type IncidentBody = Static<typeof IncidentBody>;

// ---------- live status ----------
export const LabStatus = Type.Object({
  machines: Type.Array(LiveMachineStatus),
  /** With devices on (MQTT_URL): whether the server reaches the devices' broker now. */
  deviceBus: Type.Optional(Type.Union([Type.Literal('up'), Type.Literal('down')])),
});
export type LabStatus = Static<typeof LabStatus>;

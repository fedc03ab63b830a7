// Schemas of the notifications slice of the API contract: in-app notifications, password reset by
// email, calendar feeds and the live lab events that keep open calendars fresh.
import { Type, type Static, type TSchema } from 'typebox';
import { Instant, Password, Uuid } from './schemas.js';

/** Kinds of notification the server creates; `data` carries what the client words them from. */
export const NOTIFICATION_KINDS = [
  'booking_pending',
  'booking_approved',
  'booking_rejected',
  'booking_cancelled',
  'booking_expired',
  'booking_reminder',
  'booking_no_show',
  'booking_ended',
  'certification_granted',
  'certification_expiring',
  'incident_reported',
  'maintenance_due',
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/** Minutes before a booking's start when its member is reminded (24 hours and 1 hour). */
export const DEFAULT_REMINDER_OFFSETS_MINUTES = [24 * 60, 60] as const;

const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

/**
 * What a notification's data may hold. Every field is optional and others may be added, so the
 * schema stays open; the web words the notification from these.
 */
export const NotificationData = Type.Object(
  {
    bookingId: Type.Optional(Nullable(Uuid)),
    machineId: Type.Optional(Nullable(Uuid)),
    machineName: Type.Optional(Nullable(Type.String())),
    labId: Type.Optional(Nullable(Uuid)),
    start: Type.Optional(Nullable(Instant)),
    end: Type.Optional(Nullable(Instant)),
    reason: Type.Optional(Nullable(Type.String())),
    byMaintenance: Type.Optional(Type.Boolean()),
    /** booking_reminder: how long before the start this reminder is. */
    offsetMinutes: Type.Optional(Type.Integer()),
  },
  { additionalProperties: true },
);
export type NotificationData = Static<typeof NotificationData>;

export const Notification = Type.Object({
  id: Uuid,
  kind: Type.String(),
  data: NotificationData,
  createdAt: Instant,
  readAt: Type.Union([Instant, Type.Null()]),
});
export type Notification = Static<typeof Notification>;

export const NotificationListQuery = Type.Object(
  {
    unread: Type.Optional(Type.Boolean()),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
    offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000_000, default: 0 })),
  },
  { additionalProperties: false },
);
export type NotificationListQuery = Static<typeof NotificationListQuery>;

export const NotificationList = Type.Object({
  items: Type.Array(Notification),
  /** How many match the query (all, or only the unread ones). */
  total: Type.Integer(),
  /** How many of the caller's notifications are unread. */
  unread: Type.Integer(),
});
export type NotificationList = Static<typeof NotificationList>;

export const ReadAllResponse = Type.Object({ updated: Type.Integer() });
export type ReadAllResponse = Static<typeof ReadAllResponse>;

// ---------- password reset by email ----------
export const PasswordResetRequestBody = Type.Object(
  { email: Type.String({ minLength: 1, maxLength: 254 }) },
  { additionalProperties: false },
);
export type PasswordResetRequestBody = Static<typeof PasswordResetRequestBody>;

export const PasswordResetRequestResponse = Type.Object({ message: Type.String() });
export type PasswordResetRequestResponse = Static<typeof PasswordResetRequestResponse>;

export const PasswordResetConfirmBody = Type.Object(
  { token: Type.String({ minLength: 1, maxLength: 200 }), password: Password },
  { additionalProperties: false },
);
export type PasswordResetConfirmBody = Static<typeof PasswordResetConfirmBody>;

// ---------- calendar feeds ----------
export const CalendarFeed = Type.Object({
  /** The member's own bookings. */
  url: Type.String(),
  /** Managers and admins: their labs' bookings and maintenance. */
  labsUrl: Type.Optional(Type.String()),
});
export type CalendarFeed = Static<typeof CalendarFeed>;

export const CALENDAR_FEED_SCOPES = ['me', 'labs'] as const;
export type CalendarFeedScope = (typeof CALENDAR_FEED_SCOPES)[number];

/** Which secret POST /api/me/calendar-feed replaces; the other one keeps working. */
export const RotateCalendarFeedBody = Type.Object(
  { scope: Type.Optional(Type.Union(CALENDAR_FEED_SCOPES.map((s) => Type.Literal(s)))) },
  { additionalProperties: false },
);
export type RotateCalendarFeedBody = Static<typeof RotateCalendarFeedBody>;

// ---------- live calendars ----------
/** One server-sent event on GET /api/labs/:labId/events; no personal data. */
export const LabChangeEvent = Type.Object({
  labId: Uuid,
  /** booking, maintenance, machine, closure, usage */
  kind: Type.String(),
  machineIds: Type.Array(Uuid),
});
export type LabChangeEvent = Static<typeof LabChangeEvent>;

// Schemas of the bookings slice of the API contract (../shared/API.md, "Bookings" and the
// availability endpoints). The Booking object itself lives in schemas.ts.
import { Type, type Static } from 'typebox';
import { BOOKING_STATUSES } from './enums.js';
import {
  Booking,
  BookingStatusSchema,
  BusyInterval,
  Instant,
  ListOf,
  Note,
  Pagination,
  PurposeSchema,
  Reason,
  Title,
  Uuid,
} from './schemas.js';

/** Longest range the availability endpoints answer for, in days. */
export const AVAILABILITY_MAX_DAYS = 62;
/** Most machines one class session or series may reserve at once. */
export const MAX_MACHINES_PER_REQUEST = 50;
/** Most weekly occurrences of a series. */
export const MAX_SERIES_COUNT = 52;

export const CreateBookingBody = Type.Object(
  {
    machineId: Uuid,
    start: Instant,
    end: Instant,
    purpose: PurposeSchema,
    note: Type.Optional(Note),
    /** A lab's manager (or an admin) books for this member. */
    userId: Type.Optional(Uuid),
  },
  { additionalProperties: false },
);
export type CreateBookingBody = Static<typeof CreateBookingBody>;

/** Reschedule and/or edit the note; times that change go through every rule of a new booking. */
export const UpdateBookingBody = Type.Object(
  {
    start: Type.Optional(Instant),
    end: Type.Optional(Instant),
    note: Type.Optional(Type.Union([Note, Type.Null()])),
  },
  { additionalProperties: false },
);
export type UpdateBookingBody = Static<typeof UpdateBookingBody>;

export const RejectBookingBody = Type.Object(
  { reason: Type.String({ minLength: 1, maxLength: 500 }) },
  { additionalProperties: false },
);
export type RejectBookingBody = Static<typeof RejectBookingBody>;

export const CancelBookingBody = Type.Object({ reason: Type.Optional(Reason) }, { additionalProperties: false });
export type CancelBookingBody = Static<typeof CancelBookingBody>;

export const BookingListQuery = Type.Object(
  {
    labId: Type.Optional(Uuid),
    machineId: Type.Optional(Uuid),
    /** Bookings that overlap [from, to). */
    from: Type.Optional(Instant),
    to: Type.Optional(Instant),
    /** One status, or several (`status=pending&status=approved`). */
    status: Type.Optional(
      Type.Union([BookingStatusSchema, Type.Array(BookingStatusSchema, { maxItems: BOOKING_STATUSES.length })]),
    ),
    /** Only the caller's own bookings, whatever the role. */
    mine: Type.Optional(Type.Boolean()),
    limit: Pagination.properties.limit,
    offset: Pagination.properties.offset,
  },
  { additionalProperties: false },
);
export type BookingListQuery = Static<typeof BookingListQuery>;

export const BookingList = ListOf(Booking);
export type BookingList = Static<typeof BookingList>;

const MachineIds = Type.Array(Uuid, { minItems: 1, maxItems: MAX_MACHINES_PER_REQUEST, uniqueItems: true });

export const ClassBody = Type.Object(
  {
    labId: Uuid,
    machineIds: MachineIds,
    start: Instant,
    end: Instant,
    title: Title,
    participants: Type.Integer({ minimum: 1, maximum: 1000 }),
    note: Type.Optional(Note),
  },
  { additionalProperties: false },
);
export type ClassBody = Static<typeof ClassBody>;

export const ClassResponse = Type.Object({ classSessionId: Uuid, bookings: Type.Array(Booking) });
export type ClassResponse = Static<typeof ClassResponse>;

export const SeriesOnConflict = Type.Union([Type.Literal('skip'), Type.Literal('fail')]);

export const SeriesBody = Type.Object(
  {
    machineIds: MachineIds,
    firstStart: Instant,
    firstEnd: Instant,
    repeat: Type.Object(
      { every: Type.Literal('week'), count: Type.Integer({ minimum: 1, maximum: MAX_SERIES_COUNT }) },
      { additionalProperties: false },
    ),
    title: Title,
    purpose: PurposeSchema,
    onConflict: SeriesOnConflict,
    note: Type.Optional(Note),
  },
  { additionalProperties: false },
);
export type SeriesBody = Static<typeof SeriesBody>;

/** An occurrence the series left out, with the refusal code a single booking would have got. */
export const SkippedOccurrence = Type.Object({ machineId: Uuid, start: Instant, end: Instant, code: Type.String() });
export type SkippedOccurrence = Static<typeof SkippedOccurrence>;

export const SeriesResponse = Type.Object({
  seriesId: Uuid,
  created: Type.Array(Booking),
  skipped: Type.Array(SkippedOccurrence),
});
export type SeriesResponse = Static<typeof SeriesResponse>;

export const SeriesCancelBody = Type.Object({ from: Type.Optional(Instant) }, { additionalProperties: false });
export type SeriesCancelBody = Static<typeof SeriesCancelBody>;

export const SeriesCancelResponse = Type.Object({ cancelled: Type.Array(Booking) });
export type SeriesCancelResponse = Static<typeof SeriesCancelResponse>;

export const AvailabilityQuery = Type.Object({ from: Instant, to: Instant }, { additionalProperties: false });
export type AvailabilityQuery = Static<typeof AvailabilityQuery>;

export const MachineAvailability = Type.Object({ busy: Type.Array(BusyInterval) });
export type MachineAvailability = Static<typeof MachineAvailability>;

export const LabAvailability = Type.Object({
  machines: Type.Array(Type.Object({ machineId: Uuid, busy: Type.Array(BusyInterval) })),
});
export type LabAvailability = Static<typeof LabAvailability>;

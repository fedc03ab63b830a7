// Schemas and the MQTT topic protocol of the devices slice of the API contract (../shared/API.md,
// "Devices"). The server, the device simulator and the README's reference reader all follow these.
import { Type, type Static, type TSchema } from 'typebox';
import { Booking, Instant, Uuid } from './schemas.js';
import { UsageSession } from './usage.js';

const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

export const DEVICE_KINDS = ['switch', 'reader'] as const;
export type DeviceKind = (typeof DEVICE_KINDS)[number];

/**
 * One MQTT topic level (no `/`, `+`, `#`): a Shelly's topic prefix or a reader's id. Shelly's
 * default prefix (`shellyplusplugs-a8032ab12345`) fits.
 */
export const DeviceId = Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$', maxLength: 64 });

/** A card UID: 4, 7 or 10 bytes of hex, optionally separated by `:` or `-`. */
export const CardUid = Type.String({ pattern: '^[0-9A-Fa-f]{2}([:-]?[0-9A-Fa-f]{2}){3,9}$', maxLength: 29 });

/** The stored form of a UID: uppercase hex without separators, as readers publish it. */
export function normalizeUid(uid: string): string {
  return uid.replace(/[:-]/g, '').toUpperCase();
}

export const Device = Type.Object({
  id: Uuid,
  machineId: Uuid,
  labId: Uuid,
  kind: Type.Enum(DEVICE_KINDS),
  deviceId: Type.String(),
  runningThresholdW: Nullable(Type.Number()),
  /** From the device's retained presence topic; false until it was first heard of. */
  online: Type.Boolean(),
  output: Type.Optional(Nullable(Type.Boolean())),
  apower: Type.Optional(Nullable(Type.Number())),
  lastSeenAt: Nullable(Instant),
  createdAt: Instant,
});
export type Device = Static<typeof Device>;

export const DeviceBody = Type.Object(
  {
    kind: Type.Enum(DEVICE_KINDS),
    deviceId: DeviceId,
    runningThresholdW: Type.Optional(Type.Number({ minimum: 0, maximum: 100_000 })),
  },
  { additionalProperties: false },
);
export type DeviceBody = Static<typeof DeviceBody>;

/** A switch counts as running above this draw unless its machine's device says otherwise. */
export const DEFAULT_RUNNING_THRESHOLD_W = 10;

export const Card = Type.Object({
  id: Uuid,
  userId: Uuid,
  uid: Type.String(),
  createdAt: Instant,
});
export type Card = Static<typeof Card>;

export const CardBody = Type.Object({ uid: CardUid }, { additionalProperties: false });
export type CardBody = Static<typeof CardBody>;

/** What a device said or was told: taps (refusals and unknown cards included), starts, stops, commands, presence. */
export const DeviceEvent = Type.Object({
  id: Uuid,
  machineId: Nullable(Uuid),
  deviceId: Nullable(Type.String()),
  kind: Type.String(),
  ok: Nullable(Type.Boolean()),
  code: Nullable(Type.String()),
  /** The card's UID on taps: an unknown one is what a manager assigns to a member. */
  uid: Nullable(Type.String()),
  userId: Nullable(Uuid),
  usageSessionId: Nullable(Uuid),
  at: Instant,
});
export type DeviceEvent = Static<typeof DeviceEvent>;

export const DeviceEventQuery = Type.Object(
  {
    kind: Type.Optional(Type.String({ pattern: '^[a-z_]{1,32}$' })),
    code: Type.Optional(Type.String({ pattern: '^[A-Z_]{1,64}$' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
    offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000_000, default: 0 })),
  },
  { additionalProperties: false },
);
export type DeviceEventQuery = Static<typeof DeviceEventQuery>;

/** POST /api/machines/:machineId/power: a lab's manager switches the machine's power from the status board. */
export const PowerBody = Type.Object(
  {
    on: Type.Boolean(),
    reason: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
  },
  { additionalProperties: false },
);
export type PowerBody = Static<typeof PowerBody>;

/** The switch as the server knows it after the command; `confirmed` once the switch reported the requested output. */
export const PowerResult = Type.Object({ device: Device, confirmed: Type.Boolean() });
export type PowerResult = Static<typeof PowerResult>;

/** POST /api/machines/:machineId/start: the booking it checked in (none for a walk-in) and the open session. */
export const StartResult = Type.Object({ booking: Type.Optional(Booking), usage: UsageSession });
export type StartResult = Static<typeof StartResult>;

// ---------- MQTT topics and payloads ----------
/** Where a Shelly Gen2 device takes RPC commands. */
export const switchRpcTopic = (deviceId: string) => `${deviceId}/rpc`;
/** Where it reports the state of its first output. */
export const switchStatusTopic = (deviceId: string) => `${deviceId}/status/switch:0`;
/** Its presence, retained: `true`, or `false` as its last will. */
export const presenceTopic = (deviceId: string) => `${deviceId}/online`;
export const readerTapTopic = (labSlug: string, deviceId: string) => `fablab/${labSlug}/readers/${deviceId}/tap`;
export const readerReplyTopic = (labSlug: string, deviceId: string) => `fablab/${labSlug}/readers/${deviceId}/reply`;
/** Every reader's taps, for one subscription. */
export const READER_TAPS = 'fablab/+/readers/+/tap';

/** The lab slug and reader id of a tap topic, or null when the topic is not one. */
export function parseTapTopic(topic: string): { labSlug: string; deviceId: string } | null {
  const m = /^fablab\/([^/]+)\/readers\/([^/]+)\/tap$/.exec(topic);
  return m ? { labSlug: m[1]!, deviceId: m[2]! } : null;
}

/** A reader's tap: the card's UID; `id`, when the reader numbers its taps, tells a resend from a new tap. */
export interface TapMessage {
  uid: string;
  id?: string | number;
}

/** The server's answer to a tap, for the reader's light, beeper or display. */
export interface ReaderReply {
  ok: boolean;
  /** STARTED, STOPPED, or the refusal's error code (NO_BOOKING, CERTIFICATION_REQUIRED, UNKNOWN_CARD, …). */
  code: string;
  message: string;
}

/** The state a Shelly Gen2 switch reports (the fields the server reads). */
export interface SwitchStatus {
  id?: number;
  output: boolean;
  /** Active power, W. */
  apower?: number;
  aenergy?: { total: number };
}

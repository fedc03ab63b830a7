import { sql } from 'drizzle-orm';
import {
  boolean,
  check,
  doublePrecision,
  index,
  jsonb,
  pgTable,
  primaryKey,
  text,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { users } from './accounts.js';
import { createdAt, id, instant } from './columns.js';
import { labs, machines } from './labs.js';
import { usageSessions } from './usage.js';

/**
 * Hardware attached to a machine and spoken to over MQTT. The last reported state is kept here so
 * that the status board reads it without the broker, and so that each new report can be measured
 * against the one before it (powered and running time, energy) even across a server restart.
 */
export const devices = pgTable(
  'devices',
  {
    id: id(),
    machineId: uuid('machine_id')
      .notNull()
      .references(() => machines.id, { onDelete: 'cascade' }),
    labId: uuid('lab_id')
      .notNull()
      .references(() => labs.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: ['switch', 'reader'] }).notNull(),
    /** The device's MQTT id: a Shelly's topic prefix, a reader's id in its topics. */
    deviceId: text('device_id').notNull().unique(),
    /** Draw above this counts as running (a laser firing, not only its fans). Switches only. */
    runningThresholdW: doublePrecision('running_threshold_w'),
    /** From the retained `<deviceId>/online`; null until the device was first heard of. */
    online: boolean('online'),
    output: boolean('output'),
    apower: doublePrecision('apower'),
    /** The switch's own energy counter (aenergy.total), in Wh. */
    energyWh: doublePrecision('energy_wh'),
    /** When the last state report arrived (the server's clock). */
    statusAt: instant('status_at'),
    lastSeenAt: instant('last_seen_at'),
    createdAt: createdAt(),
  },
  (t) => [
    index('devices_lab_idx').on(t.labId),
    index('devices_machine_idx').on(t.machineId),
    // One switch gates one machine's power; readers may be several (front and back of a room).
    uniqueIndex('devices_one_switch_per_machine')
      .on(t.machineId)
      .where(sql`${t.kind} = 'switch'`),
    check('devices_kind_check', sql`${t.kind} in ('switch', 'reader')`),
  ],
);

/** A member's card: its UID (uppercase hex) is registered on one account. */
export const cards = pgTable(
  'cards',
  {
    id: id(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    uid: text('uid').notNull().unique(),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
  },
  (t) => [index('cards_user_idx').on(t.userId)],
);

/**
 * What the devices said and what the server answered: taps (accepted or refused, unknown cards
 * and readers included), starts and stops, commands sent, presence changes.
 */
export const deviceEvents = pgTable(
  'device_events',
  {
    id: id(),
    labId: uuid('lab_id').references(() => labs.id, { onDelete: 'cascade' }),
    machineId: uuid('machine_id').references(() => machines.id, { onDelete: 'cascade' }),
    /** The MQTT id, kept as text: events of unregistered readers are logged too. */
    deviceId: text('device_id'),
    kind: text('kind').notNull(),
    ok: boolean('ok'),
    code: text('code'),
    uid: text('uid'),
    userId: uuid('user_id').references(() => users.id, { onDelete: 'set null' }),
    usageSessionId: uuid('usage_session_id').references(() => usageSessions.id, { onDelete: 'set null' }),
    details: jsonb('details').$type<Record<string, unknown>>().notNull().default({}),
    at: instant('at').notNull(),
  },
  (t) => [
    index('device_events_lab_at_idx').on(t.labId, t.at),
    index('device_events_device_at_idx').on(t.deviceId, t.at),
  ],
);

/**
 * A session's measured use per quarter hour (UTC-aligned): every zone's offset is a multiple of 15
 * minutes, so each lab's month boundaries fall on quarter boundaries and a session running across
 * a month counts in each month for what it measured there.
 */
export const usageMeter = pgTable(
  'usage_meter',
  {
    usageSessionId: uuid('usage_session_id')
      .notNull()
      .references(() => usageSessions.id, { onDelete: 'cascade' }),
    quarterStart: instant('quarter_start').notNull(),
    poweredSecs: doublePrecision('powered_secs').notNull().default(0),
    runningSecs: doublePrecision('running_secs').notNull().default(0),
    energyWh: doublePrecision('energy_wh').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.usageSessionId, t.quarterStart] })],
);

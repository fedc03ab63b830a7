// Machines that report their own use: registering switches and readers, members' cards, the one
// decision that turns a machine on for a member (a card tap or the Start button), and the measured
// use a switch's reports add to the open usage session.
import {
  DEFAULT_RUNNING_THRESHOLD_W,
  SLOT_HOLDING_STATUSES,
  labSettings,
  normalizeUid,
  openPeriodAt,
  presenceTopic,
  readerReplyTopic,
  READER_TAPS,
  switchRpcTopic,
  switchStatusTopic,
  type Booking,
  type Card,
  type CardBody,
  type Device,
  type DeviceBody,
  type DeviceEvent,
  type DeviceEventQuery,
  type PowerBody,
  type PowerResult,
  type ReaderReply,
  type StartResult,
  type UsageSession,
} from '@fablab/shared';
import { and, asc, count, desc, eq, gt, inArray, isNull, lt, notExists, sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { DateTime } from 'luxon';
import { EventEmitter } from 'node:events';
import type { DbOrTx } from '../../db/client.js';
import {
  bookings,
  cards,
  deviceEvents,
  devices,
  incidents,
  labManagers,
  labs,
  machines,
  maintenanceWindows,
  usageMeter,
  usageSessions,
  users,
} from '../../db/schema/index.js';
import {
  conflict,
  constraintName,
  DomainError,
  forbidden,
  notFound,
  sqlState,
  unprocessable,
} from '../../lib/errors.js';
import { createSlidingWindow } from '../../lib/sliding-window.js';
import type { Core } from '../../plugins/core.js';
import { can, labManagerIds, managesLab, requireLabManager, type Actor } from '../../plugins/policy.js';
import type { DeviceBus } from './device-bus.js';
import { energyBetween, estimateWh, isRunning, sliceInterval, type MeterSlice, type SwitchState } from './metering.js';

export type DeviceRow = typeof devices.$inferSelect;
/** A switch's state before a report, as the report's statement reads it back (driver values). */
interface SwitchBefore {
  machineId: string;
  output: boolean | null;
  apower: number | string | null;
  energyWh: number | string | null;
  statusAt: string | Date | null;
  runningThresholdW: number | string | null;
}
type CardRow = typeof cards.$inferSelect;

export function toApiDevice(row: DeviceRow): Device {
  const device: Device = {
    id: row.id,
    machineId: row.machineId,
    labId: row.labId,
    kind: row.kind,
    deviceId: row.deviceId,
    runningThresholdW: row.runningThresholdW,
    online: row.online ?? false,
    lastSeenAt: row.lastSeenAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
  };
  if (row.kind === 'switch') {
    device.output = row.output;
    device.apower = row.apower;
  }
  return device;
}

function toApiCard(row: CardRow): Card {
  return { id: row.id, userId: row.userId, uid: row.uid, createdAt: row.createdAt.toISOString() };
}

/** The topics a registered device is heard on. */
function topicsOf(device: { kind: 'switch' | 'reader'; deviceId: string }): string[] {
  return device.kind === 'switch'
    ? [switchStatusTopic(device.deviceId), presenceTopic(device.deviceId)]
    : [presenceTopic(device.deviceId)];
}

/** A machine's switch, beside the reader of the same machine in one query. */
const switchDevices = alias(devices, 'switch_device');

const STATUS_SUFFIX = '/status/switch:0';
const PRESENCE_SUFFIX = '/online';
/** Switch-off commands a switch that stays on gets before the server stops repeating them. */
const MAX_OFF_RETRIES = 3;
/** Taps numbered by their reader are recognised as resent for this long. */
const TAP_ID_MEMORY_MS = 24 * 3_600_000;

/** Runs at most `size` of the works given to it at once; the rest wait their turn, in order. */
function createSlots(size: number) {
  let busy = 0;
  const waiting: Array<() => void> = [];
  return async function inSlot<T>(work: () => Promise<T>): Promise<T> {
    if (busy < size) busy++;
    // A finishing work hands its slot straight to the next one.
    else await new Promise<void>((resolve) => waiting.push(resolve));
    try {
      return await work();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else busy--;
    }
  };
}

export interface ProcessedMessage {
  kind: 'tap' | 'status' | 'presence';
  deviceId: string;
  reply?: ReaderReply;
}

type MachineRow = typeof machines.$inferSelect;
type UsageRow = typeof usageSessions.$inferSelect;
/** A lab's opening hours, closures and settings, as the bookings service keeps them. */
type LabContext = Awaited<ReturnType<FastifyInstance['bookings']['labRules']>>;

export interface DevicesServiceDeps extends Core {
  usage: FastifyInstance['usage'];
  bookings: FastifyInstance['bookings'];
  certifications: FastifyInstance['certifications'];
  labs: FastifyInstance['labs'];
  machines: FastifyInstance['machines'];
  bus: DeviceBus;
  log: FastifyBaseLogger;
  tapDebounceMs: number;
  /** How long a manager's power command waits for the switch to report it; default 3 s. */
  confirmTimeoutMs?: number;
  /** A lab's opening hours, closures and settings; by default read afresh each time. */
  labContext?: (labId: string) => Promise<LabContext>;
  /**
   * Switch reports and presence handled at once, at most (default 4): a flood of reports then
   * leaves database connections to taps and requests, which people wait for.
   */
  statusConcurrency?: number;
}

export function createDevicesService(deps: DevicesServiceDeps) {
  const { db, clock, usage, bus, log, audit, notifier } = deps;
  const findLab = (_db: DbOrTx, labId: string) => deps.labs.find(labId);
  const findMachine = (_db: DbOrTx, machineId: string) => deps.machines.find(machineId);
  const confirmTimeoutMs = deps.confirmTimeoutMs ?? 3000;
  const labContext = deps.labContext ?? ((labId: string) => deps.bookings.labRules(labId));
  /** No rows: what a query that need not run answers. */
  const none = Promise.resolve([] as never[]);
  const reportSlots = createSlots(deps.statusConcurrency ?? 4);
  /** Switches whose last report added to a session (a hint only: the database decides). */
  const metering = new Set<string>();
  const processed = new EventEmitter();
  processed.setMaxListeners(0);
  // Unknown cards and readers are logged, but a flood of them is not.
  const unknownLog = createSlidingWindow(20, 60_000);
  let rpcId = 0;

  // Messages of one device are handled one after the other, in the order the broker sent them:
  // a switch's reports build on the one before, and a resent tap must see the first one's outcome.
  const queues = new Map<string, Promise<void>>();
  function enqueue(key: string, work: () => Promise<void>): void {
    const next = (queues.get(key) ?? Promise.resolve())
      .then(work)
      .catch((err: unknown) => log.error({ err, device: key }, 'device message failed'));
    queues.set(key, next);
    void next.then(() => {
      if (queues.get(key) === next) queues.delete(key);
    });
  }

  async function logEvent(
    tx: DbOrTx,
    event: Omit<typeof deviceEvents.$inferInsert, 'at'> & { at?: Date },
  ): Promise<void> {
    await tx.insert(deviceEvents).values({ ...event, at: event.at ?? clock.now() });
  }

  /** The member whose card this is, as an actor; null for a card of nobody, or of a disabled or deleted account. */
  async function memberOfCard(uid: string): Promise<Actor | null> {
    const [u] = await db
      .select({
        id: users.id,
        role: users.role,
        fullName: users.fullName,
        email: users.email,
        locale: users.locale,
        disabled: users.disabled,
        deletedAt: users.deletedAt,
        managedLabIds: sql<
          string[]
        >`coalesce((select array_agg(${labManagers.labId}::text) from ${labManagers} where ${labManagers.userId} = ${users.id}), '{}')`,
      })
      .from(cards)
      .innerJoin(users, eq(users.id, cards.userId))
      .where(eq(cards.uid, uid));
    if (!u || u.disabled || u.deletedAt || !u.email) return null;
    return {
      id: u.id,
      role: u.role,
      fullName: u.fullName,
      email: u.email,
      locale: u.locale,
      managedLabIds: u.role === 'manager' ? u.managedLabIds : [],
    };
  }

  // What every tap and switch report asks, prepared once: built once here, parsed and planned once
  // per connection by PostgreSQL (as the sign-in check in plugins/auth.ts).
  const switchOfMachine = db
    .select()
    .from(devices)
    .where(and(eq(devices.machineId, sql.placeholder('machineId')), eq(devices.kind, 'switch')))
    .prepare('devices_switch_of_machine');
  const openSessionOfMachine = db
    .select()
    .from(usageSessions)
    .where(and(eq(usageSessions.machineId, sql.placeholder('machineId')), isNull(usageSessions.endAt)))
    .orderBy(desc(usageSessions.startAt))
    .limit(1)
    .prepare('devices_open_session_of_machine');
  const readerOf = db
    .select({ device: devices, labSlug: labs.slug, machine: machines, sw: switchDevices, open: usageSessions })
    .from(devices)
    .innerJoin(labs, eq(labs.id, devices.labId))
    .innerJoin(machines, eq(machines.id, devices.machineId))
    .leftJoin(switchDevices, and(eq(switchDevices.machineId, devices.machineId), eq(switchDevices.kind, 'switch')))
    .leftJoin(usageSessions, and(eq(usageSessions.machineId, devices.machineId), isNull(usageSessions.endAt)))
    .where(and(eq(devices.deviceId, sql.placeholder('deviceId')), eq(devices.kind, 'reader')))
    .orderBy(desc(usageSessions.startAt))
    .limit(1)
    .prepare('devices_reader_of');
  const earlierTap = db
    .select({ details: deviceEvents.details })
    .from(deviceEvents)
    .where(
      and(
        eq(deviceEvents.deviceId, sql.placeholder('deviceId')),
        eq(deviceEvents.kind, 'tap'),
        eq(deviceEvents.uid, sql.placeholder('uid')),
        gt(deviceEvents.at, sql.placeholder('since')),
      ),
    )
    .orderBy(desc(deviceEvents.at))
    .limit(1)
    .prepare('devices_earlier_tap');
  // A report that measures nothing (no session overlaps the time since the switch's last report):
  // the new state in one statement; none updated means the report adds to a session, or the
  // switch is unknown.
  const plainReport = db
    .update(devices)
    .set({
      output: sql`${sql.placeholder('output')}::boolean`,
      apower: sql`${sql.placeholder('apower')}::double precision`,
      energyWh: sql`coalesce(${sql.placeholder('energyWh')}::double precision, ${devices.energyWh})`,
      statusAt: sql`${sql.placeholder('at')}::timestamptz`,
      lastSeenAt: sql`${sql.placeholder('at')}::timestamptz`,
      online: true,
    })
    .where(
      and(
        eq(devices.deviceId, sql.placeholder('deviceId')),
        eq(devices.kind, 'switch'),
        notExists(
          db
            .select({ one: sql`1` })
            .from(usageSessions)
            .where(
              and(
                eq(usageSessions.machineId, devices.machineId),
                lt(usageSessions.startAt, sql.placeholder('at')),
                sql`coalesce(${usageSessions.endAt}, 'infinity'::timestamptz) > coalesce(${devices.statusAt}, ${sql.placeholder('at')}::timestamptz)`,
              ),
            ),
        ),
      ),
    )
    .returning({ id: devices.id })
    .prepare('devices_plain_report');

  async function switchOf(machineId: string): Promise<DeviceRow | undefined> {
    const [row] = await switchOfMachine.execute({ machineId });
    return row;
  }

  async function openSessionOf(machineId: string): Promise<UsageRow | undefined> {
    const [row] = await openSessionOfMachine.execute({ machineId });
    return row;
  }

  /**
   * Sends Switch.Set to the machine's switch, if it has one; the switch's next report confirms it.
   * `override` marks a manager's command from the status board (README "Devices").
   */
  async function power(
    machine: MachineRow,
    on: boolean,
    cause: { userId: string | null; usageSessionId: string | null; override?: { reason: string | null } },
    known?: DeviceRow,
  ): Promise<void> {
    const sw = known ?? (await switchOf(machine.id));
    if (!sw) return;
    rpcId = (rpcId % 1_000_000_000) + 1;
    const command = { id: rpcId, src: 'fablab', method: 'Switch.Set', params: { id: 0, on } };
    // Not awaited: with the broker down the command waits in MQTT.js's queue, and the member's
    // answer must not wait for it.
    bus
      .publish(switchRpcTopic(sw.deviceId), JSON.stringify(command))
      .catch((err: unknown) => log.warn({ err, device: sw.deviceId }, 'switch command not sent'));
    await logEvent(db, {
      labId: machine.labId,
      machineId: machine.id,
      deviceId: sw.deviceId,
      kind: 'command',
      ok: bus.enabled,
      code: on ? 'SWITCH_ON' : 'SWITCH_OFF',
      userId: cause.userId,
      usageSessionId: cause.usageSessionId,
      details: cause.override
        ? { rpcId: command.id, override: true, ...(cause.override.reason ? { reason: cause.override.reason } : {}) }
        : { rpcId: command.id },
    });
  }

  /** Resolves with the next message of this device that the server handled, or after `ms`. */
  function nextMessageOf(deviceId: string, ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        processed.off('message', listener);
        resolve();
      };
      const listener = (m: ProcessedMessage) => {
        if (m.deviceId === deviceId) done();
      };
      const timer = setTimeout(done, ms);
      processed.on('message', listener);
    });
  }

  /**
   * Waits (at most `timeoutMs`) for the switch to report the output it was told, reading the state
   * the database keeps, so that a report handled by another server process counts too.
   */
  async function confirmOutput(
    sw: DeviceRow,
    on: boolean,
    sentAt: Date,
  ): Promise<{ row: DeviceRow; confirmed: boolean }> {
    const deadline = Date.now() + confirmTimeoutMs;
    for (;;) {
      const [row] = await db.select().from(devices).where(eq(devices.id, sw.id));
      if (!row) return { row: sw, confirmed: false };
      const confirmed = row.output === on && row.statusAt !== null && row.statusAt >= sentAt;
      // Nobody to wait for: devices off, the broker away or the switch offline.
      if (confirmed || !bus.isConnected() || row.online !== true || Date.now() >= deadline) return { row, confirmed };
      await nextMessageOf(sw.deviceId, Math.min(250, Math.max(1, deadline - Date.now())));
    }
  }

  /** Has the server switched the machine on for this session already? */
  async function poweredFor(sessionId: string): Promise<boolean> {
    const [row] = await db
      .select({ id: deviceEvents.id })
      .from(deviceEvents)
      .where(
        and(
          eq(deviceEvents.usageSessionId, sessionId),
          eq(deviceEvents.kind, 'command'),
          eq(deviceEvents.code, 'SWITCH_ON'),
        ),
      )
      .limit(1);
    return Boolean(row);
  }

  /** Adds measured slices to a session (and its quarter-hour rows); counted up to `until`. */
  async function addToSession(tx: DbOrTx, sessionId: string, slices: MeterSlice[], until: Date): Promise<void> {
    const sum = slices.reduce(
      (acc, s) => ({ p: acc.p + s.poweredSecs, r: acc.r + s.runningSecs, e: acc.e + s.energyWh }),
      { p: 0, r: 0, e: 0 },
    );
    const totals = tx
      .update(usageSessions)
      .set({
        poweredSecs: sql`coalesce(${usageSessions.poweredSecs}, 0) + ${sum.p}`,
        runningSecs: sql`coalesce(${usageSessions.runningSecs}, 0) + ${sum.r}`,
        energyWh: sql`coalesce(${usageSessions.energyWh}, 0) + ${sum.e}`,
        meteredUntil: until,
      })
      .where(eq(usageSessions.id, sessionId));
    if (slices.length === 0) {
      await totals;
      return;
    }
    const quarters = tx
      .insert(usageMeter)
      .values(slices.map((s) => ({ usageSessionId: sessionId, ...s })))
      .onConflictDoUpdate({
        target: [usageMeter.usageSessionId, usageMeter.quarterStart],
        set: {
          poweredSecs: sql`${usageMeter.poweredSecs} + excluded.powered_secs`,
          runningSecs: sql`${usageMeter.runningSecs} + excluded.running_secs`,
          energyWh: sql`${usageMeter.energyWh} + excluded.energy_wh`,
        },
      });
    // The quarter hours and the session's sums in one statement: a switch's every report comes here.
    await tx.execute(sql`with quarters as (${quarters.getSQL()}) ${totals.getSQL()}`);
  }

  /** A session opened on a machine with a switch is measured from its start, even before the first report. */
  async function startMeter(session: UsageRow, sw: DeviceRow | undefined): Promise<void> {
    if (!sw) return;
    await db
      .update(usageSessions)
      .set({
        poweredSecs: sql`coalesce(${usageSessions.poweredSecs}, 0)`,
        runningSecs: sql`coalesce(${usageSessions.runningSecs}, 0)`,
        energyWh: sql`coalesce(${usageSessions.energyWh}, 0)`,
        meteredUntil: sql`coalesce(${usageSessions.meteredUntil}, ${usageSessions.startAt})`,
      })
      .where(eq(usageSessions.id, session.id));
  }

  /**
   * Counts the time from the switch's last report to the session's end, in the state it last
   * reported. Locks the switch before the session, as a report does (handleStatus): the switch's
   * report of being switched off may be handled at the same moment.
   */
  async function finishMeter(session0: UsageRow): Promise<void> {
    await db.transaction(async (tx) => {
      const [sw] = await tx
        .select()
        .from(devices)
        .where(and(eq(devices.machineId, session0.machineId), eq(devices.kind, 'switch')))
        .for('update');
      if (!sw?.statusAt) return;
      const [session] = await tx.select().from(usageSessions).where(eq(usageSessions.id, session0.id)).for('update');
      if (!session?.endAt) return;
      const from = new Date(
        Math.max(sw.statusAt.getTime(), session.startAt.getTime(), session.meteredUntil?.getTime() ?? 0),
      );
      if (session.endAt <= from) return;
      const state: SwitchState = { output: sw.output, apower: sw.apower };
      const slices = sliceInterval(
        state,
        from,
        session.endAt,
        estimateWh(state, session.endAt.getTime() - from.getTime()),
        threshold(sw),
      );
      await addToSession(tx, session.id, slices, session.endAt);
    });
  }

  /** An incident for the lab's managers: the machine drew power that no session accounts for. */
  async function unattributedUse(sw: DeviceRow, machine: MachineRow): Promise<string> {
    return db.transaction(async (tx) => {
      const [incident] = await tx
        .insert(incidents)
        .values({
          machineId: machine.id,
          labId: machine.labId,
          kind: 'other',
          description: `Unattributed use: ${machine.name} was switched on at the device (${sw.deviceId}) without a session; the server switched it off`,
          createdAt: clock.now(),
        })
        .returning();
      await logEvent(tx, {
        labId: machine.labId,
        machineId: machine.id,
        deviceId: sw.deviceId,
        kind: 'unattributed',
        ok: false,
        code: 'UNATTRIBUTED_USE',
        details: { incidentId: incident!.id, apower: sw.apower },
      });
      const managers = await labManagerIds(tx, machine.labId);
      await notifier.notify(
        tx,
        managers.map((userId) => ({
          userId,
          kind: 'incident_reported',
          data: {
            incidentId: incident!.id,
            usageSessionId: null,
            machineId: machine.id,
            machineName: machine.name,
            labId: machine.labId,
            kind: 'other',
            putOutOfService: false,
            reportedBy: null,
          },
        })),
      );
      return incident!.id;
    });
  }

  function threshold(sw: Pick<DeviceRow, 'runningThresholdW'>): number {
    return sw.runningThresholdW ?? DEFAULT_RUNNING_THRESHOLD_W;
  }

  function localTime(at: Date, timezone: string): string {
    return DateTime.fromJSDate(at, { zone: timezone }).toFormat('HH:mm');
  }

  /**
   * The one decision for a tap and for the Start button: the member's approved booking now (from
   * the check-in window on) is checked in through the usage module's check-in, which applies the
   * window, the machine's state and the certification; without one, a machine that takes walk-ins
   * opens a walk-in for a certified member while the lab is open and the machine is free for at
   * least its minimum length (inside the open period too, unless it may run unattended, as for a
   * booking). Then the switch goes on. The member's own open session (checked in on the phone) is
   * only switched on.
   */
  async function startUse(
    member: Actor,
    machine: MachineRow,
    known?: { open: UsageRow | undefined; sw: DeviceRow | undefined },
  ): Promise<{ booking?: Booking; session: UsageRow }> {
    const now = clock.now();
    if (machine.status !== 'available') throw unprocessable('MACHINE_UNAVAILABLE', 'The machine is out of service');
    const [open, sw] = known
      ? [known.open, known.sw]
      : await Promise.all([openSessionOf(machine.id), switchOf(machine.id)]);
    if (open) {
      if (open.userId !== member.id) throw conflict('MACHINE_IN_USE', 'Someone else is using this machine');
      await power(machine, true, { userId: member.id, usageSessionId: open.id }, sw);
      await startMeter(open, sw);
      let booking: Booking | undefined;
      if (open.bookingId) {
        const [row] = await db.select().from(bookings).where(eq(bookings.id, open.bookingId));
        if (row) booking = deps.bookings.view(row, { userName: member.fullName, userEmail: member.email });
      }
      return { booking, session: open };
    }

    const lab = await labContext(machine.labId);
    const settings = lab.settings;
    const windowOpensBy = new Date(now.getTime() + settings.checkInEarlyMinutes * 60_000);
    const until = new Date(now.getTime() + machine.minMinutes * 60_000);
    // Everything the decision may need, read at once: the member's approved booking now (or a
    // pending one, to say so); with walk-ins, the certification and whatever takes the machine
    // within its minimum length. Refused below in API.md's order.
    const [held, valid, [next], [window]] = await Promise.all([
      db
        .select()
        .from(bookings)
        .where(
          and(
            eq(bookings.machineId, machine.id),
            eq(bookings.userId, member.id),
            inArray(bookings.status, ['approved', 'pending']),
            lt(bookings.startAt, new Date(windowOpensBy.getTime() + 1)),
            gt(bookings.endAt, now),
          ),
        )
        .orderBy(asc(bookings.startAt)),
      machine.walkIns && machine.requiresCertification
        ? deps.certifications.hasValid(db, {
            userId: member.id,
            labId: machine.labId,
            machineType: machine.type,
            at: now,
            lapseMonths: settings.certificationLapseMonths,
          })
        : true,
      machine.walkIns
        ? db
            .select({ startAt: bookings.startAt })
            .from(bookings)
            .where(
              and(
                eq(bookings.machineId, machine.id),
                inArray(bookings.status, [...SLOT_HOLDING_STATUSES]),
                lt(bookings.startAt, until),
                gt(bookings.occupiedUntil, now),
              ),
            )
            .orderBy(asc(bookings.startAt))
            .limit(1)
        : none,
      machine.walkIns
        ? db
            .select({ startAt: maintenanceWindows.startAt })
            .from(maintenanceWindows)
            .where(
              and(
                eq(maintenanceWindows.machineId, machine.id),
                lt(maintenanceWindows.startAt, until),
                gt(maintenanceWindows.endAt, now),
              ),
            )
            .limit(1)
        : none,
    ]);

    const booking = held.find((b) => b.status === 'approved');
    let session: UsageRow;
    let checkedIn: Booking | undefined;
    if (booking) {
      const result = await usage.checkIn(member, booking.id);
      const { usageSession, ...rest } = result;
      checkedIn = rest;
      const [row] = await db.select().from(usageSessions).where(eq(usageSessions.id, usageSession.id));
      session = row!;
    } else {
      if (!machine.walkIns) {
        throw unprocessable(
          'NO_BOOKING',
          held.some((b) => b.status === 'pending')
            ? 'Your booking is not approved yet'
            : 'You have no booking on this machine now, and it takes no walk-ins',
        );
      }
      // A walk-in keeps the lab's hours as a booking does (API.md's OUTSIDE_OPENING_HOURS).
      const period = openPeriodAt(now, lab.row.openingHours, lab.closures, lab.zone);
      if (!period) throw unprocessable('OUTSIDE_OPENING_HOURS', 'The lab is closed now');
      if (!machine.mayRunUnattended && until > period.end) {
        throw unprocessable(
          'OUTSIDE_OPENING_HOURS',
          `The lab closes at ${localTime(period.end, lab.zone)}: too soon for this machine's ${machine.minMinutes} minutes`,
        );
      }
      if (!valid) throw forbidden('You hold no valid certification for this machine type', 'CERTIFICATION_REQUIRED');
      if (next) throw conflict('MACHINE_IN_USE', `The machine is booked from ${localTime(next.startAt, lab.zone)}`);
      if (window) throw conflict('MAINTENANCE_CONFLICT', `Maintenance from ${localTime(window.startAt, lab.zone)}`);
      session = await usage.openWalkIn(member, machine);
    }
    // The command first: the member waits at the machine for it; the meter's start can follow.
    await power(machine, true, { userId: member.id, usageSessionId: session.id }, sw);
    await startMeter(session, sw);
    return { booking: checkedIn, session };
  }

  /** Checks the booking out (or ends the walk-in), switches off, and counts the last stretch of power. */
  async function stopUse(
    actor: Actor,
    machine: MachineRow,
    session: UsageRow,
    sw?: DeviceRow | null,
  ): Promise<UsageSession> {
    if (session.bookingId) await usage.checkOut(actor, session.bookingId, {});
    else await usage.endOwnSession(actor, session.id);
    await power(machine, false, { userId: actor.id, usageSessionId: session.id }, sw ?? undefined);
    await finishMeter(session);
    return usage.get(actor, session.id);
  }

  async function sessionView(actor: Actor, session: UsageRow): Promise<UsageSession> {
    return usage.get(actor, session.id);
  }

  // ---------- messages from the devices ----------

  async function reply(labSlug: string, readerId: string, message: ReaderReply): Promise<void> {
    await bus.publish(readerReplyTopic(labSlug, readerId), JSON.stringify(message));
  }

  /** A tap's card (its UID as stored) and the reader's own number for the tap, if it numbers them. */
  function parseTap(payload: Buffer): { uid: string; tapId: string | null } | null {
    let message: { uid?: unknown; id?: unknown };
    try {
      message = JSON.parse(payload.toString('utf8')) as { uid?: unknown; id?: unknown };
    } catch {
      return null;
    }
    const rawUid = typeof message?.uid === 'string' ? message.uid : '';
    if (!/^[0-9A-Fa-f]{2}([:-]?[0-9A-Fa-f]{2}){3,9}$/.test(rawUid)) return null;
    const tapId =
      typeof message.id === 'string' || typeof message.id === 'number' ? String(message.id).slice(0, 64) : null;
    return { uid: normalizeUid(rawUid), tapId };
  }

  /**
   * The same tap handled before (QoS 1 redelivery, a reader resending, a card held on the reader):
   * by the reader's number for it, else the same card on the same reader within the debounce.
   */
  function earlierTapOf(readerId: string, tap: { uid: string; tapId: string | null }, now: Date) {
    if (!tap.tapId)
      return earlierTap.execute({
        deviceId: readerId,
        uid: tap.uid,
        since: new Date(now.getTime() - deps.tapDebounceMs).toISOString(),
      });
    return db
      .select({ details: deviceEvents.details })
      .from(deviceEvents)
      .where(
        and(
          eq(deviceEvents.deviceId, readerId),
          eq(deviceEvents.kind, 'tap'),
          eq(deviceEvents.uid, tap.uid),
          sql`${deviceEvents.details}->>'tapId' = ${tap.tapId}`,
          gt(deviceEvents.at, new Date(now.getTime() - TAP_ID_MEMORY_MS)),
        ),
      )
      .orderBy(desc(deviceEvents.at))
      .limit(1);
  }

  async function handleTap(labSlug: string, readerId: string, payload: Buffer): Promise<ReaderReply | undefined> {
    const now = clock.now();
    const tap = parseTap(payload);
    // What the decision reads first, in one round: the reader with its machine, the machine's
    // switch and open session; the card's member; the same tap handled before.
    const [[reader], [earlier], member] = await Promise.all([
      readerOf.execute({ deviceId: readerId }),
      tap ? earlierTapOf(readerId, tap, now) : none,
      tap ? memberOfCard(tap.uid) : null,
    ]);
    if (!reader || reader.labSlug !== labSlug) {
      // Not ours (another lab's server on the same broker, or a stranger): logged, never answered.
      if (unknownLog.hit(`reader:${readerId}`) === 0) {
        await logEvent(db, {
          deviceId: readerId,
          kind: 'tap',
          ok: false,
          code: 'UNKNOWN_READER',
          details: { labSlug },
        });
      }
      return undefined;
    }
    const { device, machine } = reader;
    const base = { labId: device.labId, machineId: device.machineId, deviceId: device.deviceId };
    try {
      if (!tap) {
        const answer: ReaderReply = { ok: false, code: 'BAD_MESSAGE', message: 'A tap is {"uid":"<hex>"}' };
        if (unknownLog.hit(`bad:${readerId}`) === 0)
          await logEvent(db, { ...base, kind: 'tap', ok: false, code: answer.code });
        await reply(labSlug, readerId, answer);
        return answer;
      }
      // The first one's answer is repeated and nothing else happens.
      if (earlier) {
        const previous = earlier.details.reply as ReaderReply | undefined;
        if (previous) await reply(labSlug, readerId, previous);
        return previous;
      }

      let answer: ReaderReply;
      let sessionId: string | null = null;
      if (!member) {
        answer = { ok: false, code: 'UNKNOWN_CARD', message: 'This card is not registered' };
      } else {
        try {
          const open = reader.open ?? undefined;
          const sw = reader.sw ?? undefined;
          // Their own session ends with this tap, unless it was opened elsewhere (checked in on the
          // phone) and its power is not on yet: then the tap switches it on.
          const ends = open && open.userId === member.id && (!sw || sw.output === true || (await poweredFor(open.id)));
          if (open && ends) {
            await stopUse(member, machine, open, sw);
            sessionId = open.id;
            answer = { ok: true, code: 'STOPPED', message: 'Checked out; the machine is off' };
          } else {
            const { session } = await startUse(member, machine, { open, sw });
            sessionId = session.id;
            answer = { ok: true, code: 'STARTED', message: 'The machine is on' };
          }
        } catch (err) {
          if (!(err instanceof DomainError) || err.statusCode >= 500) throw err;
          answer = { ok: false, code: err.code, message: err.message };
        }
      }
      const logIt = member || unknownLog.hit(`card:${readerId}`) === 0;
      if (logIt) {
        await logEvent(db, {
          ...base,
          kind: 'tap',
          ok: answer.ok,
          code: answer.code,
          uid: tap.uid,
          userId: member?.id ?? null,
          usageSessionId: sessionId,
          details: { reply: answer, ...(tap.tapId ? { tapId: tap.tapId } : {}) },
          at: now,
        });
      }
      await reply(labSlug, readerId, answer);
      return answer;
    } finally {
      // Bookkeeping after the answer: the member waits at the machine for the decision, not for this.
      await db.update(devices).set({ lastSeenAt: now }).where(eq(devices.id, device.id));
    }
  }

  async function handleStatus(deviceId: string, payload: Buffer): Promise<void> {
    let status: { output?: unknown; apower?: unknown; aenergy?: { total?: unknown } };
    try {
      status = JSON.parse(payload.toString('utf8')) as typeof status;
    } catch {
      return;
    }
    if (!status || typeof status.output !== 'boolean') return;
    const output = status.output;
    const apower = typeof status.apower === 'number' && Number.isFinite(status.apower) ? status.apower : null;
    const total = status.aenergy?.total;
    const energyWh = typeof total === 'number' && Number.isFinite(total) ? total : null;
    const at = clock.now();
    // Most reports measure nothing: the switch of a machine nobody used since its last report. One
    // statement then, with no transaction around it; a report that adds to a session goes below.
    // A switch whose last report measured a session is likely to again: it goes there directly.
    if (!metering.has(deviceId)) {
      const plain = await plainReport.execute({ output, apower, energyWh, at: at.toISOString(), deviceId });
      if (plain.length > 0) return;
    }
    const measured = await db.transaction(async (tx) => {
      // The new state written and the one before it read back, in one statement, the row locked
      // until the session's share of the time is counted.
      const before = (await tx.execute(sql`
        update ${devices} as d
           set output = ${output}, apower = ${apower}::double precision,
               energy_wh = coalesce(${energyWh}::double precision, old.energy_wh),
               status_at = ${at.toISOString()}::timestamptz, last_seen_at = ${at.toISOString()}::timestamptz, online = true
          from (select id, machine_id, output, apower, energy_wh, status_at, running_threshold_w from ${devices}
                 where device_id = ${deviceId} and kind = 'switch' for update) as old
         where d.id = old.id
        returning old.machine_id as "machineId", old.output, old.apower, old.energy_wh as "energyWh",
                  old.status_at as "statusAt", old.running_threshold_w as "runningThresholdW"`)) as unknown as {
        rows: SwitchBefore[];
      };
      const [row] = before.rows;
      if (!row) return false;
      // Raw SQL gets the driver's values: timestamps as text (drizzle maps them for its own queries).
      const num = (v: number | string | null) => (v === null ? null : Number(v));
      const sw = {
        machineId: row.machineId,
        output: row.output,
        apower: num(row.apower),
        energyWh: num(row.energyWh),
        runningThresholdW: num(row.runningThresholdW),
      };
      let measuredSessions = 0;
      const prevAt = row.statusAt === null ? null : new Date(row.statusAt);
      if (prevAt && at > prevAt) {
        const elapsed = at.getTime() - prevAt.getTime();
        const prev = { output: sw.output, apower: sw.apower, energyWh: sw.energyWh };
        const energy = energyBetween(prev, energyWh, elapsed);
        const sessions = await tx
          .select()
          .from(usageSessions)
          .where(
            and(
              eq(usageSessions.machineId, sw.machineId),
              lt(usageSessions.startAt, at),
              sql`coalesce(${usageSessions.endAt}, 'infinity'::timestamptz) > ${prevAt.toISOString()}::timestamptz`,
            ),
          )
          .for('update');
        measuredSessions = sessions.length;
        for (const s of sessions) {
          const from = new Date(Math.max(prevAt.getTime(), s.startAt.getTime(), s.meteredUntil?.getTime() ?? 0));
          const to = new Date(Math.min(at.getTime(), s.endAt?.getTime() ?? at.getTime()));
          if (to <= from) continue;
          const share = (energy * (to.getTime() - from.getTime())) / elapsed;
          await addToSession(tx, s.id, sliceInterval(prev, from, to, share, threshold(sw)), to);
        }
      }
      return measuredSessions > 0;
    });
    if (measured) metering.add(deviceId);
    else metering.delete(deviceId);
  }

  async function handlePresence(deviceId: string, payload: Buffer): Promise<void> {
    const text = payload.toString('utf8').trim();
    // An empty retained message clears the topic; it says nothing about the device.
    if (text !== 'true' && text !== 'false') return;
    const online = text === 'true';
    const now = clock.now();
    const [row] = await db.select().from(devices).where(eq(devices.deviceId, deviceId));
    if (!row || row.online === online) return;
    await db.transaction(async (tx) => {
      await tx
        .update(devices)
        .set({ online, ...(online ? { lastSeenAt: now } : {}) })
        .where(eq(devices.id, row.id));
      await logEvent(tx, {
        labId: row.labId,
        machineId: row.machineId,
        deviceId,
        kind: 'presence',
        ok: online,
        code: online ? 'ONLINE' : 'OFFLINE',
      });
    });
  }

  function onMessage(topic: string, payload: Buffer): void {
    const tap = /^fablab\/([^/]+)\/readers\/([^/]+)\/tap$/.exec(topic);
    if (tap) {
      const [, labSlug, readerId] = tap as unknown as [string, string, string];
      enqueue(`reader:${readerId}`, async () => {
        let answer: ReaderReply | undefined;
        try {
          answer = await handleTap(labSlug, readerId, payload);
        } finally {
          processed.emit('message', { kind: 'tap', deviceId: readerId, reply: answer } satisfies ProcessedMessage);
        }
      });
      return;
    }
    for (const [suffix, kind] of [
      [STATUS_SUFFIX, 'status'],
      [PRESENCE_SUFFIX, 'presence'],
    ] as const) {
      if (!topic.endsWith(suffix)) continue;
      const deviceId = topic.slice(0, -suffix.length);
      enqueue(deviceId, async () => {
        try {
          await reportSlots(() =>
            kind === 'status' ? handleStatus(deviceId, payload) : handlePresence(deviceId, payload),
          );
        } finally {
          processed.emit('message', { kind, deviceId } satisfies ProcessedMessage);
        }
      });
      return;
    }
  }

  function uniqueRefusal(err: unknown, codes: Record<string, DomainError>, fallback: DomainError): never {
    if (sqlState(err) === '23505') throw codes[constraintName(err) ?? ''] ?? fallback;
    throw err;
  }

  return {
    onMessage,
    /** Every topic the registered devices are heard on, and the readers' taps. */
    async topics(): Promise<string[]> {
      const rows = await db.select({ kind: devices.kind, deviceId: devices.deviceId }).from(devices);
      return [READER_TAPS, ...rows.flatMap(topicsOf)];
    },
    /** For tests and shutdown: every message handed over so far has been handled. */
    async idle(): Promise<void> {
      while (queues.size > 0) await Promise.all([...queues.values()]);
    },
    onProcessed(listener: (message: ProcessedMessage) => void): () => void {
      processed.on('message', listener);
      return () => processed.off('message', listener);
    },

    /**
     * The background job's pass over switches that report power with no session open on their
     * machine: a session the system checked out at its booking's end plus the grace period, or a
     * member who left without stopping, is switched off (a machine that may run unattended and
     * still draws above its threshold — a print in progress — goes off once idle); power switched
     * on at the device itself is unattributed use: the lab's managers get an incident, and it goes
     * off too. Each report that still says "on" gets the command again, at most MAX_OFF_RETRIES times.
     * A manager's override (setPower) is left on.
     */
    async powerOffUnused(): Promise<{ switchedOff: string[]; incidents: string[] }> {
      const switchedOff: string[] = [];
      const opened: string[] = [];
      const rows = await db
        .select({ sw: devices, machine: machines })
        .from(devices)
        .innerJoin(machines, eq(machines.id, devices.machineId))
        .where(and(eq(devices.kind, 'switch'), eq(devices.output, true)));
      for (const { sw, machine } of rows) {
        if (await openSessionOf(machine.id)) continue;
        if (machine.mayRunUnattended && isRunning(sw, threshold(sw))) continue;
        const commands = await db
          .select({
            code: deviceEvents.code,
            at: deviceEvents.at,
            usageSessionId: deviceEvents.usageSessionId,
            details: deviceEvents.details,
          })
          .from(deviceEvents)
          .where(and(eq(deviceEvents.deviceId, sw.deviceId), eq(deviceEvents.kind, 'command')))
          .orderBy(desc(deviceEvents.at))
          .limit(MAX_OFF_RETRIES + 1);
        const last = commands[0];
        // A lab's manager switched it on from the status board: on until someone switches it off.
        if (last?.code === 'SWITCH_ON' && last.details.override === true) continue;
        // Sent, and no report since: wait for the switch to confirm.
        if (last?.code === 'SWITCH_OFF' && (!sw.statusAt || last.at >= sw.statusAt)) continue;
        const offsInARow = commands.findIndex((c) => c.code !== 'SWITCH_OFF');
        if ((offsInARow === -1 ? commands.length : offsInARow) >= MAX_OFF_RETRIES) continue;
        if (last?.code !== 'SWITCH_ON') {
          const since = commands.find((c) => c.code === 'SWITCH_ON')?.at ?? new Date(0);
          const [reported] = await db
            .select({ id: deviceEvents.id })
            .from(deviceEvents)
            .where(
              and(
                eq(deviceEvents.deviceId, sw.deviceId),
                eq(deviceEvents.kind, 'unattributed'),
                gt(deviceEvents.at, since),
              ),
            )
            .limit(1);
          if (!reported) opened.push(await unattributedUse(sw, machine));
        }
        await power(machine, false, { userId: null, usageSessionId: last?.usageSessionId ?? null });
        switchedOff.push(sw.deviceId);
      }
      return { switchedOff, incidents: opened };
    },

    /**
     * At a checked-in booking's end the member is warned, once, on the machine's readers and by a
     * notification: the system checks the booking out after the lab's grace period (the usage
     * module's job) and the switch then goes off (powerOffUnused).
     */
    async warnBookingEnds(now: Date): Promise<{ warned: string[] }> {
      const due = await db
        .select({ booking: bookings, session: usageSessions, machine: machines, lab: labs })
        .from(bookings)
        .innerJoin(usageSessions, and(eq(usageSessions.bookingId, bookings.id), isNull(usageSessions.endAt)))
        .innerJoin(machines, eq(machines.id, bookings.machineId))
        .innerJoin(labs, eq(labs.id, bookings.labId))
        .where(
          and(
            eq(bookings.status, 'checked_in'),
            lt(bookings.endAt, new Date(now.getTime() + 1)),
            sql`exists (select 1 from ${devices} d where d.machine_id = ${bookings.machineId})`,
            sql`not exists (select 1 from ${deviceEvents} e where e.usage_session_id = ${usageSessions.id} and e.kind = 'warning')`,
          ),
        );
      const warned: string[] = [];
      for (const { booking, session, machine, lab } of due) {
        const grace = labSettings(lab.settings).noShowGraceMinutes;
        const message: ReaderReply = {
          ok: true,
          code: 'BOOKING_ENDED',
          message: `Your booking has ended: tap to check out; the machine goes off in ${grace} minutes`,
        };
        await db.transaction(async (tx) => {
          await logEvent(tx, {
            labId: lab.id,
            machineId: machine.id,
            kind: 'warning',
            ok: true,
            code: message.code,
            userId: booking.userId,
            usageSessionId: session.id,
            at: now,
          });
          if (booking.userId) {
            await notifier.notify(tx, {
              userId: booking.userId,
              kind: 'booking_ended',
              data: {
                bookingId: booking.id,
                machineId: machine.id,
                machineName: machine.name,
                labId: lab.id,
                start: booking.startAt.toISOString(),
                end: booking.endAt.toISOString(),
              },
            });
          }
        });
        const readers = await db
          .select({ deviceId: devices.deviceId })
          .from(devices)
          .where(and(eq(devices.machineId, machine.id), eq(devices.kind, 'reader')));
        for (const r of readers) {
          reply(lab.slug, r.deviceId, message).catch((err: unknown) =>
            log.warn({ err, device: r.deviceId }, 'reader warning not sent'),
          );
        }
        warned.push(booking.id);
      }
      return { warned };
    },

    /** The lab's device log, newest first; `code=UNKNOWN_CARD` lists the cards still waiting for an owner. */
    async events(actor: Actor, labId: string, q: DeviceEventQuery): Promise<{ items: DeviceEvent[]; total: number }> {
      await findLab(db, labId);
      requireLabManager(actor, labId);
      const where: SQL[] = [eq(deviceEvents.labId, labId)];
      if (q.kind) where.push(eq(deviceEvents.kind, q.kind));
      if (q.code) where.push(eq(deviceEvents.code, q.code));
      // Unknown cards are those that still belong to nobody: one assigned since drops out.
      if (q.code === 'UNKNOWN_CARD')
        where.push(
          notExists(
            db
              .select({ one: sql`1` })
              .from(cards)
              .where(eq(cards.uid, deviceEvents.uid)),
          ),
        );
      const condition = and(...where);
      const [rows, [total]] = await Promise.all([
        db
          .select()
          .from(deviceEvents)
          .where(condition)
          .orderBy(desc(deviceEvents.at), asc(deviceEvents.id))
          .limit(q.limit ?? 50)
          .offset(q.offset ?? 0),
        db.select({ n: count() }).from(deviceEvents).where(condition),
      ]);
      return {
        items: rows.map((r) => ({
          id: r.id,
          machineId: r.machineId,
          deviceId: r.deviceId,
          kind: r.kind,
          ok: r.ok,
          code: r.code,
          uid: r.uid,
          userId: r.userId,
          usageSessionId: r.usageSessionId,
          at: r.at.toISOString(),
        })),
        total: Number(total?.n ?? 0),
      };
    },

    async register(actor: Actor, machineId: string, body: DeviceBody): Promise<Device> {
      const machine = await findMachine(db, machineId);
      requireLabManager(actor, machine.labId);
      const row = await db
        .transaction(async (tx) => {
          const [created] = await tx
            .insert(devices)
            .values({
              machineId: machine.id,
              labId: machine.labId,
              kind: body.kind,
              deviceId: body.deviceId,
              runningThresholdW:
                body.kind === 'switch' ? (body.runningThresholdW ?? DEFAULT_RUNNING_THRESHOLD_W) : null,
            })
            .returning();
          await audit.write(tx, {
            actorId: actor.id,
            action: 'device.register',
            entityType: 'machine',
            entityId: machine.id,
            labId: machine.labId,
            details: { deviceId: body.deviceId, kind: body.kind },
          });
          return created!;
        })
        .catch((err: unknown) =>
          uniqueRefusal(
            err,
            {
              devices_device_id_unique: conflict('DEVICE_TAKEN', 'This device is already registered'),
              devices_one_switch_per_machine: conflict('SWITCH_EXISTS', 'This machine already has a power switch'),
            },
            conflict('DEVICE_TAKEN', 'This device is already registered'),
          ),
        );
      await bus.watch(topicsOf(row));
      return toApiDevice(row);
    },

    async listForLab(actor: Actor, labId: string): Promise<Device[]> {
      await findLab(db, labId);
      requireLabManager(actor, labId);
      const rows = await db
        .select()
        .from(devices)
        .where(eq(devices.labId, labId))
        .orderBy(asc(devices.machineId), asc(devices.kind), asc(devices.deviceId));
      return rows.map(toApiDevice);
    },

    async remove(actor: Actor, id: string): Promise<void> {
      const [row] = await db.select().from(devices).where(eq(devices.id, id));
      if (!row || !managesLab(actor, row.labId)) throw notFound('Device');
      await db.transaction(async (tx) => {
        await tx.delete(devices).where(eq(devices.id, id));
        await audit.write(tx, {
          actorId: actor.id,
          action: 'device.remove',
          entityType: 'machine',
          entityId: row.machineId,
          labId: row.labId,
          details: { deviceId: row.deviceId, kind: row.kind },
        });
      });
      await bus.unwatch(topicsOf(row));
    },

    async addCard(actor: Actor, userId: string, body: CardBody): Promise<Card> {
      if (actor.role !== 'manager' && actor.role !== 'admin')
        throw forbidden('Only managers and administrators assign cards');
      const [user] = await db
        .select({ id: users.id, deletedAt: users.deletedAt })
        .from(users)
        .where(eq(users.id, userId));
      if (!user || user.deletedAt) throw notFound('User');
      const uid = normalizeUid(body.uid);
      const row = await db
        .transaction(async (tx) => {
          const [created] = await tx.insert(cards).values({ userId, uid, createdBy: actor.id }).returning();
          await audit.write(tx, {
            actorId: actor.id,
            action: 'card.assign',
            entityType: 'account',
            entityId: userId,
            details: { cardId: created!.id },
          });
          return created!;
        })
        .catch((err: unknown) =>
          uniqueRefusal(err, {}, conflict('CARD_TAKEN', 'This card belongs to an account already')),
        );
      return toApiCard(row);
    },

    async cardsOf(actor: Actor, userId: string): Promise<Card[]> {
      if (!can(actor, 'card.read', { userId }))
        throw forbidden('Only managers and administrators see others’ cards');
      const rows = await db
        .select()
        .from(cards)
        .where(eq(cards.userId, userId))
        .orderBy(asc(cards.createdAt), asc(cards.id));
      return rows.map(toApiCard);
    },

    /** Managers and administrators, and the member themselves (a lost card). */
    async removeCard(actor: Actor, id: string): Promise<void> {
      const [row] = await db.select().from(cards).where(eq(cards.id, id));
      const mayRemove = row && (row.userId === actor.id || actor.role === 'manager' || actor.role === 'admin');
      if (!row || !mayRemove) throw notFound('Card');
      await db.transaction(async (tx) => {
        await tx.delete(cards).where(eq(cards.id, id));
        await audit.write(tx, {
          actorId: actor.id,
          action: 'card.remove',
          entityType: 'account',
          entityId: row.userId,
          details: { cardId: id },
        });
      });
    },

    async start(actor: Actor, machineId: string): Promise<StartResult> {
      const machine = await findMachine(db, machineId);
      const { booking, session } = await startUse(actor, machine);
      await logEvent(db, {
        labId: machine.labId,
        machineId: machine.id,
        kind: 'start',
        ok: true,
        code: 'STARTED',
        userId: actor.id,
        usageSessionId: session.id,
      });
      const view = await sessionView(actor, session);
      return booking ? { booking, usage: view } : { usage: view };
    },

    async stop(actor: Actor, machineId: string): Promise<UsageSession> {
      const machine = await findMachine(db, machineId);
      const open = await openSessionOf(machine.id);
      if (!open) throw conflict('NOT_IN_USE', 'Nobody is using this machine now');
      if (open.userId !== actor.id && !managesLab(actor, machine.labId)) {
        throw forbidden('Only the member using it or the lab’s managers may stop the machine');
      }
      const ended = await stopUse(actor, machine, open);
      await logEvent(db, {
        labId: machine.labId,
        machineId: machine.id,
        kind: 'stop',
        ok: true,
        code: 'STOPPED',
        userId: actor.id,
        usageSessionId: open.id,
      });
      return ended;
    },

    /**
     * A lab's manager (or an admin) switches the machine's power from the status board, whatever
     * the decision would say: off to stop a machine left running, on to test it after repairs or
     * for a member whose card fails. Audited; an override left on stays on (powerOffUnused). The
     * answer waits briefly for the switch's report of the new output.
     */
    async setPower(actor: Actor, machineId: string, body: PowerBody): Promise<PowerResult> {
      const machine = await findMachine(db, machineId);
      requireLabManager(actor, machine.labId);
      const sw = await switchOf(machine.id);
      if (!sw) throw unprocessable('NO_SWITCH', 'This machine has no power switch');
      const open = await openSessionOf(machine.id);
      const sentAt = clock.now();
      const reason = body.reason ?? null;
      await power(machine, body.on, { userId: actor.id, usageSessionId: open?.id ?? null, override: { reason } }, sw);
      await audit.write(db, {
        actorId: actor.id,
        action: 'device.power',
        entityType: 'machine',
        entityId: machine.id,
        labId: machine.labId,
        details: { deviceId: sw.deviceId, on: body.on, reason, usageSessionId: open?.id ?? null },
      });
      const { row, confirmed } = await confirmOutput(sw, body.on, sentAt);
      return { device: toApiDevice(row), confirmed };
    },
  };
}

export type DevicesService = ReturnType<typeof createDevicesService>;

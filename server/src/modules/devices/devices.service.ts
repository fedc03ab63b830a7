// Machines that report their own use: registering switches and readers, members' cards, the one
// decision that turns a machine on for a member (a card tap or the Start button), and the measured
// use a switch's reports add to the open usage session.
import {
  DEFAULT_RUNNING_THRESHOLD_W,
  SLOT_HOLDING_STATUSES,
  labSettings,
  normalizeUid,
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
  type ReaderReply,
  type StartResult,
  type UsageSession,
} from '@fablab/shared';
import { and, asc, count, desc, eq, gt, inArray, isNull, lt, sql, type SQL } from 'drizzle-orm';
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
import { can, managesLab, requireLabManager, type Actor } from '../../plugins/policy.js';
import { labManagerIds } from '../../plugins/policy.js';
import type { Core } from '../../plugins/core.js';
import type { DeviceBus } from './device-bus.js';
import { energyBetween, estimateWh, isRunning, sliceInterval, type MeterSlice, type SwitchState } from './metering.js';

export type DeviceRow = typeof devices.$inferSelect;
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

const STATUS_SUFFIX = '/status/switch:0';
const PRESENCE_SUFFIX = '/online';
/** Switch-off commands a switch that stays on gets before the server stops repeating them. */
const MAX_OFF_RETRIES = 3;
/** Taps numbered by their reader are recognised as resent for this long. */
const TAP_ID_MEMORY_MS = 24 * 3_600_000;

export interface ProcessedMessage {
  kind: 'tap' | 'status' | 'presence';
  deviceId: string;
  reply?: ReaderReply;
}

type MachineRow = typeof machines.$inferSelect;
type UsageRow = typeof usageSessions.$inferSelect;

export interface DevicesServiceDeps extends Core {
  usage: FastifyInstance['usage'];
  bookings: FastifyInstance['bookings'];
  certifications: FastifyInstance['certifications'];
  labs: FastifyInstance['labs'];
  machines: FastifyInstance['machines'];
  bus: DeviceBus;
  log: FastifyBaseLogger;
  tapDebounceMs: number;
}

export function createDevicesService(deps: DevicesServiceDeps) {
  const { db, clock, usage, bus, log, audit, notifier } = deps;
  const findLab = (_db: DbOrTx, labId: string) => deps.labs.find(labId);
  const findMachine = (_db: DbOrTx, machineId: string) => deps.machines.find(machineId);
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

  async function actorOf(userId: string): Promise<Actor | null> {
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
      .from(users)
      .where(eq(users.id, userId));
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

  async function switchOf(db0: DbOrTx, machineId: string): Promise<DeviceRow | undefined> {
    const [row] = await db0
      .select()
      .from(devices)
      .where(and(eq(devices.machineId, machineId), eq(devices.kind, 'switch')));
    return row;
  }

  async function openSessionOf(machineId: string): Promise<UsageRow | undefined> {
    const [row] = await db
      .select()
      .from(usageSessions)
      .where(and(eq(usageSessions.machineId, machineId), isNull(usageSessions.endAt)))
      .orderBy(desc(usageSessions.startAt))
      .limit(1);
    return row;
  }

  /** Sends Switch.Set to the machine's switch, if it has one; the switch's next report confirms it. */
  async function power(
    machine: MachineRow,
    on: boolean,
    cause: { userId: string | null; usageSessionId: string | null },
  ): Promise<void> {
    const sw = await switchOf(db, machine.id);
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
      details: { rpcId: command.id },
    });
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
    if (slices.length > 0) {
      await tx
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
    }
    await tx
      .update(usageSessions)
      .set({
        poweredSecs: sql`coalesce(${usageSessions.poweredSecs}, 0) + ${sum.p}`,
        runningSecs: sql`coalesce(${usageSessions.runningSecs}, 0) + ${sum.r}`,
        energyWh: sql`coalesce(${usageSessions.energyWh}, 0) + ${sum.e}`,
        meteredUntil: until,
      })
      .where(eq(usageSessions.id, sessionId));
  }

  /** A session opened on a machine with a switch is measured from its start, even before the first report. */
  async function startMeter(session: UsageRow): Promise<void> {
    if (!(await switchOf(db, session.machineId))) return;
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

  /** Counts the time from the switch's last report to the session's end, in the state it last reported. */
  async function finishMeter(sessionId: string): Promise<void> {
    await db.transaction(async (tx) => {
      const [session] = await tx.select().from(usageSessions).where(eq(usageSessions.id, sessionId)).for('update');
      if (!session?.endAt) return;
      const [sw] = await tx
        .select()
        .from(devices)
        .where(and(eq(devices.machineId, session.machineId), eq(devices.kind, 'switch')))
        .for('update');
      if (!sw?.statusAt) return;
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

  function threshold(sw: DeviceRow): number {
    return sw.runningThresholdW ?? DEFAULT_RUNNING_THRESHOLD_W;
  }

  function localTime(at: Date, timezone: string): string {
    return DateTime.fromJSDate(at, { zone: timezone }).toFormat('HH:mm');
  }

  /**
   * The one decision for a tap and for the Start button: the member's approved booking now (from
   * the check-in window on) is checked in through the usage module's check-in, which applies the
   * window, the machine's state and the certification; without one, a machine that takes walk-ins
   * and is free for at least its minimum length opens a walk-in for a certified member. Then the
   * switch goes on. The member's own open session (checked in on the phone) is only switched on.
   */
  async function startUse(member: Actor, machine: MachineRow): Promise<{ booking?: Booking; session: UsageRow }> {
    const now = clock.now();
    if (machine.status !== 'available') throw unprocessable('MACHINE_UNAVAILABLE', 'The machine is out of service');
    const open = await openSessionOf(machine.id);
    if (open) {
      if (open.userId !== member.id) throw conflict('MACHINE_IN_USE', 'Someone else is using this machine');
      await startMeter(open);
      await power(machine, true, { userId: member.id, usageSessionId: open.id });
      let booking: Booking | undefined;
      if (open.bookingId) {
        const [row] = await db.select().from(bookings).where(eq(bookings.id, open.bookingId));
        if (row) booking = deps.bookings.view(row, { userName: member.fullName, userEmail: member.email });
      }
      return { booking, session: open };
    }

    const lab = await findLab(db, machine.labId);
    const settings = labSettings(lab.settings);
    const windowOpensBy = new Date(now.getTime() + settings.checkInEarlyMinutes * 60_000);
    const [booking] = await db
      .select()
      .from(bookings)
      .where(
        and(
          eq(bookings.machineId, machine.id),
          eq(bookings.userId, member.id),
          eq(bookings.status, 'approved'),
          lt(bookings.startAt, new Date(windowOpensBy.getTime() + 1)),
          gt(bookings.endAt, now),
        ),
      )
      .orderBy(asc(bookings.startAt))
      .limit(1);

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
        const [pending] = await db
          .select({ id: bookings.id })
          .from(bookings)
          .where(
            and(
              eq(bookings.machineId, machine.id),
              eq(bookings.userId, member.id),
              eq(bookings.status, 'pending'),
              gt(bookings.endAt, now),
              lt(bookings.startAt, windowOpensBy),
            ),
          )
          .limit(1);
        throw unprocessable(
          'NO_BOOKING',
          pending
            ? 'Your booking is not approved yet'
            : 'You have no booking on this machine now, and it takes no walk-ins',
        );
      }
      if (machine.requiresCertification) {
        const valid = await deps.certifications.hasValid(db, {
          userId: member.id,
          labId: machine.labId,
          machineType: machine.type,
          at: now,
          lapseMonths: settings.certificationLapseMonths,
        });
        if (!valid) throw forbidden('You hold no valid certification for this machine type', 'CERTIFICATION_REQUIRED');
      }
      // Free for at least the minimum length: no booking holds the machine and no maintenance begins.
      const until = new Date(now.getTime() + machine.minMinutes * 60_000);
      const [next] = await db
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
        .limit(1);
      if (next) throw conflict('MACHINE_IN_USE', `The machine is booked from ${localTime(next.startAt, lab.timezone)}`);
      const [window] = await db
        .select({ startAt: maintenanceWindows.startAt })
        .from(maintenanceWindows)
        .where(
          and(
            eq(maintenanceWindows.machineId, machine.id),
            lt(maintenanceWindows.startAt, until),
            gt(maintenanceWindows.endAt, now),
          ),
        )
        .limit(1);
      if (window) throw conflict('MAINTENANCE_CONFLICT', `Maintenance from ${localTime(window.startAt, lab.timezone)}`);
      session = await usage.openWalkIn(member, machine);
    }
    await startMeter(session);
    await power(machine, true, { userId: member.id, usageSessionId: session.id });
    return { booking: checkedIn, session };
  }

  /** Checks the booking out (or ends the walk-in), counts the last stretch of power, and switches off. */
  async function stopUse(actor: Actor, machine: MachineRow, session: UsageRow): Promise<UsageSession> {
    if (session.bookingId) await usage.checkOut(actor, session.bookingId, {});
    else await usage.endOwnSession(actor, session.id);
    await finishMeter(session.id);
    await power(machine, false, { userId: actor.id, usageSessionId: session.id });
    return usage.get(actor, session.id);
  }

  async function sessionView(actor: Actor, session: UsageRow): Promise<UsageSession> {
    return usage.get(actor, session.id);
  }

  // ---------- messages from the devices ----------

  async function reply(labSlug: string, readerId: string, message: ReaderReply): Promise<void> {
    await bus.publish(readerReplyTopic(labSlug, readerId), JSON.stringify(message));
  }

  async function handleTap(labSlug: string, readerId: string, payload: Buffer): Promise<ReaderReply | undefined> {
    const now = clock.now();
    const [reader] = await db
      .select({ device: devices, labSlug: labs.slug })
      .from(devices)
      .innerJoin(labs, eq(labs.id, devices.labId))
      .where(and(eq(devices.deviceId, readerId), eq(devices.kind, 'reader')));
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
    const device = reader.device;
    const base = { labId: device.labId, machineId: device.machineId, deviceId: device.deviceId };
    await db.update(devices).set({ lastSeenAt: now }).where(eq(devices.id, device.id));

    let message: { uid?: unknown; id?: unknown };
    try {
      message = JSON.parse(payload.toString('utf8')) as { uid?: unknown; id?: unknown };
    } catch {
      message = {};
    }
    const rawUid = typeof message?.uid === 'string' ? message.uid : '';
    if (!/^[0-9A-Fa-f]{2}([:-]?[0-9A-Fa-f]{2}){3,9}$/.test(rawUid)) {
      const answer: ReaderReply = { ok: false, code: 'BAD_MESSAGE', message: 'A tap is {"uid":"<hex>"}' };
      if (unknownLog.hit(`bad:${readerId}`) === 0)
        await logEvent(db, { ...base, kind: 'tap', ok: false, code: answer.code });
      await reply(labSlug, readerId, answer);
      return answer;
    }
    const uid = normalizeUid(rawUid);
    const tapId =
      typeof message.id === 'string' || typeof message.id === 'number' ? String(message.id).slice(0, 64) : null;

    // The same tap again (QoS 1 redelivery, a reader resending, a card held on the reader): the
    // first one's answer is repeated and nothing else happens.
    const [earlier] = await db
      .select({ details: deviceEvents.details })
      .from(deviceEvents)
      .where(
        and(
          eq(deviceEvents.deviceId, device.deviceId),
          eq(deviceEvents.kind, 'tap'),
          eq(deviceEvents.uid, uid),
          tapId
            ? and(
                sql`${deviceEvents.details}->>'tapId' = ${tapId}`,
                gt(deviceEvents.at, new Date(now.getTime() - TAP_ID_MEMORY_MS)),
              )
            : gt(deviceEvents.at, new Date(now.getTime() - deps.tapDebounceMs)),
        ),
      )
      .orderBy(desc(deviceEvents.at))
      .limit(1);
    if (earlier) {
      const previous = earlier.details.reply as ReaderReply | undefined;
      if (previous) await reply(labSlug, readerId, previous);
      return previous;
    }

    const [card] = await db.select().from(cards).where(eq(cards.uid, uid));
    const member = card ? await actorOf(card.userId) : null;
    let answer: ReaderReply;
    let sessionId: string | null = null;
    if (!member) {
      answer = { ok: false, code: 'UNKNOWN_CARD', message: 'This card is not registered' };
    } else {
      try {
        const machine = await findMachine(db, device.machineId);
        const open = await openSessionOf(machine.id);
        const sw = await switchOf(db, machine.id);
        // Their own session ends with this tap, unless it was opened elsewhere (checked in on the
        // phone) and its power is not on yet: then the tap switches it on.
        const ends = open && open.userId === member.id && (!sw || sw.output === true || (await poweredFor(open.id)));
        if (open && ends) {
          await stopUse(member, machine, open);
          sessionId = open.id;
          answer = { ok: true, code: 'STOPPED', message: 'Checked out; the machine is off' };
        } else {
          const { session } = await startUse(member, machine);
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
        uid,
        userId: member?.id ?? null,
        usageSessionId: sessionId,
        details: { reply: answer, ...(tapId ? { tapId } : {}) },
        at: now,
      });
    }
    await reply(labSlug, readerId, answer);
    return answer;
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
    await db.transaction(async (tx) => {
      const [sw] = await tx
        .select()
        .from(devices)
        .where(and(eq(devices.deviceId, deviceId), eq(devices.kind, 'switch')))
        .for('update');
      if (!sw) return;
      const prevAt = sw.statusAt;
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
        for (const s of sessions) {
          const from = new Date(Math.max(prevAt.getTime(), s.startAt.getTime(), s.meteredUntil?.getTime() ?? 0));
          const to = new Date(Math.min(at.getTime(), s.endAt?.getTime() ?? at.getTime()));
          if (to <= from) continue;
          const share = (energy * (to.getTime() - from.getTime())) / elapsed;
          await addToSession(tx, s.id, sliceInterval(prev, from, to, share, threshold(sw)), to);
        }
      }
      await tx
        .update(devices)
        .set({ output, apower, energyWh: energyWh ?? sw.energyWh, statusAt: at, lastSeenAt: at, online: true })
        .where(eq(devices.id, sw.id));
    });
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
          if (kind === 'status') await handleStatus(deviceId, payload);
          else await handlePresence(deviceId, payload);
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
          .select({ code: deviceEvents.code, at: deviceEvents.at, usageSessionId: deviceEvents.usageSessionId })
          .from(deviceEvents)
          .where(and(eq(deviceEvents.deviceId, sw.deviceId), eq(deviceEvents.kind, 'command')))
          .orderBy(desc(deviceEvents.at))
          .limit(MAX_OFF_RETRIES + 1);
        const last = commands[0];
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

    /** The lab's device log, newest first; `code=UNKNOWN_CARD` lists the cards waiting for an owner. */
    async events(actor: Actor, labId: string, q: DeviceEventQuery): Promise<{ items: DeviceEvent[]; total: number }> {
      await findLab(db, labId);
      requireLabManager(actor, labId);
      const where: SQL[] = [eq(deviceEvents.labId, labId)];
      if (q.kind) where.push(eq(deviceEvents.kind, q.kind));
      if (q.code) where.push(eq(deviceEvents.code, q.code));
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
  };
}

export type DevicesService = ReturnType<typeof createDevicesService>;

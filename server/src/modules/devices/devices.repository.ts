// The devices module's statements on devices, cards and the device log (device-sessions.repository.ts
// holds those on bookings, usage sessions, maintenance and incidents).
import type { DeviceEventQuery } from '@fablab/shared';
import { and, asc, count, desc, eq, gt, isNull, lt, notExists, sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Db, DbOrTx } from '../../db/client.js';
import {
  cards,
  deviceEvents,
  devices,
  labManagers,
  labs,
  machines,
  usageSessions,
  users,
} from '../../db/schema/index.js';

export type DeviceRow = typeof devices.$inferSelect;
export type NewDeviceRow = typeof devices.$inferInsert;
export type CardRow = typeof cards.$inferSelect;
export type NewCardRow = typeof cards.$inferInsert;
export type DeviceEventRow = typeof deviceEvents.$inferSelect;
export type NewDeviceEventRow = typeof deviceEvents.$inferInsert;
export type MachineRow = typeof machines.$inferSelect;

/** A switch's state before a report, as the report's statement left it. */
export interface SwitchBefore {
  machineId: string;
  output: boolean | null;
  apower: number | null;
  energyWh: number | null;
  statusAt: Date | null;
  runningThresholdW: number | null;
}

/** The switch's state a report brings. */
export interface SwitchReport {
  output: boolean;
  apower: number | null;
  energyWh: number | null;
  at: Date;
}

/**
 * What every tap and switch report asks, prepared once: built once here, parsed and planned once
 * per connection by PostgreSQL (as the sign-in check in plugins/auth.ts). Inside a caller's
 * transaction the same statement is prepared on its connection, under the same name.
 */
export function prepareOnce<R>(
  db: Db,
  name: string,
  build: (q: DbOrTx) => { prepare(name: string): { execute(values?: Record<string, unknown>): Promise<R> } },
) {
  const onDb = build(db).prepare(name);
  return (values: Record<string, unknown>, tx: DbOrTx = db): Promise<R> =>
    (tx === db ? onDb : build(tx).prepare(name)).execute(values);
}

/** A machine's switch, beside the reader of the same machine in one query. */
const switchDevices = alias(devices, 'switch_device');

export function createDevicesRepository(db: Db) {
  const switchOfMachine = prepareOnce(db, 'devices_switch_of_machine', (q) =>
    q
      .select()
      .from(devices)
      .where(and(eq(devices.machineId, sql.placeholder('machineId')), eq(devices.kind, 'switch'))),
  );
  const readerOfDevice = prepareOnce(db, 'devices_reader_of', (q) =>
    q
      .select({ device: devices, labSlug: labs.slug, machine: machines, sw: switchDevices, open: usageSessions })
      .from(devices)
      .innerJoin(labs, eq(labs.id, devices.labId))
      .innerJoin(machines, eq(machines.id, devices.machineId))
      .leftJoin(switchDevices, and(eq(switchDevices.machineId, devices.machineId), eq(switchDevices.kind, 'switch')))
      .leftJoin(usageSessions, and(eq(usageSessions.machineId, devices.machineId), isNull(usageSessions.endAt)))
      .where(and(eq(devices.deviceId, sql.placeholder('deviceId')), eq(devices.kind, 'reader')))
      .orderBy(desc(usageSessions.startAt))
      .limit(1),
  );
  const earlierTapOfCard = prepareOnce(db, 'devices_earlier_tap', (q) =>
    q
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
      .limit(1),
  );
  // A report that measures nothing (no session overlaps the time since the switch's last report):
  // the new state in one statement; none updated means the report adds to a session, or the
  // switch is unknown.
  const plainReportOf = prepareOnce(db, 'devices_plain_report', (q) =>
    q
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
            q
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
      .returning({ id: devices.id }),
  );

  return {
    // ---------- devices ----------

    async switchOf(machineId: string, tx: DbOrTx = db): Promise<DeviceRow | undefined> {
      const [row] = await switchOfMachine({ machineId }, tx);
      return row;
    },

    /** The reader with its lab's slug, its machine, the machine's switch and open session. */
    async readerOf(deviceId: string, tx: DbOrTx = db) {
      const [row] = await readerOfDevice({ deviceId }, tx);
      return row;
    },

    async findDevice(id: string, tx: DbOrTx = db): Promise<DeviceRow | undefined> {
      const [row] = await tx.select().from(devices).where(eq(devices.id, id));
      return row;
    },

    async findByDeviceId(deviceId: string, tx: DbOrTx = db): Promise<DeviceRow | undefined> {
      const [row] = await tx.select().from(devices).where(eq(devices.deviceId, deviceId));
      return row;
    },

    async allDevices(tx: DbOrTx = db): Promise<Array<Pick<DeviceRow, 'kind' | 'deviceId'>>> {
      return tx.select({ kind: devices.kind, deviceId: devices.deviceId }).from(devices);
    },

    async devicesOfLab(labId: string, tx: DbOrTx = db): Promise<DeviceRow[]> {
      return tx
        .select()
        .from(devices)
        .where(eq(devices.labId, labId))
        .orderBy(asc(devices.machineId), asc(devices.kind), asc(devices.deviceId));
    },

    async readersOf(machineId: string, tx: DbOrTx = db): Promise<Array<{ deviceId: string }>> {
      return tx
        .select({ deviceId: devices.deviceId })
        .from(devices)
        .where(and(eq(devices.machineId, machineId), eq(devices.kind, 'reader')));
    },

    /** Switches that report their output on, with their machines. */
    async switchesOn(tx: DbOrTx = db): Promise<Array<{ sw: DeviceRow; machine: MachineRow }>> {
      return tx
        .select({ sw: devices, machine: machines })
        .from(devices)
        .innerJoin(machines, eq(machines.id, devices.machineId))
        .where(and(eq(devices.kind, 'switch'), eq(devices.output, true)));
    },

    async insertDevice(values: NewDeviceRow, tx: DbOrTx = db): Promise<DeviceRow> {
      const [created] = await tx.insert(devices).values(values).returning();
      return created!;
    },

    async deleteDevice(id: string, tx: DbOrTx = db): Promise<void> {
      await tx.delete(devices).where(eq(devices.id, id));
    },

    async touchLastSeen(id: string, at: Date, tx: DbOrTx = db): Promise<void> {
      await tx.update(devices).set({ lastSeenAt: at }).where(eq(devices.id, id));
    },

    async setOnline(id: string, online: boolean, at: Date, tx: DbOrTx = db): Promise<void> {
      await tx
        .update(devices)
        .set({ online, ...(online ? { lastSeenAt: at } : {}) })
        .where(eq(devices.id, id));
    },

    /** The report written by the statement prepared for it; false when it adds to a session or the switch is unknown. */
    async plainReport(deviceId: string, report: SwitchReport, tx: DbOrTx = db): Promise<boolean> {
      const { output, apower, energyWh, at } = report;
      const rows = await plainReportOf({ output, apower, energyWh, at: at.toISOString(), deviceId }, tx);
      return rows.length > 0;
    },

    /**
     * The new state written and the one before it read back, in one statement, the switch's row
     * locked until the caller's transaction ends; undefined for an unknown switch.
     */
    async report(deviceId: string, report: SwitchReport, tx: DbOrTx = db): Promise<SwitchBefore | undefined> {
      const { output, apower, energyWh } = report;
      const at = report.at.toISOString();
      const before = (await tx.execute(sql`
        update ${devices} as d
           set output = ${output}, apower = ${apower}::double precision,
               energy_wh = coalesce(${energyWh}::double precision, old.energy_wh),
               status_at = ${at}::timestamptz, last_seen_at = ${at}::timestamptz, online = true
          from (select id, machine_id, output, apower, energy_wh, status_at, running_threshold_w from ${devices}
                 where device_id = ${deviceId} and kind = 'switch' for update) as old
         where d.id = old.id
        returning old.machine_id as "machineId", old.output, old.apower, old.energy_wh as "energyWh",
                  old.status_at as "statusAt", old.running_threshold_w as "runningThresholdW"`)) as unknown as {
        rows: Array<{
          machineId: string;
          output: boolean | null;
          apower: number | string | null;
          energyWh: number | string | null;
          statusAt: string | Date | null;
          runningThresholdW: number | string | null;
        }>;
      };
      const [row] = before.rows;
      if (!row) return undefined;
      // Raw SQL gets the driver's values: timestamps as text (drizzle maps them for its own queries).
      const num = (v: number | string | null) => (v === null ? null : Number(v));
      return {
        machineId: row.machineId,
        output: row.output,
        apower: num(row.apower),
        energyWh: num(row.energyWh),
        statusAt: row.statusAt === null ? null : new Date(row.statusAt),
        runningThresholdW: num(row.runningThresholdW),
      };
    },

    /** The machine's switch, locked FOR UPDATE. */
    async lockSwitchOf(machineId: string, tx: DbOrTx = db): Promise<DeviceRow | undefined> {
      const [row] = await tx
        .select()
        .from(devices)
        .where(and(eq(devices.machineId, machineId), eq(devices.kind, 'switch')))
        .for('update');
      return row;
    },

    // ---------- the device log ----------

    async insertEvent(event: NewDeviceEventRow, tx: DbOrTx = db): Promise<string> {
      const [row] = await tx.insert(deviceEvents).values(event).returning({ id: deviceEvents.id });
      return row!.id;
    },

    /** The session a command logged before its session was written turned out to be for. */
    async setEventSession(eventId: string, usageSessionId: string, tx: DbOrTx = db): Promise<void> {
      await tx.update(deviceEvents).set({ usageSessionId }).where(eq(deviceEvents.id, eventId));
    },

    /** The same card's tap on this reader since `since` (an ISO instant), newest first. */
    async earlierTap(readerId: string, uid: string, since: string, tx: DbOrTx = db) {
      return earlierTapOfCard({ deviceId: readerId, uid, since }, tx);
    },

    /** The tap the reader numbered `tapId`, with this card, since `since`. */
    async earlierTapById(readerId: string, uid: string, tapId: string, since: Date, tx: DbOrTx = db) {
      return tx
        .select({ details: deviceEvents.details })
        .from(deviceEvents)
        .where(
          and(
            eq(deviceEvents.deviceId, readerId),
            eq(deviceEvents.kind, 'tap'),
            eq(deviceEvents.uid, uid),
            sql`${deviceEvents.details}->>'tapId' = ${tapId}`,
            gt(deviceEvents.at, since),
          ),
        )
        .orderBy(desc(deviceEvents.at))
        .limit(1);
    },

    /** Has the server switched the machine on for this session already? */
    async poweredFor(sessionId: string, tx: DbOrTx = db): Promise<boolean> {
      const [row] = await tx
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
    },

    /** The switch's latest commands, newest first. */
    async recentCommands(deviceId: string, limit: number, tx: DbOrTx = db) {
      return tx
        .select({
          code: deviceEvents.code,
          at: deviceEvents.at,
          usageSessionId: deviceEvents.usageSessionId,
          details: deviceEvents.details,
        })
        .from(deviceEvents)
        .where(and(eq(deviceEvents.deviceId, deviceId), eq(deviceEvents.kind, 'command')))
        .orderBy(desc(deviceEvents.at))
        .limit(limit);
    },

    /** Has this switch's unattributed use been reported after `since`? */
    async unattributedSince(deviceId: string, since: Date, tx: DbOrTx = db): Promise<boolean> {
      const [row] = await tx
        .select({ id: deviceEvents.id })
        .from(deviceEvents)
        .where(
          and(eq(deviceEvents.deviceId, deviceId), eq(deviceEvents.kind, 'unattributed'), gt(deviceEvents.at, since)),
        )
        .limit(1);
      return Boolean(row);
    },

    /** The lab's device log, newest first, a page of it and the count of all. */
    async listEvents(
      labId: string,
      q: DeviceEventQuery,
      tx: DbOrTx = db,
    ): Promise<{ rows: DeviceEventRow[]; total: number }> {
      const where: SQL[] = [eq(deviceEvents.labId, labId)];
      if (q.kind) where.push(eq(deviceEvents.kind, q.kind));
      if (q.code) where.push(eq(deviceEvents.code, q.code));
      // Unknown cards are those that still belong to nobody: one assigned since drops out.
      if (q.code === 'UNKNOWN_CARD')
        where.push(
          notExists(
            tx
              .select({ one: sql`1` })
              .from(cards)
              .where(eq(cards.uid, deviceEvents.uid)),
          ),
        );
      const condition = and(...where);
      const [rows, [total]] = await Promise.all([
        tx
          .select()
          .from(deviceEvents)
          .where(condition)
          .orderBy(desc(deviceEvents.at), asc(deviceEvents.id))
          .limit(q.limit ?? 50)
          .offset(q.offset ?? 0),
        tx.select({ n: count() }).from(deviceEvents).where(condition),
      ]);
      return { rows, total: Number(total?.n ?? 0) };
    },

    // ---------- cards and their members ----------

    /** The account a card belongs to, with the labs it manages. */
    async memberOfCard(uid: string, tx: DbOrTx = db) {
      const [row] = await tx
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
      return row;
    },

    async findUser(id: string, tx: DbOrTx = db): Promise<{ id: string; deletedAt: Date | null } | undefined> {
      const [row] = await tx.select({ id: users.id, deletedAt: users.deletedAt }).from(users).where(eq(users.id, id));
      return row;
    },

    async insertCard(values: NewCardRow, tx: DbOrTx = db): Promise<CardRow> {
      const [created] = await tx.insert(cards).values(values).returning();
      return created!;
    },

    async cardsOfUser(userId: string, tx: DbOrTx = db): Promise<CardRow[]> {
      return tx.select().from(cards).where(eq(cards.userId, userId)).orderBy(asc(cards.createdAt), asc(cards.id));
    },

    async findCard(id: string, tx: DbOrTx = db): Promise<CardRow | undefined> {
      const [row] = await tx.select().from(cards).where(eq(cards.id, id));
      return row;
    },

    async deleteCard(id: string, tx: DbOrTx = db): Promise<void> {
      await tx.delete(cards).where(eq(cards.id, id));
    },
  };
}

export type DevicesRepository = ReturnType<typeof createDevicesRepository>;

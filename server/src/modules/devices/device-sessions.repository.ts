// What the devices read and write of other tables: the usage sessions they open, end and measure
// (with their quarter-hour rows), the bookings and maintenance a Start weighs, the incidents of
// unattributed use. The other modules' rules are reached through their services; these are plain
// reads and the meter's writes.
import { SLOT_HOLDING_STATUSES } from '@fablab/shared';
import { and, asc, desc, eq, gt, inArray, isNull, lt, sql } from 'drizzle-orm';
import type { Db, DbOrTx } from '../../db/client.js';
import {
  bookings,
  deviceEvents,
  devices,
  incidents,
  labs,
  machines,
  maintenanceWindows,
  usageMeter,
  usageSessions,
} from '../../db/schema/index.js';
import { prepareOnce } from './devices.repository.js';
import type { MeterSlice } from './metering.js';

export type UsageRow = typeof usageSessions.$inferSelect;
export type BookingRow = typeof bookings.$inferSelect;

export function createDeviceSessionsRepository(db: Db) {
  const openSessionOfMachine = prepareOnce(db, 'devices_open_session_of_machine', (q) =>
    q
      .select()
      .from(usageSessions)
      .where(and(eq(usageSessions.machineId, sql.placeholder('machineId')), isNull(usageSessions.endAt)))
      .orderBy(desc(usageSessions.startAt))
      .limit(1),
  );

  return {
    async openSessionOf(machineId: string, tx: DbOrTx = db): Promise<UsageRow | undefined> {
      const [row] = await openSessionOfMachine({ machineId }, tx);
      return row;
    },

    async findSession(id: string, tx: DbOrTx = db): Promise<UsageRow | undefined> {
      const [row] = await tx.select().from(usageSessions).where(eq(usageSessions.id, id));
      return row;
    },

    async lockSession(id: string, tx: DbOrTx = db): Promise<UsageRow | undefined> {
      const [row] = await tx.select().from(usageSessions).where(eq(usageSessions.id, id)).for('update');
      return row;
    },

    /** The machine's sessions that overlap (from, to), locked FOR UPDATE. */
    async lockSessionsOverlapping(machineId: string, from: Date, to: Date, tx: DbOrTx = db): Promise<UsageRow[]> {
      return tx
        .select()
        .from(usageSessions)
        .where(
          and(
            eq(usageSessions.machineId, machineId),
            lt(usageSessions.startAt, to),
            sql`coalesce(${usageSessions.endAt}, 'infinity'::timestamptz) > ${from.toISOString()}::timestamptz`,
          ),
        )
        .for('update');
    },

    /** A session measured from its start: its sums at zero, counted from its start, unless they run already. */
    async startMeter(sessionId: string, tx: DbOrTx = db): Promise<void> {
      await tx
        .update(usageSessions)
        .set({
          poweredSecs: sql`coalesce(${usageSessions.poweredSecs}, 0)`,
          runningSecs: sql`coalesce(${usageSessions.runningSecs}, 0)`,
          energyWh: sql`coalesce(${usageSessions.energyWh}, 0)`,
          meteredUntil: sql`coalesce(${usageSessions.meteredUntil}, ${usageSessions.startAt})`,
        })
        .where(eq(usageSessions.id, sessionId));
    },

    /** Adds measured slices to a session (and its quarter-hour rows); counted up to `until`. */
    async addToSession(sessionId: string, slices: MeterSlice[], until: Date, tx: DbOrTx = db): Promise<void> {
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
    },

    // ---------- bookings, maintenance and incidents ----------

    async findBooking(id: string, tx: DbOrTx = db): Promise<BookingRow | undefined> {
      const [row] = await tx.select().from(bookings).where(eq(bookings.id, id));
      return row;
    },

    /** The member's approved or pending bookings of the machine that started by `startedBy` and end after `now`. */
    async memberBookingsNow(
      machineId: string,
      userId: string,
      startedBy: Date,
      now: Date,
      tx: DbOrTx = db,
    ): Promise<BookingRow[]> {
      return tx
        .select()
        .from(bookings)
        .where(
          and(
            eq(bookings.machineId, machineId),
            eq(bookings.userId, userId),
            inArray(bookings.status, ['approved', 'pending']),
            lt(bookings.startAt, new Date(startedBy.getTime() + 1)),
            gt(bookings.endAt, now),
          ),
        )
        .orderBy(asc(bookings.startAt));
    },

    /** The first slot-holding booking that takes the machine in (now, until). */
    async nextHoldingBooking(machineId: string, now: Date, until: Date, tx: DbOrTx = db) {
      return tx
        .select({ startAt: bookings.startAt })
        .from(bookings)
        .where(
          and(
            eq(bookings.machineId, machineId),
            inArray(bookings.status, [...SLOT_HOLDING_STATUSES]),
            lt(bookings.startAt, until),
            gt(bookings.occupiedUntil, now),
          ),
        )
        .orderBy(asc(bookings.startAt))
        .limit(1);
    },

    /** A maintenance window of the machine in (now, until). */
    async maintenanceWithin(machineId: string, now: Date, until: Date, tx: DbOrTx = db) {
      return tx
        .select({ startAt: maintenanceWindows.startAt })
        .from(maintenanceWindows)
        .where(
          and(
            eq(maintenanceWindows.machineId, machineId),
            lt(maintenanceWindows.startAt, until),
            gt(maintenanceWindows.endAt, now),
          ),
        )
        .limit(1);
    },

    /** Checked-in bookings ended by `now` on machines with devices, whose session has had no warning yet. */
    async endedInUseUnwarned(now: Date, tx: DbOrTx = db) {
      return tx
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
    },

    async insertIncident(values: typeof incidents.$inferInsert, tx: DbOrTx = db): Promise<string> {
      const [incident] = await tx.insert(incidents).values(values).returning();
      return incident!.id;
    },
  };
}

export type DeviceSessionsRepository = ReturnType<typeof createDeviceSessionsRepository>;

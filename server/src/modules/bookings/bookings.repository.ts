import {
  CANCELLABLE_STATUSES,
  MAX_BOOKING_MINUTES,
  QUOTA_COUNTED_STATUSES,
  SLOT_HOLDING_STATUSES,
  type BookingStatus,
} from '@fablab/shared';
import { and, asc, count, eq, gt, gte, inArray, isNull, lt, lte, ne, or, sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import {
  bookingSeries,
  bookings,
  classSessions,
  closures,
  labManagers,
  labs,
  machines,
  maintenanceWindows,
  usageSessions,
  users,
} from '../../db/schema/index.js';

export type BookingRow = typeof bookings.$inferSelect;
export type NewBookingRow = typeof bookings.$inferInsert;
export type MachineRow = typeof machines.$inferSelect;
export type LabRow = typeof labs.$inferSelect;
export type SeriesRow = typeof bookingSeries.$inferSelect;

/** A booking with its owner's name and email (which callers may or may not be shown). */
export interface BookingWithOwner {
  booking: BookingRow;
  userName: string | null;
  userEmail: string | null;
  /** Null when the booking has no owner (a deleted account's). */
  under16: boolean | null;
}

/** What a list may show: the caller's own rows, rows of some labs, or everything. */
export interface BookingScope {
  all: boolean;
  ownerId?: string;
  labIds?: string[];
}

export interface BookingFilter {
  labId?: string;
  machineId?: string;
  from?: Date;
  to?: Date;
  statuses?: BookingStatus[];
  userId?: string;
}

const slotHolding = [...SLOT_HOLDING_STATUSES];

const withOwner = {
  booking: bookings,
  userName: users.fullName,
  userEmail: users.email,
  under16: users.under16,
};

export function createBookingRepository(db: DbOrTx) {
  /**
   * The machine's open usage session, asked by every booking on it: through the partial index of
   * open sessions (usage_open_machine_idx), whatever the machine's history.
   */
  function openSessionStartQuery(machineId: string, tx: DbOrTx = db) {
    return tx
      .select({ startAt: usageSessions.startAt })
      .from(usageSessions)
      .where(and(eq(usageSessions.machineId, machineId), isNull(usageSessions.endAt)))
      .limit(1);
  }

  /**
   * Seconds of the member's counted bookings in the lab that fall inside [from, to). No booking
   * is longer than MAX_BOOKING_MINUTES (a check constraint), so the bookings running into the
   * window started at most that long before it: one bounded range of the (user, start) index,
   * whatever the member's history.
   */
  function bookedSecondsQuery(
    q: { userId: string; labId: string; from: Date; to: Date; excludeId?: string },
    tx: DbOrTx = db,
  ) {
    const conditions: SQL[] = [
      eq(bookings.userId, q.userId),
      eq(bookings.labId, q.labId),
      inArray(bookings.status, [...QUOTA_COUNTED_STATUSES]),
      lt(bookings.startAt, q.to),
      gte(bookings.startAt, new Date(q.from.getTime() - MAX_BOOKING_MINUTES * 60_000)),
      gt(bookings.endAt, q.from),
    ];
    if (q.excludeId) conditions.push(ne(bookings.id, q.excludeId));
    return tx
      .select({
        seconds:
          sql<number>`coalesce(sum(extract(epoch from (least(${bookings.endAt}, ${q.to.toISOString()}::timestamptz) - greatest(${bookings.startAt}, ${q.from.toISOString()}::timestamptz)))), 0)`.mapWith(
            Number,
          ),
      })
      .from(bookings)
      .where(and(...conditions));
  }

  return {
    /**
     * The machine, locked FOR NO KEY UPDATE until the transaction ends, before anything else a
     * slot-holding write locks: the one lock order is machines (by id), then the member, then
     * bookings, then the exclusion index. Writes that hold slots on one machine so take turns.
     * Under a shared lock two of them could each insert a colliding booking and then wait for the
     * other's in the exclusion index: a deadlock, and the wider a machine's buffer, the more
     * neighbouring slots collide. Foreign keys to the machine (FOR KEY SHARE) do not wait for it.
     */
    async lockMachine(machineId: string, tx: DbOrTx = db): Promise<MachineRow | undefined> {
      const [row] = await tx.select().from(machines).where(eq(machines.id, machineId)).for('no key update');
      return row;
    },

    async findMachine(machineId: string, tx: DbOrTx = db): Promise<MachineRow | undefined> {
      const [row] = await tx.select().from(machines).where(eq(machines.id, machineId));
      return row;
    },

    async findMachines(machineIds: string[], tx: DbOrTx = db): Promise<MachineRow[]> {
      if (machineIds.length === 0) return [];
      return tx.select().from(machines).where(inArray(machines.id, machineIds));
    },

    async machinesOfLab(labId: string, tx: DbOrTx = db): Promise<MachineRow[]> {
      return tx
        .select()
        .from(machines)
        .where(and(eq(machines.labId, labId), ne(machines.status, 'retired')))
        .orderBy(asc(machines.type), asc(machines.name));
    },

    async findLab(labId: string, tx: DbOrTx = db): Promise<LabRow | undefined> {
      const [row] = await tx.select().from(labs).where(eq(labs.id, labId));
      return row;
    },

    /** The lab and its closures in one round trip: every booking's rules need both. */
    async findLabWithClosures(
      labId: string,
      tx: DbOrTx = db,
    ): Promise<{ lab: LabRow; closures: Array<{ from: string; to: string }> } | undefined> {
      const [row] = await tx
        .select({
          lab: labs,
          closures: sql<Array<{ from: string; to: string }>>`coalesce((
            select json_agg(json_build_object('from', to_char(${closures.fromDate}, 'YYYY-MM-DD'), 'to', to_char(${closures.toDate}, 'YYYY-MM-DD')))
            from ${closures} where ${closures.labId} = ${labId}), '[]'::json)`,
        })
        .from(labs)
        .where(eq(labs.id, labId));
      return row;
    },

    /** A member's role, the labs they manage, and whether the account is usable (not disabled or deleted). */
    async findMember(
      userId: string,
      tx: DbOrTx = db,
    ): Promise<
      | { id: string; role: string; managedLabIds: string[]; active: boolean; under16: boolean; guardianConsentAt: Date | null }
      | undefined
    > {
      const [row] = await tx
        .select({
          id: users.id,
          role: users.role,
          disabled: users.disabled,
          deletedAt: users.deletedAt,
          under16: users.under16,
          guardianConsentAt: users.guardianConsentAt,
        })
        .from(users)
        .where(eq(users.id, userId));
      if (!row) return undefined;
      const managed =
        row.role === 'manager'
          ? await tx.select({ labId: labManagers.labId }).from(labManagers).where(eq(labManagers.userId, userId))
          : [];
      return {
        id: row.id,
        role: row.role,
        managedLabIds: managed.map((m) => m.labId),
        active: !row.disabled && !row.deletedAt,
        under16: row.under16,
        guardianConsentAt: row.guardianConsentAt,
      };
    },

    /**
     * Locks the member's row until the transaction ends, so that two bookings by one member are
     * counted against the weekly quota one after the other. NO KEY UPDATE does not block the
     * foreign-key checks of other transactions that merely refer to the member.
     */
    async lockMember(userId: string, tx: DbOrTx = db): Promise<void> {
      await tx.select({ id: users.id }).from(users).where(eq(users.id, userId)).for('no key update');
    },

    bookedSecondsQuery,

    async bookedSecondsBetween(
      q: { userId: string; labId: string; from: Date; to: Date; excludeId?: string },
      tx: DbOrTx = db,
    ): Promise<number> {
      const [row] = await bookedSecondsQuery(q, tx);
      return row?.seconds ?? 0;
    },

    async maintenanceOverlaps(machineId: string, from: Date, to: Date, tx: DbOrTx = db): Promise<boolean> {
      const [row] = await tx
        .select({ id: maintenanceWindows.id })
        .from(maintenanceWindows)
        .where(
          and(
            eq(maintenanceWindows.machineId, machineId),
            lt(maintenanceWindows.startAt, to),
            gt(maintenanceWindows.endAt, from),
          ),
        )
        .limit(1);
      return row !== undefined;
    },

    openSessionStartQuery,

    /** The start of the machine's open usage session (someone at it now, no end yet), if there is one. */
    async openSessionStart(machineId: string, tx: DbOrTx = db): Promise<Date | undefined> {
      const [row] = await openSessionStartQuery(machineId, tx);
      return row?.startAt;
    },

    /** Open usage sessions of these machines. */
    async openSessions(machineIds: string[], tx: DbOrTx = db): Promise<Array<{ machineId: string; startAt: Date }>> {
      if (machineIds.length === 0) return [];
      return tx
        .select({ machineId: usageSessions.machineId, startAt: usageSessions.startAt })
        .from(usageSessions)
        .where(and(inArray(usageSessions.machineId, machineIds), isNull(usageSessions.endAt)));
    },

    async insertBooking(values: NewBookingRow, tx: DbOrTx = db): Promise<BookingRow> {
      const [row] = await tx.insert(bookings).values(values).returning();
      return row as BookingRow;
    },

    async updateBooking(id: string, values: Partial<NewBookingRow>, tx: DbOrTx = db): Promise<BookingRow> {
      const [row] = await tx.update(bookings).set(values).where(eq(bookings.id, id)).returning();
      return row as BookingRow;
    },

    async updateBookings(ids: string[], values: Partial<NewBookingRow>, tx: DbOrTx = db): Promise<BookingRow[]> {
      if (ids.length === 0) return [];
      return tx.update(bookings).set(values).where(inArray(bookings.id, ids)).returning();
    },

    async machineNames(machineIds: string[], tx: DbOrTx = db): Promise<Map<string, string>> {
      if (machineIds.length === 0) return new Map();
      const rows = await tx
        .select({ id: machines.id, name: machines.name })
        .from(machines)
        .where(inArray(machines.id, machineIds));
      return new Map(rows.map((r) => [r.id, r.name]));
    },

    async findBooking(id: string, tx: DbOrTx = db): Promise<BookingRow | undefined> {
      const [row] = await tx.select().from(bookings).where(eq(bookings.id, id));
      return row;
    },

    /** The booking locked FOR UPDATE: state transitions of one booking happen one after the other. */
    async lockBooking(id: string, tx: DbOrTx = db): Promise<BookingRow | undefined> {
      const [row] = await tx.select().from(bookings).where(eq(bookings.id, id)).for('update');
      return row;
    },

    async ownerOf(
      userId: string | null,
      tx: DbOrTx = db,
    ): Promise<{ userName: string | null; userEmail: string | null }> {
      if (!userId) return { userName: null, userEmail: null };
      const [row] = await tx
        .select({ userName: users.fullName, userEmail: users.email })
        .from(users)
        .where(eq(users.id, userId));
      return row ?? { userName: null, userEmail: null };
    },

    async findWithOwner(id: string, tx: DbOrTx = db): Promise<BookingWithOwner | undefined> {
      const [row] = await tx
        .select(withOwner)
        .from(bookings)
        .leftJoin(users, eq(users.id, bookings.userId))
        .where(eq(bookings.id, id));
      return row;
    },

    async list(
      scope: BookingScope,
      filter: BookingFilter,
      page: { limit: number; offset: number },
      tx: DbOrTx = db,
    ): Promise<{ rows: BookingWithOwner[]; total: number }> {
      const conditions: SQL[] = [];
      if (!scope.all) {
        const visible: SQL[] = [];
        if (scope.ownerId) visible.push(eq(bookings.userId, scope.ownerId));
        if (scope.labIds?.length) visible.push(inArray(bookings.labId, scope.labIds));
        conditions.push(visible.length ? (or(...visible) as SQL) : sql`false`);
      }
      if (filter.labId) conditions.push(eq(bookings.labId, filter.labId));
      if (filter.machineId) conditions.push(eq(bookings.machineId, filter.machineId));
      if (filter.userId) conditions.push(eq(bookings.userId, filter.userId));
      if (filter.from) conditions.push(gt(bookings.endAt, filter.from));
      if (filter.to) conditions.push(lt(bookings.startAt, filter.to));
      if (filter.statuses?.length) conditions.push(inArray(bookings.status, filter.statuses));
      const where = conditions.length ? and(...conditions) : undefined;
      const [rows, [totalRow]] = await Promise.all([
        tx
          .select(withOwner)
          .from(bookings)
          .leftJoin(users, eq(users.id, bookings.userId))
          .where(where)
          .orderBy(asc(bookings.startAt), asc(bookings.id))
          .limit(page.limit)
          .offset(page.offset),
        tx.select({ n: count() }).from(bookings).where(where),
      ]);
      return { rows, total: totalRow?.n ?? 0 };
    },

    /** Pending bookings whose start has come, turned into expired ones. */
    async expirePending(now: Date, tx: DbOrTx = db): Promise<BookingRow[]> {
      return tx
        .update(bookings)
        .set({ status: 'expired', updatedAt: now })
        .where(and(eq(bookings.status, 'pending'), lte(bookings.startAt, now)))
        .returning();
    },

    /** Slot-holding bookings of the machines whose occupied time meets [from, to). */
    async occupiedBetween(
      machineIds: string[],
      from: Date,
      to: Date,
      tx: DbOrTx = db,
    ): Promise<Array<{ machineId: string; startAt: Date; occupiedUntil: Date }>> {
      if (machineIds.length === 0) return [];
      return tx
        .select({ machineId: bookings.machineId, startAt: bookings.startAt, occupiedUntil: bookings.occupiedUntil })
        .from(bookings)
        .where(
          and(
            inArray(bookings.machineId, machineIds),
            inArray(bookings.status, slotHolding),
            lt(bookings.startAt, to),
            gt(bookings.occupiedUntil, from),
          ),
        )
        .orderBy(asc(bookings.startAt));
    },

    async maintenanceBetween(
      machineIds: string[],
      from: Date,
      to: Date,
      tx: DbOrTx = db,
    ): Promise<Array<{ machineId: string; startAt: Date; endAt: Date }>> {
      if (machineIds.length === 0) return [];
      return tx
        .select({
          machineId: maintenanceWindows.machineId,
          startAt: maintenanceWindows.startAt,
          endAt: maintenanceWindows.endAt,
        })
        .from(maintenanceWindows)
        .where(
          and(
            inArray(maintenanceWindows.machineId, machineIds),
            lt(maintenanceWindows.startAt, to),
            gt(maintenanceWindows.endAt, from),
          ),
        )
        .orderBy(asc(maintenanceWindows.startAt));
    },

    async insertClassSession(values: typeof classSessions.$inferInsert, tx: DbOrTx = db): Promise<string> {
      const [row] = await tx.insert(classSessions).values(values).returning({ id: classSessions.id });
      return row!.id;
    },

    async insertSeries(values: typeof bookingSeries.$inferInsert, tx: DbOrTx = db): Promise<string> {
      const [row] = await tx.insert(bookingSeries).values(values).returning({ id: bookingSeries.id });
      return row!.id;
    },

    async findSeries(seriesId: string, tx: DbOrTx = db): Promise<SeriesRow | undefined> {
      const [row] = await tx.select().from(bookingSeries).where(eq(bookingSeries.id, seriesId));
      return row;
    },

    /** The series' bookings that still hold their slot and start at or after `from`, locked. */
    async lockSeriesOccurrences(seriesId: string, from: Date, tx: DbOrTx = db): Promise<BookingRow[]> {
      return tx
        .select()
        .from(bookings)
        .where(
          and(
            eq(bookings.seriesId, seriesId),
            inArray(bookings.status, [...CANCELLABLE_STATUSES]),
            gte(bookings.startAt, from),
          ),
        )
        .orderBy(asc(bookings.startAt), asc(bookings.id))
        .for('update');
    },
  };
}

export type BookingRepository = ReturnType<typeof createBookingRepository>;

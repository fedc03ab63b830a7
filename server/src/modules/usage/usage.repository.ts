import { DEFAULT_LAB_SETTINGS, type RecordedMaterial } from '@fablab/shared';
import { and, asc, desc, eq, gt, inArray, isNull, lt, lte, or, sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { pagedQuery, type Page, type Paged } from '../../db/paging.js';
import { bookings, devices, incidents, labs, machines, maintenanceWindows, materials, usageMaterials, usageSessions, users } from '../../db/schema/index.js';

export type UsageRow = typeof usageSessions.$inferSelect;
export type NewUsageRow = typeof usageSessions.$inferInsert;
export type IncidentRow = typeof incidents.$inferSelect;
export type NewIncidentRow = typeof incidents.$inferInsert;
export type BookingRow = typeof bookings.$inferSelect;
export type MachineRow = typeof machines.$inferSelect;
export type LabRow = typeof labs.$inferSelect;

/** What a member is recorded as on a session (a snapshot for statistics), and how they are named. */
export interface SessionMember {
  id: string;
  category: string;
  gender: string;
  fullName: string;
  email: string | null;
  deletedAt: Date | null;
  /** The guardian-consent rule's facts (policy's requireGuardianConsent). */
  under16: boolean;
  guardianConsentAt: Date | null;
}

/** What a list may show: every session, or the caller's own and those of the labs given. */
export interface UsageScope {
  all: boolean;
  ownerId?: string;
  labIds?: string[];
}

export interface UsageFilter {
  labId?: string;
  machineId?: string;
  userId?: string;
  /** An instant (ISO): sessions still running at or after it. */
  from?: string;
  to?: Date;
}

/** A session in use on a machine now, with the end of its booking and who uses it. */
export interface CurrentSession {
  machineId: string;
  endAt: Date | null;
  bookingEnd: Date | null;
  userName: string | null;
  guestName: string | null;
}

/** The noShowGraceMinutes of the booking's lab as an interval, in a query over bookings. */
const noShowGrace = sql`make_interval(mins => coalesce((select (${labs.settings} ->> 'noShowGraceMinutes')::int from ${labs} where ${labs.id} = ${bookings.labId}), ${DEFAULT_LAB_SETTINGS.noShowGraceMinutes}::int))`;

const at = (now: Date) => sql`${now.toISOString()}::timestamptz`;

/**
 * Someone else's session on the booking's machine during its check-in grace: the member could
 * not have started, so they are no no-show.
 */
const blockedBySession = sql`exists (select 1 from ${usageSessions} where ${usageSessions.machineId} = ${bookings.machineId}
  and ${usageSessions.bookingId} is distinct from ${bookings.id}
  and ${usageSessions.startAt} < ${bookings.startAt} + ${noShowGrace}
  and coalesce(${usageSessions.endAt}, 'infinity'::timestamptz) > ${bookings.startAt})`;

export function createUsageRepository(db: DbOrTx) {
  return {
    /**
     * The ids of approved bookings nobody checked in by their start plus the lab's grace, and that
     * no one else's session kept from the machine, locked FOR UPDATE SKIP LOCKED: a subquery for
     * the bookings' transitions.
     */
    noShowsDue(now: Date, tx: DbOrTx = db): SQL {
      return sql`${tx
        .select({ id: bookings.id })
        .from(bookings)
        .where(and(eq(bookings.status, 'approved'), sql`${bookings.startAt} + ${noShowGrace} <= ${at(now)}`, sql`not ${blockedBySession}`))
        .for('update', { skipLocked: true })}`;
    },

    /**
     * The ids of checked-in bookings whose end plus the lab's grace has passed, locked FOR UPDATE
     * SKIP LOCKED: a subquery for the bookings' transitions.
     */
    checkOutsDue(now: Date, tx: DbOrTx = db): SQL {
      return sql`${tx
        .select({ id: bookings.id })
        .from(bookings)
        .where(and(eq(bookings.status, 'checked_in'), sql`${bookings.endAt} + ${noShowGrace} <= ${at(now)}`))
        .for('update', { skipLocked: true })}`;
    },

    /** Closes the booking's open sessions by the system at `endAt` (or a second after their start). */
    async closeOpenSessionsOfBooking(bookingId: string, endAt: Date, tx: DbOrTx = db): Promise<void> {
      await tx
        .update(usageSessions)
        .set({
          endAt: sql`greatest(${endAt.toISOString()}::timestamptz, ${usageSessions.startAt} + interval '1 second')`,
          closedBySystem: true,
        })
        .where(and(eq(usageSessions.bookingId, bookingId), isNull(usageSessions.endAt)));
    },

    async findSession(id: string, tx: DbOrTx = db): Promise<UsageRow | undefined> {
      const [row] = await tx.select().from(usageSessions).where(eq(usageSessions.id, id));
      return row;
    },

    /** The booking with its machine and lab, which check-in and check-out decide by. */
    async findBookingWithMachineAndLab(
      bookingId: string,
      tx: DbOrTx = db,
    ): Promise<{ booking: BookingRow; machine: MachineRow; lab: LabRow } | undefined> {
      const [row] = await tx
        .select({ booking: bookings, machine: machines, lab: labs })
        .from(bookings)
        .innerJoin(machines, eq(machines.id, bookings.machineId))
        .innerJoin(labs, eq(labs.id, bookings.labId))
        .where(eq(bookings.id, bookingId));
      return row;
    },

    async findMember(userId: string, tx: DbOrTx = db): Promise<SessionMember | undefined> {
      const [row] = await tx
        .select({
          id: users.id,
          category: users.category,
          gender: users.gender,
          fullName: users.fullName,
          email: users.email,
          deletedAt: users.deletedAt,
          under16: users.under16,
          guardianConsentAt: users.guardianConsentAt,
        })
        .from(users)
        .where(eq(users.id, userId));
      return row;
    },

    /** Full names by user id. */
    async namesOf(userIds: string[], tx: DbOrTx = db): Promise<Map<string, string>> {
      const names = new Map<string, string>();
      if (userIds.length === 0) return names;
      const rows = await tx.select({ id: users.id, fullName: users.fullName }).from(users).where(inArray(users.id, [...new Set(userIds)]));
      for (const u of rows) names.set(u.id, u.fullName);
      return names;
    },

    /** The materials recorded on each session, by session id, named as their catalogue entries are now. */
    async materialsOf(sessionIds: string[], tx: DbOrTx = db): Promise<Map<string, RecordedMaterial[]>> {
      const map = new Map<string, RecordedMaterial[]>();
      if (sessionIds.length === 0) return map;
      const rows = await tx
        .select({
          usageSessionId: usageMaterials.usageSessionId,
          materialId: usageMaterials.materialId,
          material: sql<string>`coalesce(${materials.name}, ${usageMaterials.material})`,
          unit: sql<string>`coalesce(${materials.unit}, ${usageMaterials.unit})`,
          quantity: usageMaterials.quantity,
        })
        .from(usageMaterials)
        .leftJoin(materials, eq(materials.id, usageMaterials.materialId))
        .where(inArray(usageMaterials.usageSessionId, sessionIds))
        .orderBy(
          asc(sql`coalesce(${materials.name}, ${usageMaterials.material})`),
          asc(sql`coalesce(${materials.unit}, ${usageMaterials.unit})`),
          asc(usageMaterials.quantity),
          asc(usageMaterials.id),
        );
      for (const r of rows) {
        const list = map.get(r.usageSessionId) ?? [];
        list.push({ materialId: r.materialId, material: r.material, quantity: r.quantity, unit: r.unit });
        map.set(r.usageSessionId, list);
      }
      return map;
    },

    /** Rows of catalogue entries, keeping the entry's name and unit of now as the row's text. */
    async addMaterials(sessionId: string, rows: Array<RecordedMaterial & { materialId: string }>, tx: DbOrTx = db): Promise<void> {
      if (rows.length === 0) return;
      await tx.insert(usageMaterials).values(
        rows.map((m) => ({ usageSessionId: sessionId, materialId: m.materialId, material: m.material, unit: m.unit, quantity: m.quantity })),
      );
    },

    async insertSession(values: NewUsageRow, tx: DbOrTx = db): Promise<UsageRow> {
      const [row] = await tx.insert(usageSessions).values(values).returning();
      return row!;
    },

    async updateSession(id: string, values: Partial<NewUsageRow>, tx: DbOrTx = db): Promise<UsageRow | undefined> {
      const [row] = await tx.update(usageSessions).set(values).where(eq(usageSessions.id, id)).returning();
      return row;
    },

    /** Ends the session if it is still open; undefined when it had already ended. */
    async endOpenSession(id: string, values: Partial<NewUsageRow>, tx: DbOrTx = db): Promise<UsageRow | undefined> {
      const [row] = await tx
        .update(usageSessions)
        .set(values)
        .where(and(eq(usageSessions.id, id), isNull(usageSessions.endAt)))
        .returning();
      return row;
    },

    /** The machine's open session (whoever's) with its booking's end, locked for this transaction. */
    async lockOpenSessionOnMachine(machineId: string, tx: DbOrTx = db): Promise<{ session: UsageRow; bookingEnd: Date | null } | undefined> {
      const [row] = await tx
        .select({ session: usageSessions, bookingEnd: bookings.endAt })
        .from(usageSessions)
        .leftJoin(bookings, eq(bookings.id, usageSessions.bookingId))
        .where(and(eq(usageSessions.machineId, machineId), isNull(usageSessions.endAt)))
        .for('update', { of: usageSessions });
      return row;
    },

    /** The booking's latest open session, locked for this transaction. */
    async lockOpenSessionOfBooking(bookingId: string, tx: DbOrTx = db): Promise<UsageRow | undefined> {
      const [row] = await tx
        .select()
        .from(usageSessions)
        .where(and(eq(usageSessions.bookingId, bookingId), isNull(usageSessions.endAt)))
        .orderBy(desc(usageSessions.startAt))
        .limit(1)
        .for('update');
      return row;
    },

    /** The end of a session on the machine that began before `start` and ends after it, by `latestEnd`. */
    async endOfSessionRunningInto(machineId: string, start: Date, latestEnd: Date, tx: DbOrTx = db): Promise<Date | undefined> {
      const [row] = await tx
        .select({ endAt: usageSessions.endAt })
        .from(usageSessions)
        .where(
          and(
            eq(usageSessions.machineId, machineId),
            lt(usageSessions.startAt, start),
            gt(usageSessions.endAt, start),
            lte(usageSessions.endAt, latestEnd),
          ),
        )
        .limit(1);
      return row?.endAt ?? undefined;
    },

    /** Sessions newest first. */
    async listSessions(scope: UsageScope, filter: UsageFilter, page: Page, tx: DbOrTx = db): Promise<Paged<UsageRow>> {
      const where: SQL[] = [];
      if (filter.labId) where.push(eq(usageSessions.labId, filter.labId));
      if (filter.machineId) where.push(eq(usageSessions.machineId, filter.machineId));
      if (filter.userId) where.push(eq(usageSessions.userId, filter.userId));
      if (filter.from) where.push(sql`coalesce(${usageSessions.endAt}, 'infinity'::timestamptz) > ${filter.from}::timestamptz`);
      if (filter.to) where.push(lt(usageSessions.startAt, filter.to));
      if (!scope.all && scope.ownerId) {
        const mine = eq(usageSessions.userId, scope.ownerId);
        where.push(scope.labIds && scope.labIds.length > 0 ? or(mine, inArray(usageSessions.labId, scope.labIds))! : mine);
      }
      const condition = where.length > 0 ? and(...where) : undefined;
      return pagedQuery(
        tx,
        tx.select().from(usageSessions).where(condition).orderBy(desc(usageSessions.startAt), asc(usageSessions.id)),
        { table: usageSessions, where: condition },
        page,
      );
    },

    async insertIncident(values: NewIncidentRow, tx: DbOrTx = db): Promise<IncidentRow> {
      const [row] = await tx.insert(incidents).values(values).returning();
      return row!;
    },

    /** The lab's incidents newest first, with the reporter's name. */
    async listIncidents(labId: string, page: Page, tx: DbOrTx = db): Promise<Paged<{ incident: IncidentRow; reporter: string | null }>> {
      const condition = eq(incidents.labId, labId);
      return pagedQuery(
        tx,
        tx
          .select({ incident: incidents, reporter: users.fullName })
          .from(incidents)
          .leftJoin(users, eq(users.id, incidents.reportedBy))
          .where(condition)
          .orderBy(desc(incidents.createdAt), asc(incidents.id)),
        { table: incidents, where: condition },
        page,
      );
    },

    /** Every machine of the lab, retired ones too, by type and name. */
    async machinesOfLab(labId: string, tx: DbOrTx = db): Promise<MachineRow[]> {
      return tx.select().from(machines).where(eq(machines.labId, labId)).orderBy(asc(machines.type), asc(machines.name));
    },

    /** The lab's maintenance windows under way at `now`. */
    async maintenanceUnderWay(labId: string, now: Date, tx: DbOrTx = db): Promise<Array<{ machineId: string; endAt: Date }>> {
      return tx
        .select({ machineId: maintenanceWindows.machineId, endAt: maintenanceWindows.endAt })
        .from(maintenanceWindows)
        .where(and(eq(maintenanceWindows.labId, labId), lte(maintenanceWindows.startAt, now), gt(maintenanceWindows.endAt, now)));
    },

    /** The lab's sessions running at `now`. */
    async sessionsRunning(labId: string, now: Date, tx: DbOrTx = db): Promise<CurrentSession[]> {
      return tx
        .select({
          machineId: usageSessions.machineId,
          endAt: usageSessions.endAt,
          bookingEnd: bookings.endAt,
          userName: users.fullName,
          guestName: usageSessions.guestName,
        })
        .from(usageSessions)
        .leftJoin(bookings, eq(bookings.id, usageSessions.bookingId))
        .leftJoin(users, eq(users.id, usageSessions.userId))
        .where(and(eq(usageSessions.labId, labId), lte(usageSessions.startAt, now), or(isNull(usageSessions.endAt), gt(usageSessions.endAt, now))));
    },

    /** The last state each power switch of the lab reported. */
    async switchesOfLab(
      labId: string,
      tx: DbOrTx = db,
    ): Promise<Array<{ machineId: string; online: boolean | null; output: boolean | null; apower: number | null }>> {
      return tx
        .select({ machineId: devices.machineId, online: devices.online, output: devices.output, apower: devices.apower })
        .from(devices)
        .where(and(eq(devices.labId, labId), eq(devices.kind, 'switch')));
    },
  };
}

export type UsageRepository = ReturnType<typeof createUsageRepository>;

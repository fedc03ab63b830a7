// Real use of the machines: check-in and check-out of bookings, walk-ins recorded by a manager,
// incidents, and what each machine is doing right now.
import {
  labSettings,
  type BookingWithUsage,
  type CheckOutBody,
  type EndUsageBody,
  type Gender,
  type Incident,
  type IncidentBody,
  type LabStatus,
  type LiveMachineStatus,
  type MaterialUse,
  type MemberCategory,
  type Purpose,
  type UsageListQuery,
  type UsageSession,
  type WalkInBody,
} from '@fablab/shared';
import { and, asc, count, desc, eq, gt, inArray, isNull, lt, lte, or, sql, type SQL } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import type { DbOrTx, Tx } from '../../db/client.js';
import { bookings, devices, incidents, labs, machines, maintenanceWindows, usageMaterials, usageSessions, users } from '../../db/schema/index.js';
import { badRequest, conflict, forbidden, notFound, sqlState, unprocessable } from '../../lib/errors.js';
import { can, labManagerIds, managesLab, userManagesLab, type Actor } from '../../plugins/policy.js';
import { inTransaction } from '../../lib/transaction.js';
import type { Core } from '../../plugins/core.js';

export type UsageRow = typeof usageSessions.$inferSelect;
type IncidentRow = typeof incidents.$inferSelect;
type BookingRow = typeof bookings.$inferSelect;
type MachineRow = typeof machines.$inferSelect;
type LabRow = typeof labs.$inferSelect;

/** A session closed in the same instant it opened still lasts a moment (end_at > start_at). */
const MIN_SESSION_MS = 1000;

/**
 * A session records what happened, so it never ends after now (a minute's leeway for clocks): an end
 * in the future would hold the machine and count used hours that never were.
 */
function refuseFutureEnd(endAt: Date, now: Date) {
  if (endAt.getTime() > now.getTime() + 60_000) throw unprocessable('IN_THE_FUTURE', 'A usage session cannot end after now');
}

/** May this caller see who used the machine (Decree 13: the member, the lab's managers, admins)? */
const maySeeNames = (actor: Actor | undefined, row: { labId: string; userId: string | null }) => can(actor, 'person.see_name', row);

/** Measured hours to the second (4 decimals); null where no switch measured the session. */
function meterHours(secs: number | null): number | null {
  return secs === null ? null : Math.round(secs / 0.36) / 10_000;
}

export function toApiUsage(row: UsageRow, materials: MaterialUse[], names: { show: boolean; userName?: string | null }): UsageSession {
  const session: UsageSession = {
    id: row.id,
    machineId: row.machineId,
    labId: row.labId,
    bookingId: row.bookingId,
    userId: names.show ? row.userId : null,
    guest: row.userId === null && row.guestName !== null,
    category: row.category as MemberCategory,
    gender: row.gender as Gender,
    purpose: row.purpose as Purpose | null,
    start: row.startAt.toISOString(),
    end: row.endAt?.toISOString() ?? null,
    closedBySystem: row.closedBySystem,
    materials,
    createdAt: row.createdAt.toISOString(),
    poweredHours: meterHours(row.poweredSecs),
    runningHours: meterHours(row.runningSecs),
    energyKwh: row.energyWh === null ? null : Math.round(row.energyWh * 10) / 10_000,
  };
  // Notes are free text that may name people: only for those who may see names.
  if (names.show) {
    session.userName = row.guestName ?? names.userName ?? null;
    session.note = row.note;
  }
  return session;
}

async function materialsOf(db: DbOrTx, sessionIds: string[]): Promise<Map<string, MaterialUse[]>> {
  const map = new Map<string, MaterialUse[]>();
  if (sessionIds.length === 0) return map;
  const rows = await db
    .select()
    .from(usageMaterials)
    .where(inArray(usageMaterials.usageSessionId, sessionIds))
    .orderBy(asc(usageMaterials.material));
  for (const r of rows) {
    const list = map.get(r.usageSessionId) ?? [];
    list.push({ material: r.material, quantity: r.quantity, unit: r.unit });
    map.set(r.usageSessionId, list);
  }
  return map;
}

/** The API view of sessions as this caller may see them. */
export async function viewSessions(db: DbOrTx, rows: UsageRow[], actor: Actor | undefined): Promise<UsageSession[]> {
  const materials = await materialsOf(
    db,
    rows.map((r) => r.id),
  );
  const named = rows.filter((r) => r.userId && maySeeNames(actor, r)).map((r) => r.userId as string);
  const names = new Map<string, string>();
  if (named.length > 0) {
    const found = await db.select({ id: users.id, fullName: users.fullName }).from(users).where(inArray(users.id, [...new Set(named)]));
    for (const u of found) names.set(u.id, u.fullName);
  }
  return rows.map((r) =>
    toApiUsage(r, materials.get(r.id) ?? [], {
      show: maySeeNames(actor, r),
      userName: r.userId ? (names.get(r.userId) ?? null) : null,
    }),
  );
}

async function insertMaterials(tx: DbOrTx, sessionId: string, materials: MaterialUse[] | undefined): Promise<void> {
  if (!materials || materials.length === 0) return;
  await tx.insert(usageMaterials).values(
    materials.map((m) => ({ usageSessionId: sessionId, material: m.material.trim(), quantity: m.quantity, unit: m.unit.trim() })),
  );
}

function appendNote(current: string | null, extra: string | undefined): string | null {
  if (!extra) return current;
  return current ? `${current}\n${extra}` : extra;
}

/** Turns the database's refusal of overlapping sessions into USAGE_CONFLICT. */
async function refuseOverlap<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (sqlState(err) === '23P01') throw conflict('USAGE_CONFLICT', 'Overlaps another usage session on this machine');
    throw err;
  }
}

export type UsageService = ReturnType<typeof createUsageService>;

export interface UsageServiceDeps extends Core {
  bookings: FastifyInstance['bookings'];
  certifications: FastifyInstance['certifications'];
  labs: FastifyInstance['labs'];
  machines: FastifyInstance['machines'];
}

export function createUsageService(deps: UsageServiceDeps) {
  const { db, clock, labEvents, audit, notifier, bookings: bookingService } = deps;

  async function bookingContext(bookingId: string): Promise<{ booking: BookingRow; machine: MachineRow; lab: LabRow }> {
    const [row] = await db
      .select({ booking: bookings, machine: machines, lab: labs })
      .from(bookings)
      .innerJoin(machines, eq(machines.id, bookings.machineId))
      .innerJoin(labs, eq(labs.id, bookings.labId))
      .where(eq(bookings.id, bookingId));
    if (!row) throw notFound('Booking');
    return row;
  }

  /** The owner and the lab's managers act on a booking; others who may read it get 403, the rest 404. */
  function bookingRole(actor: Actor, booking: BookingRow): void {
    if (can(actor, 'booking.act', booking)) return;
    if (can(actor, 'booking.read', booking)) throw forbidden('Only the member or the lab’s managers may do this');
    throw notFound('Booking');
  }

  async function findSession(id: string): Promise<UsageRow> {
    const [row] = await db.select().from(usageSessions).where(eq(usageSessions.id, id));
    if (!row) throw notFound('Usage session');
    return row;
  }

  function mayReadSession(actor: Actor, row: UsageRow): boolean {
    return actor.role === 'department' || maySeeNames(actor, row);
  }

  async function ownerName(userId: string | null): Promise<{ fullName: string; email: string | null } | null> {
    if (!userId) return null;
    const [u] = await db.select({ fullName: users.fullName, email: users.email }).from(users).where(eq(users.id, userId));
    return u ?? null;
  }

  /**
   * The machine's open session of someone else, closed as the next booking's member checks in:
   * a session of a booking whose time is over (they forgot to check out), or a walk-in (which
   * holds the machine only until the next slot). Another booking's session still in its time is
   * a real conflict and stays (USAGE_CONFLICT).
   */
  async function closeOverrun(tx: Tx, booking: BookingRow, now: Date): Promise<void> {
    const [open] = await tx
      .select({ session: usageSessions, bookingEnd: bookings.endAt })
      .from(usageSessions)
      .leftJoin(bookings, eq(bookings.id, usageSessions.bookingId))
      .where(and(eq(usageSessions.machineId, booking.machineId), isNull(usageSessions.endAt)))
      .for('update', { of: usageSessions });
    if (!open || open.session.bookingId === booking.id) return;
    if (open.bookingEnd && open.bookingEnd > now) return;
    const endAt = new Date(Math.max(now.getTime(), open.session.startAt.getTime() + MIN_SESSION_MS));
    await tx.update(usageSessions).set({ endAt, closedBySystem: true }).where(eq(usageSessions.id, open.session.id));
    if (open.session.bookingId) {
      const previous = await bookingService.lock(open.session.bookingId, tx);
      if (previous?.status === 'checked_in') {
        await bookingService.transitions.checkOut(tx, null, previous, { usageSessionId: open.session.id, closedBySystem: true, closedFor: booking.id });
      }
    } else {
      await audit.write(tx, {
        actorId: null,
        action: 'usage.end',
        entityType: 'usage',
        entityId: open.session.id,
        labId: open.session.labId,
        details: { end: endAt.toISOString(), closedBySystem: true, closedFor: booking.id },
      });
    }
  }

  /**
   * Times are typed to the minute, sessions end to the second: the next visitor recorded at the
   * minute the previous session ended starts when it ended, not inside it.
   */
  async function afterPreviousSession(machineId: string, start: Date): Promise<Date> {
    const [previous] = await db
      .select({ endAt: usageSessions.endAt })
      .from(usageSessions)
      .where(
        and(
          eq(usageSessions.machineId, machineId),
          lt(usageSessions.startAt, start),
          gt(usageSessions.endAt, start),
          lte(usageSessions.endAt, new Date(start.getTime() + 60_000)),
        ),
      )
      .limit(1);
    return previous?.endAt ?? start;
  }

  return {
    async checkIn(actor: Actor, bookingId: string): Promise<BookingWithUsage> {
      const now = clock.now();
      const { booking, machine, lab } = await bookingContext(bookingId);
      bookingRole(actor, booking);
      if (booking.status !== 'approved' || !booking.userId) {
        throw conflict('INVALID_STATE', `A ${booking.status} booking cannot be checked in`);
      }
      const settings = labSettings(lab.settings);
      if (now >= booking.endAt) throw unprocessable('CHECK_IN_WINDOW', 'The booking has already ended');
      // The window holds for managers too: a session opened weeks early would hold the machine, and
      // show it in use, until the booking's day.
      const opensAt = new Date(booking.startAt.getTime() - settings.checkInEarlyMinutes * 60_000);
      if (now < opensAt) {
        throw unprocessable('CHECK_IN_WINDOW', `Check-in opens ${settings.checkInEarlyMinutes} minutes before the start`);
      }
      if (machine.status !== 'available') throw unprocessable('MACHINE_UNAVAILABLE', 'The machine is out of service');
      // The managers' exemption holds at check-in as it did at booking: a class or series a
      // manager booked (and holds) is checked in without a certification of the manager's own.
      if (machine.requiresCertification && !(await userManagesLab(db, booking.userId, booking.labId))) {
        const valid = await deps.certifications.hasValid(db, {
          userId: booking.userId,
          labId: booking.labId,
          machineType: machine.type,
          at: now,
          lapseMonths: settings.certificationLapseMonths,
        });
        if (!valid) throw forbidden('The member holds no valid certification for this machine type', 'CERTIFICATION_REQUIRED');
      }
      const [owner] = await db
        .select({ category: users.category, gender: users.gender, fullName: users.fullName, email: users.email })
        .from(users)
        .where(eq(users.id, booking.userId));
      if (!owner) throw conflict('INVALID_STATE', 'The booking’s member no longer exists');

      const { updated, session } = await refuseOverlap(() =>
        inTransaction(db, async (tx) => {
          await closeOverrun(tx, booking, now);
          const updated = await bookingService.transitions.checkIn(tx, actor.id, booking, {});
          const [session] = await tx
            .insert(usageSessions)
            .values({
              machineId: booking.machineId,
              labId: booking.labId,
              bookingId: booking.id,
              userId: booking.userId,
              category: owner.category,
              gender: owner.gender,
              purpose: booking.purpose,
              startAt: now,
              createdBy: actor.id,
              createdAt: now,
            })
            .returning();
          return { updated, session: session! };
        }),
      );
      return {
        ...bookingService.view(updated, owner ? { userName: owner.fullName, userEmail: owner.email } : undefined),
        usageSession: toApiUsage(session, [], { show: true, userName: owner.fullName }),
      };
    },

    async checkOut(actor: Actor, bookingId: string, body: CheckOutBody): Promise<BookingWithUsage> {
      const now = clock.now();
      const { booking } = await bookingContext(bookingId);
      bookingRole(actor, booking);
      if (booking.status !== 'checked_in') {
        throw conflict('INVALID_STATE', `A ${booking.status} booking cannot be checked out`);
      }
      const { updated, session } = await inTransaction(db, async (tx) => {
        const [open] = await tx
          .select()
          .from(usageSessions)
          .where(and(eq(usageSessions.bookingId, booking.id), isNull(usageSessions.endAt)))
          .orderBy(desc(usageSessions.startAt))
          .limit(1)
          .for('update');
        if (!open) throw conflict('INVALID_STATE', 'The booking has no open usage session');
        const endAt = new Date(Math.max(now.getTime(), open.startAt.getTime() + MIN_SESSION_MS));
        const [closed] = await tx
          .update(usageSessions)
          .set({ endAt, note: appendNote(open.note, body.note) })
          .where(eq(usageSessions.id, open.id))
          .returning();
        await insertMaterials(tx, open.id, body.materials);
        const updated = await bookingService.transitions.checkOut(tx, actor.id, booking, { usageSessionId: open.id, materials: body.materials ?? [] });
        return { updated, session: closed! };
      });
      const owner = await ownerName(updated.userId);
      const [view] = await viewSessions(db, [session], actor);
      return { ...bookingService.view(updated, owner ? { userName: owner.fullName, userEmail: owner.email } : undefined), usageSession: view! };
    },

    /** A walk-in (or any use without a booking) recorded by the lab's manager; past and after-hours use are fine. */
    async recordWalkIn(actor: Actor, body: WalkInBody): Promise<UsageSession> {
      const now = clock.now();
      const [machine] = await db.select().from(machines).where(eq(machines.id, body.machineId));
      if (!machine) throw notFound('Machine');
      if (!managesLab(actor, machine.labId)) throw forbidden('Only this lab’s managers may record walk-in use');
      if (body.userId && body.guest) throw badRequest('VALIDATION_ERROR', 'Give either userId or guest, not both');
      const startAt = await afterPreviousSession(machine.id, new Date(body.start));
      const endAt = body.end ? new Date(body.end) : null;
      if (endAt && endAt <= startAt) throw badRequest('VALIDATION_ERROR', 'end must be after start');
      // It records what happened: it may have started now, not later.
      if (startAt.getTime() > now.getTime() + 60_000) throw badRequest('VALIDATION_ERROR', 'A usage session cannot start in the future');
      if (endAt) refuseFutureEnd(endAt, now);

      let person: { userId: string | null; guestName: string | null; guestCategory: string | null; guestGender: string | null; category: string; gender: string };
      if (body.guest) {
        const gender = body.guest.gender ?? 'undisclosed';
        person = {
          userId: null,
          guestName: body.guest.name.trim(),
          guestCategory: body.guest.category,
          guestGender: gender,
          category: body.guest.category,
          gender,
        };
      } else {
        const userId = body.userId ?? actor.id;
        const [user] = await db
          .select({ id: users.id, category: users.category, gender: users.gender, deletedAt: users.deletedAt })
          .from(users)
          .where(eq(users.id, userId));
        if (!user || user.deletedAt) throw notFound('User');
        person = { userId: user.id, guestName: null, guestCategory: null, guestGender: null, category: user.category, gender: user.gender };
      }

      const session = await refuseOverlap(() =>
        inTransaction(db, async (tx) => {
          const [row] = await tx
            .insert(usageSessions)
            .values({
              machineId: machine.id,
              labId: machine.labId,
              ...person,
              purpose: body.purpose ?? null,
              startAt,
              endAt,
              note: body.note ?? null,
              createdBy: actor.id,
              createdAt: now,
            })
            .returning();
          await insertMaterials(tx, row!.id, body.materials);
          await audit.write(tx, {
            actorId: actor.id,
            action: 'usage.create',
            entityType: 'usage',
            entityId: row!.id,
            labId: machine.labId,
            details: { machineId: machine.id, start: body.start, end: body.end ?? null, guest: Boolean(body.guest) },
          });
          return row!;
        }),
      );
      labEvents.publish({ labId: machine.labId, kind: 'usage', machineIds: [machine.id] });
      const [view] = await viewSessions(db, [session], actor);
      return view!;
    },

    /**
     * A member starting a machine without a booking (its card or Start button): the session opens
     * now and stays open until they stop. Whether they may is the devices' decision, made before.
     */
    async openWalkIn(actor: Actor, machine: MachineRow): Promise<UsageRow> {
      const now = clock.now();
      const [user] = await db.select({ category: users.category, gender: users.gender }).from(users).where(eq(users.id, actor.id));
      if (!user) throw notFound('User');
      const session = await refuseOverlap(() =>
        inTransaction(db, async (tx) => {
          const [row] = await tx
            .insert(usageSessions)
            .values({
              machineId: machine.id,
              labId: machine.labId,
              userId: actor.id,
              category: user.category,
              gender: user.gender,
              startAt: now,
              createdBy: actor.id,
              createdAt: now,
            })
            .returning();
          await audit.write(tx, {
            actorId: actor.id,
            action: 'usage.create',
            entityType: 'usage',
            entityId: row!.id,
            labId: machine.labId,
            details: { machineId: machine.id, start: now.toISOString(), end: null, guest: false, atMachine: true },
          });
          return row!;
        }),
      );
      labEvents.publish({ labId: machine.labId, kind: 'usage', machineIds: [machine.id] });
      return session;
    },

    /** The member ends their own walk-in at the machine (or a manager ends it): now, with nothing added. */
    async endOwnSession(actor: Actor, sessionId: string): Promise<UsageRow> {
      const current = await findSession(sessionId);
      const isOwner = current.userId !== null && current.userId === actor.id;
      if (!isOwner && !managesLab(actor, current.labId)) {
        if (mayReadSession(actor, current)) throw forbidden('Only the member using it or the lab’s managers may stop the machine');
        throw notFound('Usage session');
      }
      if (current.bookingId) throw conflict('INVALID_STATE', 'A booking’s session ends by checking the booking out');
      const now = clock.now();
      const endAt = new Date(Math.max(now.getTime(), current.startAt.getTime() + MIN_SESSION_MS));
      const session = await inTransaction(db, async (tx) => {
        const [row] = await tx
          .update(usageSessions)
          .set({ endAt })
          .where(and(eq(usageSessions.id, sessionId), isNull(usageSessions.endAt)))
          .returning();
        if (!row) throw conflict('INVALID_STATE', 'The usage session has already ended');
        await audit.write(tx, {
          actorId: actor.id,
          action: 'usage.end',
          entityType: 'usage',
          entityId: row.id,
          labId: row.labId,
          details: { end: endAt.toISOString(), materials: [], atMachine: true },
        });
        return row;
      });
      labEvents.publish({ labId: session.labId, kind: 'usage', machineIds: [session.machineId] });
      return session;
    },

    /** Ends an open walk-in (a booking's session ends by check-out). */
    async endSession(actor: Actor, sessionId: string, body: EndUsageBody): Promise<UsageSession> {
      const now = clock.now();
      const current = await findSession(sessionId);
      if (!managesLab(actor, current.labId)) {
        if (mayReadSession(actor, current)) throw forbidden('Only this lab’s managers may end a usage session');
        throw notFound('Usage session');
      }
      if (current.bookingId) throw conflict('INVALID_STATE', 'A booking’s session ends by checking the booking out');
      if (current.endAt) throw conflict('INVALID_STATE', 'The usage session has already ended');
      const endAt = body.end ? new Date(body.end) : new Date(Math.max(now.getTime(), current.startAt.getTime() + MIN_SESSION_MS));
      if (endAt <= current.startAt) throw badRequest('VALIDATION_ERROR', 'end must be after the session’s start');
      if (body.end) refuseFutureEnd(endAt, now);
      const session = await inTransaction(db, async (tx) => {
        const [row] = await tx
          .update(usageSessions)
          .set({ endAt, note: appendNote(current.note, body.note) })
          .where(and(eq(usageSessions.id, sessionId), isNull(usageSessions.endAt)))
          .returning();
        if (!row) throw conflict('INVALID_STATE', 'The usage session has already ended');
        await insertMaterials(tx, row.id, body.materials);
        await audit.write(tx, {
          actorId: actor.id,
          action: 'usage.end',
          entityType: 'usage',
          entityId: row.id,
          labId: row.labId,
          details: { end: endAt.toISOString(), materials: body.materials ?? [] },
        });
        return row;
      });
      labEvents.publish({ labId: session.labId, kind: 'usage', machineIds: [session.machineId] });
      const [view] = await viewSessions(db, [session], actor);
      return view!;
    },

    async get(actor: Actor, sessionId: string): Promise<UsageSession> {
      const row = await findSession(sessionId);
      if (!mayReadSession(actor, row)) throw notFound('Usage session');
      const [view] = await viewSessions(db, [row], actor);
      return view!;
    },

    /**
     * Admins and department staff see every lab (department without names); a lab's managers see
     * their labs; everyone else sees only their own sessions.
     */
    async list(actor: Actor, q: UsageListQuery): Promise<{ items: UsageSession[]; total: number }> {
      const where: SQL[] = [];
      if (q.labId) where.push(eq(usageSessions.labId, q.labId));
      if (q.machineId) where.push(eq(usageSessions.machineId, q.machineId));
      if (q.userId) where.push(eq(usageSessions.userId, q.userId));
      if (q.from) where.push(sql`coalesce(${usageSessions.endAt}, 'infinity'::timestamptz) > ${q.from}::timestamptz`);
      if (q.to) where.push(lt(usageSessions.startAt, new Date(q.to)));
      if (actor.role === 'department' && q.userId) throw forbidden('Department staff see usage without personal data');
      if (actor.role !== 'admin' && actor.role !== 'department') {
        if (q.labId && !managesLab(actor, q.labId)) {
          if (q.userId && q.userId !== actor.id) throw forbidden('Only this lab’s managers may see others’ usage');
          where.push(eq(usageSessions.userId, actor.id));
        } else if (!q.labId) {
          const mine = eq(usageSessions.userId, actor.id);
          where.push(actor.managedLabIds.length > 0 && actor.role === 'manager' ? or(mine, inArray(usageSessions.labId, actor.managedLabIds))! : mine);
        }
      }
      const condition = where.length > 0 ? and(...where) : undefined;
      const [rows, [totalRow]] = await Promise.all([
        db
          .select()
          .from(usageSessions)
          .where(condition)
          .orderBy(desc(usageSessions.startAt), asc(usageSessions.id))
          .limit(q.limit ?? 50)
          .offset(q.offset ?? 0),
        db.select({ n: count() }).from(usageSessions).where(condition),
      ]);
      return { items: await viewSessions(db, rows, actor), total: Number(totalRow?.n ?? 0) };
    },

    async reportIncident(actor: Actor, sessionId: string, body: IncidentBody): Promise<Incident> {
      const session = await findSession(sessionId);
      const isOwner = session.userId !== null && session.userId === actor.id;
      if (!isOwner && !managesLab(actor, session.labId)) {
        if (mayReadSession(actor, session)) throw forbidden('Only the member or the lab’s managers may report an incident');
        throw notFound('Usage session');
      }
      const [machine] = await db.select().from(machines).where(eq(machines.id, session.machineId));
      // Only the lab's managers take a machine out of service; a member's request reaches them as such.
      const requested = Boolean(body.putOutOfService);
      const putOutOfService = requested && can(actor, 'lab.manage', session) && machine!.status === 'available';
      const incident = await inTransaction(db, async (tx) => {
        const [row] = await tx
          .insert(incidents)
          .values({
            usageSessionId: session.id,
            machineId: session.machineId,
            labId: session.labId,
            kind: body.kind,
            description: body.description,
            machineOutOfService: putOutOfService,
            reportedBy: actor.id,
            createdAt: clock.now(),
          })
          .returning();
        if (putOutOfService) await deps.machines.putOutOfService(tx, actor.id, machine!, { incidentId: row!.id });
        await audit.write(tx, {
          actorId: actor.id,
          action: 'usage.incident',
          entityType: 'usage',
          entityId: session.id,
          labId: session.labId,
          details: { incidentId: row!.id, kind: body.kind, putOutOfService },
        });
        const managers = await labManagerIds(tx, session.labId);
        await notifier.notify(
          tx,
          managers.map((userId) => ({
            userId,
            kind: 'incident_reported',
            data: {
              incidentId: row!.id,
              usageSessionId: session.id,
              machineId: session.machineId,
              machineName: machine!.name,
              labId: session.labId,
              kind: body.kind,
              putOutOfService,
              ...(requested && !putOutOfService ? { outOfServiceRequested: true } : {}),
              reportedBy: actor.id,
            },
          })),
        );
        return row!;
      });
      if (putOutOfService) labEvents.publish({ labId: session.labId, kind: 'machine', machineIds: [session.machineId] });
      return toApiIncident(incident, actor.fullName);
    },

    async listIncidents(actor: Actor, labId: string, page: { limit?: number; offset?: number }): Promise<{ items: Incident[]; total: number }> {
      await deps.labs.find(labId);
      if (!can(actor, 'lab.read_records', { labId })) throw forbidden('Only this lab’s managers may see its incidents');
      const condition = eq(incidents.labId, labId);
      const [rows, [totalRow]] = await Promise.all([
        db
          .select({ incident: incidents, reporter: users.fullName })
          .from(incidents)
          .leftJoin(users, eq(users.id, incidents.reportedBy))
          .where(condition)
          .orderBy(desc(incidents.createdAt), asc(incidents.id))
          .limit(page.limit ?? 50)
          .offset(page.offset ?? 0),
        db.select({ n: count() }).from(incidents).where(condition),
      ]);
      return {
        items: rows.map((r) =>
          toApiIncident(r.incident, r.reporter, maySeeNames(actor, { labId: r.incident.labId, userId: r.incident.reportedBy })),
        ),
        total: Number(totalRow?.n ?? 0),
      };
    },

    /** What each machine of the lab is doing now; who uses it only for the lab's managers and admins. */
    async labStatus(actor: Actor | undefined, labId: string): Promise<LabStatus> {
      const now = clock.now();
      const [lab] = await db.select({ id: labs.id }).from(labs).where(eq(labs.id, labId));
      if (!lab) throw notFound('Lab');
      const showNames = managesLab(actor, labId);
      const [machineRows, windows, sessions, switches] = await Promise.all([
        db.select().from(machines).where(eq(machines.labId, labId)).orderBy(asc(machines.type), asc(machines.name)),
        db
          .select({ machineId: maintenanceWindows.machineId, endAt: maintenanceWindows.endAt })
          .from(maintenanceWindows)
          .where(and(eq(maintenanceWindows.labId, labId), lte(maintenanceWindows.startAt, now), gt(maintenanceWindows.endAt, now))),
        db
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
          .where(
            and(
              eq(usageSessions.labId, labId),
              lte(usageSessions.startAt, now),
              or(isNull(usageSessions.endAt), gt(usageSessions.endAt, now)),
            ),
          ),
        db
          .select({ machineId: devices.machineId, online: devices.online, output: devices.output, apower: devices.apower })
          .from(devices)
          .where(and(eq(devices.labId, labId), eq(devices.kind, 'switch'))),
      ]);
      // A machine with a power switch shows it: reachable or not, on or off, and its draw.
      const powerOf = new Map(switches.map((d) => [d.machineId, { online: d.online ?? false, output: d.output, apower: d.apower }]));
      const maintenanceUntil = new Map<string, Date>();
      for (const w of windows) {
        const prev = maintenanceUntil.get(w.machineId);
        if (!prev || w.endAt > prev) maintenanceUntil.set(w.machineId, w.endAt);
      }
      const sessionOf = new Map(sessions.map((s) => [s.machineId, s]));
      return {
        machines: machineRows.map((m): LiveMachineStatus => {
          if (m.status !== 'available') return { machineId: m.id, state: 'out_of_service', until: null };
          const mUntil = maintenanceUntil.get(m.id);
          if (mUntil) return { machineId: m.id, state: 'maintenance', until: mUntil.toISOString() };
          const s = sessionOf.get(m.id);
          if (s) {
            // A booking's session runs until the booking ends; an open walk-in has no known end.
            const until = s.bookingEnd ?? s.endAt;
            const status: LiveMachineStatus = { machineId: m.id, state: 'in_use', until: until?.toISOString() ?? null };
            if (showNames) status.userName = s.guestName ?? s.userName ?? null;
            return status;
          }
          return { machineId: m.id, state: 'free', until: null };
        }).map((status) => {
          const power = powerOf.get(status.machineId);
          return power ? { ...status, power } : status;
        }),
      };
    },
  };
}

/** Without `showNames` (department staff), who reported it is left out, as in toApiUsage. */
function toApiIncident(row: IncidentRow, reporterName: string | null, showNames = true): Incident {
  const incident: Incident = {
    id: row.id,
    usageSessionId: row.usageSessionId,
    machineId: row.machineId,
    labId: row.labId,
    kind: row.kind as Incident['kind'],
    description: row.description,
    machineOutOfService: row.machineOutOfService,
    reportedBy: showNames ? row.reportedBy : null,
    createdAt: row.createdAt.toISOString(),
  };
  if (showNames) incident.reportedByName = reporterName;
  return incident;
}

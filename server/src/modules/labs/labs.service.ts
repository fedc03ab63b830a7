// Labs, their opening hours and closures. A new closure and opening hours that leave bookings
// outside the lab's open time cancel those bookings (the bookings module's transitions), and every
// change raises the lab's version in the database, which bookings check (booking-core.ts).
import {
  addDays,
  labSettings,
  localInstant,
  WEEKDAYS,
  isValidTimezone,
  type CancelledBookings,
  type Closure,
  type ClosureBody,
  type ClosureCreated,
  type Lab,
  type LabBody,
  type LabPatchBody,
  type LabUpdated,
  type OpeningHours,
} from '@fablab/shared';
import { and, asc, eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import type { DbOrTx, Tx } from '../../db/client.js';
import type { Core } from '../../plugins/core.js';
import { closures, labs } from '../../db/schema/index.js';
import { badRequest, conflict, forbidden, notFound, sqlState } from '../../lib/errors.js';
import { SYSTEM_REASONS } from '../../lib/system-reasons.js';
import { inTransaction } from '../../lib/transaction.js';
import { can, requireLabManager, type Actor } from '../../plugins/policy.js';

export type LabRow = typeof labs.$inferSelect;
// The bookings service's own types, through the app it is decorated on (no import of its files).
type BookingsService = FastifyInstance['bookings'];
type CancelSelection = Parameters<BookingsService['transitions']['colliding']>[1];
type BookingRow = Parameters<BookingsService['view']>[0];
export type ClosureRow = typeof closures.$inferSelect;

export function toApiLab(row: LabRow): Lab {
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    nameVi: row.nameVi,
    host: row.host,
    timezone: row.timezone,
    openingHours: row.openingHours,
    settings: labSettings(row.settings),
  };
}

export function toApiClosure(row: ClosureRow): Closure {
  return { id: row.id, labId: row.labId, from: row.fromDate, to: row.toDate, reason: row.reason };
}

function checkOpeningHours(hours: OpeningHours): void {
  for (const day of WEEKDAYS) {
    const periods = [...hours[day]].sort((a, b) => a[0].localeCompare(b[0]));
    let lastEnd = '00:00';
    for (const [from, to] of periods) {
      if (to <= from) throw badRequest('VALIDATION_ERROR', `Opening hours on ${day}: ${from}–${to} ends before it starts`);
      if (from < lastEnd) throw badRequest('VALIDATION_ERROR', `Opening hours on ${day} overlap`);
      lastEnd = to;
    }
  }
}

async function findLab(db: DbOrTx, labId: string): Promise<LabRow> {
  const [row] = await db.select().from(labs).where(eq(labs.id, labId));
  if (!row) throw notFound('Lab');
  return row;
}

async function labClosures(db: DbOrTx, labId: string): Promise<ClosureRow[]> {
  return db.select().from(closures).where(eq(closures.labId, labId)).orderBy(asc(closures.fromDate));
}

/** What identifies a lab to other systems (policy 'lab.edit_identity': admins only). */
const IDENTITY_FIELDS = ['slug', 'name', 'nameVi', 'host', 'timezone'] as const;

type OpenTimeOf = Pick<LabRow, 'openingHours' | 'timezone'>;
type ClosedDays = Array<{ from: string; to: string }>;

const closedDays = (rows: ClosureRow[]): ClosedDays => rows.map((c) => ({ from: c.fromDate, to: c.toDate }));

/**
 * The future slot-holding bookings of the lab that its open time (hours less closures) refuses:
 * the same rule a new booking is checked against (booking-rules' openingHoursRefusal). `near`
 * narrows the search to the instants a closure covers.
 */
function outsideOpenTime(labId: string, lab: OpenTimeOf, closed: ClosedDays, now: Date, near?: { from: Date; to: Date }): CancelSelection {
  return {
    labId,
    startingAfter: now,
    ...(near ? { overlapping: [near] } : {}),
    refusedBy: { openingHours: lab.openingHours, closures: closed, zone: lab.timezone },
  };
}

/** The instants of a closure's local days: from its first local midnight to the one after its last day. */
function closedSpan(body: { from: string; to: string }, zone: string): { from: Date; to: Date } {
  return { from: localInstant(body.from, 0, zone), to: localInstant(addDays(body.to, 1), 0, zone) };
}

export interface LabServiceDeps extends Core {
  bookings: FastifyInstance['bookings'];
}

export function createLabService(deps: LabServiceDeps) {
  const { db, clock, labEvents, audit } = deps;
  const transitions = deps.bookings.transitions;

  function checkBody(body: LabPatchBody): void {
    if (body.timezone !== undefined && !isValidTimezone(body.timezone)) {
      throw badRequest('VALIDATION_ERROR', `Unknown time zone "${body.timezone}"`);
    }
    if (body.openingHours) checkOpeningHours(body.openingHours);
  }

  async function withSlugCheck<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (sqlState(err) === '23505') throw conflict('SLUG_TAKEN', 'Another lab has this slug');
      throw err;
    }
  }

  /** The bookings a change cancels, as the lab's manager (or an admin) who made it sees them. */
  const viewBookings = (rows: BookingRow[]) => deps.bookings.viewWithOwners(rows);

  /**
   * A change that cancels bookings. It locks the bookings it expects to cancel before the lab's row
   * (a member cancelling or moving a booking holds it, then reads the lab), and picks them again
   * once it holds the row; should a booking changed in between still close a lock cycle, PostgreSQL
   * aborts one side (40P01) and this side runs again.
   */
  async function changeTransaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await inTransaction(db, fn);
      } catch (err) {
        if (sqlState(err) === '40P01' && attempt < 3) continue;
        throw err;
      }
    }
  }

  return {
    /** The lab's row, or 404. */
    find: (labId: string, tx: DbOrTx = db) => findLab(tx, labId),

    async list(): Promise<Lab[]> {
      const rows = await db.select().from(labs).orderBy(asc(labs.name));
      return rows.map(toApiLab);
    },

    async get(labId: string) {
      const row = await findLab(db, labId);
      return { ...toApiLab(row), closures: (await labClosures(db, labId)).map(toApiClosure) };
    },

    async create(actorId: string, body: LabBody): Promise<Lab> {
      checkBody(body);
      return withSlugCheck(() =>
        db.transaction(async (tx) => {
          const [row] = await tx
            .insert(labs)
            .values({ ...body, settings: labSettings(body.settings) })
            .returning();
          const lab = row as LabRow;
          await audit.write(tx, { actorId, action: 'lab.create', entityType: 'lab', entityId: lab.id, labId: lab.id, details: { slug: lab.slug } });
          return toApiLab(lab);
        }),
      );
    },

    /**
     * Changes a lab: its managers may change its opening hours and settings, admins everything.
     * New opening hours (or a new time zone) cancel the future bookings they leave outside the
     * lab's open time, with the owners told; a dry run lists them and changes nothing.
     */
    async update(actor: Actor, labId: string, body: LabPatchBody, opts: { dryRun?: boolean } = {}): Promise<LabUpdated | CancelledBookings> {
      const current = await findLab(db, labId);
      requireLabManager(actor, labId);
      const identity = IDENTITY_FIELDS.filter((field) => body[field] !== undefined);
      if (identity.length > 0 && !can(actor, 'lab.edit_identity', { labId })) {
        throw forbidden(`Only administrators may change a lab’s ${identity.join(', ')}; its managers change opening hours and settings`);
      }
      checkBody(body);
      const now = clock.now();
      const next = (lab: LabRow): OpenTimeOf => ({ openingHours: body.openingHours ?? lab.openingHours, timezone: body.timezone ?? lab.timezone });
      const movesOpenTime = body.openingHours !== undefined || (body.timezone !== undefined && body.timezone !== current.timezone);
      if (opts.dryRun) {
        if (!movesOpenTime) return { cancelledBookings: [] };
        const rows = await transitions.colliding(db, outsideOpenTime(labId, next(current), closedDays(await labClosures(db, labId)), now), { lock: false });
        return { cancelledBookings: await viewBookings(rows) };
      }

      const { lab, cancelled } = await withSlugCheck(() =>
        changeTransaction(async (tx) => {
          if (movesOpenTime) {
            await transitions.colliding(tx, outsideOpenTime(labId, next(current), closedDays(await labClosures(tx, labId)), now), { lock: true });
          }
          // Held until the commit: bookings being checked against the old rules finish first (and
          // are judged below), later ones wait and read the new rules (the update raises the
          // version, migration 0008). Settings merge into the row as it is now.
          const [locked] = await tx.select().from(labs).where(eq(labs.id, labId)).for('no key update');
          if (!locked) throw notFound('Lab');
          const { settings, ...rest } = body;
          const [row] = await tx
            .update(labs)
            .set({ ...rest, ...(settings ? { settings: labSettings(locked.settings, settings) } : {}) })
            .where(eq(labs.id, labId))
            .returning();
          const lab = row as LabRow;
          const cancelled = movesOpenTime
            ? await transitions.cancelSelected(tx, outsideOpenTime(labId, lab, closedDays(await labClosures(tx, labId)), now), {
                by: actor.id,
                reason: SYSTEM_REASONS.openingHoursChanged,
                cause: 'opening_hours',
              })
            : [];
          await audit.write(tx, {
            actorId: actor.id,
            action: 'lab.update',
            entityType: 'lab',
            entityId: labId,
            labId,
            details: { fields: Object.keys(body), ...(movesOpenTime ? { cancelledBookings: cancelled.map((b) => b.id) } : {}) },
          });
          return { lab, cancelled };
        }),
      );
      // Opening hours, time zone and settings shape every calendar of the lab.
      labEvents.publish({ labId, kind: 'lab' });
      return { ...toApiLab(lab), cancelledBookings: await viewBookings(cancelled) };
    },

    /**
     * Closes the lab on some local dates. The future pending and approved bookings that the lab's
     * open time, with the closure, now refuses are cancelled with its reason and their owners told:
     * those that overlap its days (in the lab's time zone), but not a machine's buffer (cooling
     * after a booking may run past any closing time) nor an unattended machine's run that started
     * while the lab was open (both as a new booking would be judged). A dry run lists them.
     */
    async addClosure(actor: Actor, labId: string, body: ClosureBody, opts: { dryRun?: boolean } = {}): Promise<ClosureCreated | CancelledBookings> {
      const current = await findLab(db, labId);
      requireLabManager(actor, labId);
      if (body.to < body.from) throw badRequest('VALIDATION_ERROR', '`to` is before `from`');
      const reason = body.reason.trim();
      if (!reason) throw badRequest('VALIDATION_ERROR', 'A reason is required');
      const now = clock.now();
      const withThis = async (tx: DbOrTx) => [...closedDays(await labClosures(tx, labId)), { from: body.from, to: body.to }];
      if (opts.dryRun) {
        const rows = await transitions.colliding(db, outsideOpenTime(labId, current, await withThis(db), now, closedSpan(body, current.timezone)), { lock: false });
        return { cancelledBookings: await viewBookings(rows) };
      }

      const { closure, cancelled } = await changeTransaction(async (tx) => {
        await transitions.colliding(tx, outsideOpenTime(labId, current, await withThis(tx), now, closedSpan(body, current.timezone)), { lock: true });
        // The insert raises the lab's version under the lab's row lock, held until the commit
        // (migration 0008): a booking for these days being checked now commits first and is
        // cancelled below, or waits and is refused.
        const [inserted] = await tx.insert(closures).values({ labId, fromDate: body.from, toDate: body.to, reason }).returning();
        const closure = inserted as ClosureRow;
        const lab = await findLab(tx, labId);
        const cancelled = await transitions.cancelSelected(
          tx,
          outsideOpenTime(labId, lab, closedDays(await labClosures(tx, labId)), now, closedSpan(body, lab.timezone)),
          { by: actor.id, reason, cause: 'closure', details: { closureId: closure.id } },
        );
        await audit.write(tx, {
          actorId: actor.id,
          action: 'closure.create',
          entityType: 'closure',
          entityId: closure.id,
          labId,
          details: { ...body, reason, cancelledBookings: cancelled.map((b) => b.id) },
        });
        return { closure, cancelled };
      });
      labEvents.publish({ labId, kind: 'closure' });
      return { ...toApiClosure(closure), cancelledBookings: await viewBookings(cancelled) };
    },

    /** Opens the days again; bookings the closure cancelled stay cancelled. */
    async removeClosure(actor: Actor, labId: string, closureId: string): Promise<void> {
      await findLab(db, labId);
      requireLabManager(actor, labId);
      await db.transaction(async (tx) => {
        const removed = await tx
          .delete(closures)
          .where(and(eq(closures.id, closureId), eq(closures.labId, labId)))
          .returning();
        if (removed.length === 0) throw notFound('Closure');
        await audit.write(tx, { actorId: actor.id, action: 'closure.delete', entityType: 'closure', entityId: closureId, labId });
      });
      labEvents.publish({ labId, kind: 'closure' });
    },
  };
}

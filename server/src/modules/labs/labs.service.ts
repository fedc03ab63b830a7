import {
  labSettings,
  WEEKDAYS,
  isValidTimezone,
  type Closure,
  type ClosureBody,
  type Lab,
  type LabBody,
  type LabPatchBody,
  type OpeningHours,
} from '@fablab/shared';
import { and, asc, eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import type { DbOrTx } from '../../db/client.js';
import type { Core } from '../../plugins/core.js';
import { closures, labs } from '../../db/schema/index.js';
import { badRequest, conflict, notFound, sqlState } from '../../lib/errors.js';

export type LabRow = typeof labs.$inferSelect;
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

export interface LabServiceDeps extends Core {
  bookings: FastifyInstance['bookings'];
}

export function createLabService(deps: LabServiceDeps) {
  const { db, labEvents, audit } = deps;

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

    async update(actorId: string, labId: string, body: LabPatchBody): Promise<Lab> {
      checkBody(body);
      const current = await findLab(db, labId);
      const lab = await withSlugCheck(() =>
        db.transaction(async (tx) => {
          const { settings, ...rest } = body;
          const [row] = await tx
            .update(labs)
            .set({ ...rest, ...(settings ? { settings: labSettings(current.settings, settings) } : {}) })
            .where(eq(labs.id, labId))
            .returning();
          await audit.write(tx, { actorId, action: 'lab.update', entityType: 'lab', entityId: labId, labId, details: { fields: Object.keys(body) } });
          return toApiLab(row as LabRow);
        }),
      );
      // Opening hours, time zone and settings shape every calendar of the lab.
      labEvents.publish({ labId, kind: 'lab' });
      return lab;
    },

    async addClosure(actorId: string, labId: string, body: ClosureBody): Promise<Closure> {
      await findLab(db, labId);
      if (body.to < body.from) throw badRequest('VALIDATION_ERROR', '`to` is before `from`');
      const closure = await db.transaction(async (tx) => {
        const [row] = await tx.insert(closures).values({ labId, fromDate: body.from, toDate: body.to, reason: body.reason }).returning();
        const closure = row as ClosureRow;
        await audit.write(tx, { actorId, action: 'closure.create', entityType: 'closure', entityId: closure.id, labId, details: body });
        return toApiClosure(closure);
      });
      labEvents.publish({ labId, kind: 'closure' });
      return closure;
    },

    async removeClosure(actorId: string, labId: string, closureId: string): Promise<void> {
      await db.transaction(async (tx) => {
        const removed = await tx
          .delete(closures)
          .where(and(eq(closures.id, closureId), eq(closures.labId, labId)))
          .returning();
        if (removed.length === 0) throw notFound('Closure');
        await audit.write(tx, { actorId, action: 'closure.delete', entityType: 'closure', entityId: closureId, labId });
      });
      labEvents.publish({ labId, kind: 'closure' });
    },
  };
}

// What every part of the usage module shares: the repository, finding and showing sessions, and
// the rules on a session's times.
import type { MaterialUse, RecordedMaterial, UsageSession } from '@fablab/shared';
import type { FastifyInstance } from 'fastify';
import type { Tx } from '../../db/client.js';
import { conflict, notFound, sqlState, unprocessable } from '../../lib/errors.js';
import type { Core } from '../../plugins/core.js';
import type { Actor } from '../../plugins/policy.js';
import { createUsageRepository, type UsageRow } from './usage.repository.js';
import { maySeeNames, toApiUsage } from './usage-view.js';

export interface UsageServiceDeps extends Core {
  bookings: FastifyInstance['bookings'];
  certifications: FastifyInstance['certifications'];
  labs: FastifyInstance['labs'];
  machines: FastifyInstance['machines'];
  materials: FastifyInstance['materials'];
}

/** A session closed in the same instant it opened still lasts a moment (end_at > start_at). */
const MIN_SESSION_MS = 1000;

/** The end of a session closed now: now, or a moment after its start. */
export function endingNow(startAt: Date, now: Date): Date {
  return new Date(Math.max(now.getTime(), startAt.getTime() + MIN_SESSION_MS));
}

/**
 * A session records what happened, so it never ends after now (a minute's leeway for clocks): an end
 * in the future would hold the machine and count used hours that never were.
 */
export function refuseFutureEnd(endAt: Date, now: Date) {
  if (endAt.getTime() > now.getTime() + 60_000) throw unprocessable('IN_THE_FUTURE', 'A usage session cannot end after now');
}

export function appendNote(current: string | null, extra: string | undefined): string | null {
  if (!extra) return current;
  return current ? `${current}\n${extra}` : extra;
}

/** Turns the database's refusal of overlapping sessions into USAGE_CONFLICT. */
export async function refuseOverlap<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (sqlState(err) === '23P01') throw conflict('USAGE_CONFLICT', 'Overlaps another usage session on this machine');
    throw err;
  }
}

export function createUsageCore(deps: UsageServiceDeps) {
  const repo = createUsageRepository(deps.db);

  async function findSession(id: string): Promise<UsageRow> {
    const row = await repo.findSession(id);
    if (!row) throw notFound('Usage session');
    return row;
  }

  function mayReadSession(actor: Actor, row: UsageRow): boolean {
    return actor.role === 'department' || maySeeNames(actor, row);
  }

  /** The API view of sessions as this caller may see them. */
  async function viewSessions(rows: UsageRow[], actor: Actor | undefined): Promise<UsageSession[]> {
    const named = rows.filter((r) => r.userId && maySeeNames(actor, r)).map((r) => r.userId as string);
    const materials = await repo.materialsOf(rows.map((r) => r.id));
    const names = await repo.namesOf(named);
    return rows.map((r) =>
      toApiUsage(r, materials.get(r.id) ?? [], {
        show: maySeeNames(actor, r),
        userName: r.userId ? (names.get(r.userId) ?? null) : null,
      }),
    );
  }

  async function viewSession(row: UsageRow, actor: Actor | undefined): Promise<UsageSession> {
    const [view] = await viewSessions([row], actor);
    return view!;
  }

  /**
   * Records the materials used in a session of lab `labId` as entries of its catalogue (the
   * materials service decides which, and whether this caller's free text may add one); the
   * recorded rows, for the audit trail.
   */
  async function recordMaterials(
    tx: Tx,
    actor: Actor,
    labId: string,
    sessionId: string,
    materials: MaterialUse[] | undefined,
  ): Promise<RecordedMaterial[]> {
    const resolved = await deps.materials.resolveUses(tx, actor, labId, materials);
    await repo.addMaterials(sessionId, resolved, tx);
    return resolved;
  }

  return { ...deps, repo, findSession, mayReadSession, viewSessions, viewSession, recordMaterials };
}

export type UsageCore = ReturnType<typeof createUsageCore>;

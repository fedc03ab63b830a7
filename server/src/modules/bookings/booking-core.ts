// What every part of the bookings module shares: the repository, the transitions, the lab
// context cache and the transaction that turns the database's refusal of an overlap into an answer.
import type { Booking } from '@fablab/shared';
import { eq } from 'drizzle-orm';
import type { AppConfig } from '../../config.js';
import type { Db, Tx } from '../../db/client.js';
import { labs } from '../../db/schema/index.js';
import type { AuditLog } from '../../lib/audit.js';
import type { Clock } from '../../lib/clock.js';
import { sqlState } from '../../lib/errors.js';
import type { LabEvents } from '../../lib/events.js';
import type { LabCache } from '../../lib/lab-cache.js';
import type { Notifier } from '../../lib/notify.js';
import { inTransaction } from '../../lib/transaction.js';
import { bookingConflict, isOverlapError, loadLabContext, type CertificationCheck, type LabContext } from './booking-rules.js';
import { createBookingTransitions } from './booking-transitions.js';
import { createBookingRepository, type MachineRow } from './bookings.repository.js';
import { toApiBooking, type Owner } from './booking-view.js';
import { notFound } from '../../lib/errors.js';
import type { BookingRow } from './bookings.repository.js';

export interface BookingServiceDeps {
  db: Db;
  clock: Clock;
  events: LabEvents;
  audit: AuditLog;
  notifier: Notifier;
  config: Pick<AppConfig, 'rateLimits'>;
  /** Labs' opening hours, closures and settings, kept until the lab changes (lib/lab-cache.ts). */
  labContexts: LabCache<LabContext>;
  /** Whether a member holds a valid certification (the certifications module's answer). */
  certified: CertificationCheck;
}

export function createBookingCore(deps: BookingServiceDeps) {
  const { db } = deps;
  const repo = createBookingRepository(db);
  const transitions = createBookingTransitions({ clock: deps.clock, labEvents: deps.events, audit: deps.audit, notifier: deps.notifier });

  /**
   * Runs fn in a transaction; an overlap the database refused anywhere in it is BOOKING_CONFLICT.
   * The lock order (repo.lockMachine) leaves racing bookings nothing to deadlock on; should
   * PostgreSQL still abort one (40P01, 40001: a last resort, not the plan), it runs again after a
   * random pause, so the race is decided by the rules, not by chance.
   */
  async function transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await inTransaction(db, fn);
      } catch (err) {
        if (isOverlapError(err)) throw bookingConflict();
        const state = sqlState(err);
        if ((state === '40P01' || state === '40001') && attempt < 5) {
          await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 20 * attempt));
          continue;
        }
        throw err;
      }
    }
  }

  /**
   * The lab's rules (hours, closures, settings) as of its current version. The version is read
   * under a share lock, and every change of the lab's row or closures raises it (migration 0008)
   * under the row's lock: the change waits for this transaction, or this one for the change and
   * then reads it. So a context kept from before a change that another server process committed
   * (its notice still on the way) is never used after it. Kept per version; not shared between
   * requests (each computes inside its own transaction).
   */
  async function labContext(tx: Tx, labId: string): Promise<LabContext> {
    const [current] = await tx.select({ version: labs.version }).from(labs).where(eq(labs.id, labId)).for('share');
    if (!current) throw notFound('Lab');
    return deps.labContexts.get(labId, `${labId}@${current.version}`, () => loadLabContext(tx, labId), { share: false });
  }

  /** Locks the machines (in id order, so that two requests never wait on each other in a circle). */
  async function lockMachines(tx: Tx, ids: string[]): Promise<Map<string, MachineRow>> {
    const map = new Map<string, MachineRow>();
    for (const id of [...ids].sort()) {
      const m = await repo.lockMachine(id, tx);
      if (!m) throw notFound('Machine');
      map.set(id, m);
    }
    return map;
  }

  /** Owners of many bookings, looked up once each. */
  async function ownersOf(rows: BookingRow[]): Promise<Map<string, Owner>> {
    const owners = new Map<string, Owner>();
    for (const r of rows) {
      const key = r.userId ?? '';
      if (!owners.has(key)) owners.set(key, await repo.ownerOf(r.userId));
    }
    return owners;
  }

  /** The lab's rules outside any transaction, from the cache (kept until the lab or its closures change). */
  function cachedLabContext(labId: string): Promise<LabContext> {
    return deps.labContexts.get(labId, labId, () => loadLabContext(db, labId));
  }

  /** Bookings as the API shows them, each with its owner's name (callers that may see names). */
  async function viewWithOwners(rows: BookingRow[]): Promise<Booking[]> {
    const owners = await ownersOf(rows);
    return rows.map((r) => toApiBooking(r, owners.get(r.userId ?? '')));
  }

  return { ...deps, repo, transitions, transaction, labContext, cachedLabContext, lockMachines, viewWithOwners };
}

export type BookingCore = ReturnType<typeof createBookingCore>;

// The booking engine: creating, changing and reading bookings, class sessions and weekly series.
// Every change runs in one transaction (rules, write, audit, notifications: booking-transitions.ts)
// and is announced to live calendars only after it committed. Other modules reach bookings only
// through this service (app.bookings).
import type { Booking, BookingListQuery } from '@fablab/shared';
import type { DbOrTx } from '../../db/client.js';
import { badRequest, notFound } from '../../lib/errors.js';
import { can, type Actor } from '../../plugins/policy.js';
import { createBookingCore, type BookingServiceDeps } from './booking-core.js';
import { createBookingDecisions } from './booking-decisions.js';
import { createBookingGroups } from './booking-groups.js';
import { createBookingRequests } from './booking-requests.js';
import { bookingFor, toApiBooking, type Owner } from './booking-view.js';
import type { BookingRow, BookingScope } from './bookings.repository.js';

export type { BookingServiceDeps } from './booking-core.js';
export type { Owner } from './booking-view.js';
export type { BookingRow } from './bookings.repository.js';
export type { CancelCause, CancelSelection } from './booking-transitions.js';

export function createBookingService(deps: BookingServiceDeps) {
  const core = createBookingCore(deps);
  const { repo } = core;

  /** The booking as the caller may see it, or 404 as if it did not exist. */
  async function visibleBooking(actor: Actor, id: string): Promise<BookingRow> {
    const row = await repo.findBooking(id);
    if (!row || !can(actor, 'booking.read', row)) throw notFound('Booking');
    return row;
  }

  return {
    ...createBookingRequests(core, visibleBooking),
    ...createBookingDecisions(core, visibleBooking),
    ...createBookingGroups(core),

    async get(actor: Actor, id: string): Promise<Booking> {
      const found = await repo.findWithOwner(id);
      if (!found || !can(actor, 'booking.read', found.booking)) throw notFound('Booking');
      return bookingFor(actor, found.booking, found);
    },

    async list(actor: Actor, query: BookingListQuery): Promise<{ items: Booking[]; total: number }> {
      const scope: BookingScope =
        actor.role === 'admin' || actor.role === 'department'
          ? { all: true }
          : { all: false, ownerId: actor.id, labIds: actor.role === 'manager' ? actor.managedLabIds : [] };
      const from = query.from ? new Date(query.from) : undefined;
      const to = query.to ? new Date(query.to) : undefined;
      if (from && to && to < from) throw badRequest('VALIDATION_ERROR', '`to` is before `from`');
      const statuses = query.status === undefined ? undefined : Array.isArray(query.status) ? query.status : [query.status];
      const { rows, total } = await repo.list(
        scope,
        { labId: query.labId, machineId: query.machineId, from, to, statuses, userId: query.mine ? actor.id : undefined },
        { limit: query.limit ?? 50, offset: query.offset ?? 0 },
      );
      return { items: rows.map((r) => bookingFor(actor, r.booking, r)), total };
    },

    // ---------- for the other modules ----------

    /** The status changes, for modules whose own changes move bookings (usage, machines, labs, …). */
    transitions: core.transitions,
    /** A booking row, unlocked. */
    find: (id: string, tx?: DbOrTx) => repo.findBooking(id, tx),
    /** A booking row locked for a status change. */
    lock: (id: string, tx: DbOrTx) => repo.lockBooking(id, tx),
    /** The API view; the owner's name only where given (callers the policy lets see it). */
    view: (row: BookingRow, owner?: Owner) => toApiBooking(row, owner),
    viewFor: (actor: Actor, row: BookingRow, owner?: Owner) => bookingFor(actor, row, owner),
    viewWithOwners: core.viewWithOwners,
    /** The lab's rules as bookings see them (opening hours, closures, settings), in a booking's transaction. */
    labContext: core.labContext,
    /** The same outside any transaction, from the cache (kept until the lab or its closures change). */
    labRules: core.cachedLabContext,
  };
}

export type BookingService = ReturnType<typeof createBookingService>;

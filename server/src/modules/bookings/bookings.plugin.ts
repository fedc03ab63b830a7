// The bookings service and the availability of machines, built once and shared as app.bookings:
// routes call it, and other modules reach bookings (and every change of a booking's status) only
// through it.
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { createLabCache } from '../../lib/lab-cache.js';
import { createAvailabilityService, type AvailabilityService } from './availability.service.js';
import type { LabContext } from './booking-rules.js';
import { createBookingService, type BookingService } from './bookings.service.js';

/** A last safety net only: every change of a lab already empties its part of the caches. */
const LAB_CACHE_TTL_MS = 5 * 60_000;

declare module 'fastify' {
  interface FastifyInstance {
    bookings: BookingService & { availability: AvailabilityService };
  }
}

export default fp(
  async function bookingsPlugin(app: FastifyInstance) {
    const cacheOptions = { events: app.labEvents, ttlMs: LAB_CACHE_TTL_MS };
    // A lab's context is its row and closures: only edits of those (the labs module) outdate it.
    const labContexts = createLabCache<LabContext>({
      ...cacheOptions,
      maxEntries: 1_000,
      changedBy: (change) => change.kind === 'lab' || change.kind === 'closure',
    });
    const answers = createLabCache<Buffer>({ ...cacheOptions, maxEntries: app.config.availabilityCacheEntries });
    app.addHook('onClose', async () => {
      labContexts.close();
      answers.close();
    });
    const service = createBookingService({
      db: app.db,
      clock: app.clock,
      events: app.labEvents,
      audit: app.audit,
      notifier: app.notifier,
      config: app.config,
      labContexts,
      certified: (db, q) => app.certifications.hasValid(db, q),
    });
    app.decorate('bookings', { ...service, availability: createAvailabilityService({ db: app.db, clock: app.clock, answers, labContext: service.labRules }) });
    app.jobs.register('expire-pending-bookings', (_app, now) => service.expirePending(now));
  },
  { name: 'bookings', dependencies: ['core', 'jobs', 'certifications'] },
);

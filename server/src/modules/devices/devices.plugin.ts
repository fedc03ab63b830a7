// The device bus and the devices service, built once: the routes and the MQTT messages share them.
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { createLabCache } from '../../lib/lab-cache.js';
import { loadLabContext, type LabContext } from '../bookings/booking-rules.js';
import { createUsageService } from '../usage/usage.service.js';
import { createDeviceBus, type DeviceBus } from './device-bus.js';
import { createDevicesService, type DevicesService } from './devices.service.js';

declare module 'fastify' {
  interface FastifyInstance {
    deviceBus: DeviceBus;
    devices: DevicesService;
  }
}

export default fp(
  async function devicesPlugin(app: FastifyInstance) {
    const bus = createDeviceBus(app.config.mqtt, app.log);
    // Every walk-in a tap starts needs its lab's hours and closures: kept until the lab or its
    // closures change (as the bookings' own cache of them, lib/lab-cache.ts).
    const labContexts = createLabCache<LabContext>({
      events: app.labEvents,
      ttlMs: 5 * 60_000,
      maxEntries: 1_000,
      changedBy: (change) => change.kind === 'lab' || change.kind === 'closure',
    });
    const service = createDevicesService({
      db: app.db,
      clock: app.clock,
      usage: createUsageService({ db: app.db, clock: app.clock, labEvents: app.labEvents }),
      bus,
      log: app.log,
      tapDebounceMs: app.config.mqtt?.tapDebounceMs ?? 3000,
      labContext: (labId) => labContexts.get(labId, labId, () => loadLabContext(app.db, labId)),
      // Half the pool at most for the switches' reports: taps and requests keep the rest.
      statusConcurrency: Math.max(1, Math.floor(app.config.dbPoolSize / 2)),
    });
    bus.onMessage((topic, payload) => service.onMessage(topic, payload));
    app.decorate('deviceBus', bus);
    app.decorate('devices', service);
    app.jobs.register('devices-booking-end', (_app, now) => service.warnBookingEnds(now));
    app.jobs.register('devices-power-off', () => service.powerOffUnused());

    app.addHook('onReady', async () => {
      if (!bus.enabled) return;
      // The topics first, so that the first connect subscribes them all; retained presence and
      // switch states then arrive at once and every open session is measured again after a restart.
      await bus.watch(await service.topics());
      bus.start();
    });
    app.addHook('onClose', async () => {
      labContexts.close();
      await bus.close();
      await service.idle();
    });
  },
  { name: 'devices', dependencies: ['auth', 'jobs'] },
);

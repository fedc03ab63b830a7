// The device bus and the devices service, built once: the routes and the MQTT messages share them.
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { coreOf } from '../../plugins/core.js';
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
    const service = createDevicesService({
      ...coreOf(app),
      usage: app.usage,
      bookings: app.bookings,
      certifications: app.certifications,
      labs: app.labs,
      machines: app.machines,
      bus,
      log: app.log,
      tapDebounceMs: app.config.mqtt?.tapDebounceMs ?? 3000,
      // Every walk-in a tap starts needs its lab's hours and closures: the bookings' cache of them.
      labContext: (labId) => app.bookings.labRules(labId),
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
      await bus.close();
      await service.idle();
    });
  },
  { name: 'devices', dependencies: ['auth', 'jobs', 'core', 'usage', 'bookings', 'certifications', 'labs', 'machines'] },
);

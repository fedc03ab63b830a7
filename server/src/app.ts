// The app as a plugin tree: external plugins, then app plugins, then routes.
import compress from '@fastify/compress';
import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import fastifyStatic from '@fastify/static';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { AppConfig } from './config.js';
import type { Database, Db } from './db/client.js';
import { systemClock, type Clock } from './lib/clock.js';
import { createLabEvents, type LabEvents } from './lib/events.js';
import authPlugin from './plugins/auth.js';
import corePlugin from './plugins/core.js';
import errorsPlugin from './plugins/errors.js';
import jobsPlugin from './plugins/jobs.js';
import openapiPlugin from './plugins/openapi.js';
import throttlePlugin from './plugins/throttle.js';
import validationPlugin, { buildValidator } from './plugins/validation.js';
import accountsRoutes from './modules/accounts/accounts.routes.js';
import bookingsRoutes from './modules/bookings/bookings.routes.js';
import maintenanceRoutes from './modules/maintenance/maintenance.routes.js';
import certificationsRoutes from './modules/certifications/certifications.routes.js';
import usageRoutes from './modules/usage/usage.routes.js';
import statsRoutes from './modules/stats/stats.routes.js';
import notificationsRoutes from './modules/notifications/notifications.routes.js';
import feedsRoutes from './modules/feeds/feeds.routes.js';
import auditRoutes from './modules/audit/audit.routes.js';
import healthRoutes from './modules/health/health.routes.js';
import labsRoutes from './modules/labs/labs.routes.js';
import machinesRoutes from './modules/machines/machines.routes.js';
import accountsPlugin from './modules/accounts/accounts.plugin.js';
import auditPlugin from './modules/audit/audit.plugin.js';
import bookingsPlugin from './modules/bookings/bookings.plugin.js';
import certificationsPlugin from './modules/certifications/certifications.plugin.js';
import feedsPlugin from './modules/feeds/feeds.plugin.js';
import labsPlugin from './modules/labs/labs.plugin.js';
import machinesPlugin from './modules/machines/machines.plugin.js';
import maintenancePlugin from './modules/maintenance/maintenance.plugin.js';
import notificationsPlugin from './modules/notifications/notifications.plugin.js';
import statsPlugin from './modules/stats/stats.plugin.js';
import usagePlugin from './modules/usage/usage.plugin.js';
import devicesPlugin from './modules/devices/devices.plugin.js';
import devicesRoutes from './modules/devices/devices.routes.js';
import machineTypesPlugin from './modules/machine-types/machine-types.plugin.js';
import machineTypesRoutes from './modules/machine-types/machine-types.routes.js';

declare module 'fastify' {
  interface FastifyInstance {
    config: AppConfig;
    database: Database;
    db: Db;
    clock: Clock;
    labEvents: LabEvents;
  }
}

export interface BuildAppOptions {
  config: AppConfig;
  database: Database;
  clock?: Clock;
  logger?: FastifyServerOptions['logger'];
}

export type App = FastifyInstance;

/** Fastify's trustProxy; a hop count becomes the function Fastify itself would make of it. */
function trustedProxies(setting: AppConfig['trustProxy']): boolean | string[] | ((address: string, hop: number) => boolean) {
  return typeof setting === 'number' ? (_address, hop) => hop < setting : setting;
}

export async function buildApp(options: BuildAppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: 1024 * 1024,
    trustProxy: trustedProxies(options.config.trustProxy),
    ajv: { customOptions: { allErrors: false } },
    schemaController: { compilersFactory: { buildValidator } },
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.decorate('config', options.config);
  app.decorate('database', options.database);
  app.decorate('db', options.database.db);
  app.decorate('clock', options.clock ?? systemClock);
  app.decorate('labEvents', createLabEvents());

  // On shutdown, answers still in flight tell their clients to close the connection, so that
  // keep-alive sockets do not hold the server open after the last response.
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onSend', async (_request, reply, payload) => {
    if (closing) reply.header('connection', 'close');
    return payload;
  });

  // External plugins.
  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        connectSrc: ["'self'"],
        fontSrc: ["'self'", 'data:'],
        objectSrc: ["'none'"],
        frameAncestors: ["'none'"],
        upgradeInsecureRequests: null,
      },
    },
    crossOriginEmbedderPolicy: false,
  });
  if (options.config.corsOrigins.length > 0) {
    await app.register(cors, { origin: options.config.corsOrigins, credentials: false });
  }
  // Most makers book from phones: pages, scripts, JSON, feeds and CSV travel compressed (brotli,
  // else gzip). Live event streams are left alone: a compressor would hold events back.
  await app.register(compress, { encodings: ['br', 'gzip'], threshold: 1024 });
  await app.register(openapiPlugin);

  // Core: errors, validation, the audit trail, the notifier and the policy, sign-in, jobs, throttles.
  await app.register(errorsPlugin);
  await app.register(validationPlugin);
  await app.register(corePlugin);
  await app.register(authPlugin);
  await app.register(jobsPlugin);
  await app.register(throttlePlugin);

  // Services, each built once and decorated on the app, in the order of their dependencies.
  await app.register(machineTypesPlugin);
  await app.register(certificationsPlugin);
  await app.register(bookingsPlugin);
  await app.register(labsPlugin);
  await app.register(machinesPlugin);
  await app.register(usagePlugin);
  await app.register(maintenancePlugin);
  await app.register(notificationsPlugin);
  await app.register(accountsPlugin);
  await app.register(feedsPlugin);
  await app.register(statsPlugin);
  await app.register(auditPlugin);
  await app.register(devicesPlugin);

  // Routes.
  await app.register(
    async (api) => {
      await api.register(healthRoutes);
      await api.register(accountsRoutes);
      await api.register(labsRoutes);
      await api.register(machinesRoutes);
      await api.register(machineTypesRoutes);
      await api.register(bookingsRoutes);
      await api.register(maintenanceRoutes);
      await api.register(certificationsRoutes);
      await api.register(usageRoutes);
      await api.register(statsRoutes);
      await api.register(notificationsRoutes);
      await api.register(auditRoutes);
      await api.register(devicesRoutes);
    },
    { prefix: '/api' },
  );
  // The iCalendar feeds live outside /api: calendar apps fetch /ical/<secret>.ics.
  await app.register(feedsRoutes);

  // The built web client, with the single-page app's routes falling back to index.html.
  const webDist = options.config.webDist;
  const hasWeb = existsSync(path.join(webDist, 'index.html'));
  if (hasWeb) {
    await app.register(fastifyStatic, {
      root: webDist,
      wildcard: false,
      index: 'index.html',
      cacheControl: false,
      // Vite names what it puts in assets/ by content hash, so a name never changes meaning: cached
      // for good. Everything else (index.html first) names those files and is revalidated.
      setHeaders: (res, file) => {
        const inAssets = path.relative(webDist, file).split(path.sep)[0] === 'assets';
        res.setHeader('cache-control', inAssets ? 'public, max-age=31536000, immutable' : 'no-cache');
      },
    });
    // The single-page app's routes, as a route rather than in the not-found handler, so that the
    // page goes through the route hooks (compression) like every other answer.
    app.get('/*', { schema: { hide: true } }, (request, reply) => {
      const url = request.url.split('?')[0] ?? '';
      const isPage = !url.startsWith('/api') && !url.startsWith('/ical') && !path.extname(url);
      if (!isPage) return reply.callNotFound();
      return reply.type('text/html').sendFile('index.html');
    });
  }
  app.setNotFoundHandler((request, reply) => {
    const url = request.url.split('?')[0] ?? '';
    return reply.status(404).send({ statusCode: 404, code: 'NOT_FOUND', error: 'Not Found', message: `No route ${request.method} ${url}` });
  });

  return app;
}

// The OpenAPI document and its UI. Partner systems generate clients from the document, so it has
// to be valid OpenAPI as their tools read it (swagger-parser, redocly): 3.1, where TypeBox's
// `type: 'null'` unions are valid JSON Schema, with the server's public URL and, on every
// operation, whether it needs a bearer token.
import { ErrorResponse } from '@fablab/shared';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** A 200 answer that is not JSON: the response schema Fastify and the document both read. */
export function textResponse(description: string, contentType: string) {
  return { description, content: { [contentType]: { schema: { type: 'string' } } } };
}

const TAGS = [
  { name: 'accounts', description: 'Registration, sign-in and the member’s own account' },
  { name: 'labs', description: 'Labs, their opening hours and closures' },
  { name: 'machines', description: 'Machines of a lab and their booking rules' },
  { name: 'bookings', description: 'Bookings, class sessions, weekly series and availability' },
  { name: 'usage', description: 'Check-in and check-out, walk-ins, incidents and machine status' },
  { name: 'maintenance', description: 'Maintenance windows, plans and log' },
  { name: 'certifications', description: 'Who may use which machine type' },
  { name: 'stats', description: 'Monthly statistics for the department' },
  { name: 'notifications', description: 'In-app notifications and password reset by email' },
  { name: 'feeds', description: 'iCalendar feeds behind secret URLs' },
  { name: 'live', description: 'Server-sent events for open calendars' },
  { name: 'audit', description: 'Who did what, and when' },
  { name: 'devices', description: 'Power switches and card readers on the machines (MQTT)' },
  { name: 'health', description: 'Liveness of the server and its database' },
];

async function openapi(app: FastifyInstance) {
  // Routes that declare no security are public: the document says so (`security: []`) rather
  // than leaving readers to guess from a missing key.
  // And answers any route can give, whatever it does, are documented once here: 503 while the
  // database is down, and for a route with a body 413 (over 1 MB) and 415 (not JSON).
  app.addHook('onRoute', (route) => {
    const schema = route.schema as
      | { hide?: boolean; security?: unknown; body?: unknown; response?: Record<string, unknown> }
      | undefined;
    if (!schema || schema.hide) return;
    if (schema.security === undefined) schema.security = [];
    if (!schema.response) return;
    const always: Record<string, string> = {
      503: 'The database cannot be reached (`DB_UNAVAILABLE`); try again shortly',
      ...(schema.body ? { 413: 'The body is over 1 MB', 415: 'The body is not JSON' } : {}),
    };
    for (const [status, description] of Object.entries(always)) {
      schema.response[status] ??= { ...ErrorResponse, description };
    }
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'FabLab booking API',
        description: 'Equipment booking and usage tracking for the FabLabs of Binh Duong province',
        version: '0.1.0',
      },
      servers: [{ url: app.config.publicUrl, description: 'This deployment' }],
      tags: TAGS,
      components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
    },
  });
  // The UI runs under the app's own Content-Security-Policy (helmet, app.ts): its scripts are
  // files served from here, and it sets inline styles, which that policy allows. The plugin's
  // `staticCSP` would replace it with one that refuses inline styles (a violation logged for each
  // element), allows any https: origin and forces https on plain-http deployments.
  await app.register(swaggerUi, { routePrefix: '/api/docs' });
}

export default fp(openapi, { name: 'openapi' });

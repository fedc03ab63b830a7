import { CalendarFeed, ErrorResponse, Type } from '@fablab/shared';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { createFeedService } from './feeds.service.js';

const errors = { 401: ErrorResponse, 404: ErrorResponse };

// Registered at the root (not under /api): calendar apps fetch /ical/<secret>.ics.
const feedsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const service = createFeedService({ db: app.db, clock: app.clock, publicUrl: app.config.publicUrl });

  app.get(
    '/api/me/calendar-feed',
    {
      preHandler: app.authenticate,
      schema: { tags: ['feeds'], security: [{ bearerAuth: [] }], response: { 200: CalendarFeed, ...errors } },
    },
    async (request) => service.get(request.actor),
  );

  app.post(
    '/api/me/calendar-feed',
    {
      preHandler: app.authenticate,
      schema: { tags: ['feeds'], security: [{ bearerAuth: [] }], response: { 200: CalendarFeed, ...errors } },
    },
    async (request) => service.regenerate(request.actor),
  );

  app.get(
    '/ical/:token',
    {
      schema: {
        tags: ['feeds'],
        params: Type.Object({ token: Type.String({ minLength: 1, maxLength: 200 }) }),
        // Calendar apps sometimes add their own query parameters; only scope matters here.
        querystring: Type.Object({ scope: Type.Optional(Type.Union([Type.Literal('mine'), Type.Literal('labs')])) }),
        response: { 200: Type.String({ description: 'text/calendar (RFC 5545)' }), 404: ErrorResponse },
      },
    },
    async (request, reply) => {
      const token = request.params.token.replace(/\.ics$/, '');
      const text = await service.render(token, request.query.scope ?? 'mine');
      return reply
        .type('text/calendar; charset=utf-8')
        .header('Cache-Control', 'private, no-cache')
        .header('Content-Disposition', 'inline; filename="fablab.ics"')
        .send(text);
    },
  );
};

export default feedsRoutes;

import { CalendarFeed, ErrorResponse, RotateCalendarFeedBody, Type } from '@fablab/shared';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { createHash } from 'node:crypto';
import { textResponse } from '../../plugins/openapi.js';
import { emptyBodyAsObject } from '../../lib/empty-body.js';

const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse };

/** If-None-Match compares weakly (RFC 9110 §13.1.2), and may list several tags or `*`. */
function etagMatches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  const opaque = (tag: string) => tag.trim().replace(/^W\//, '');
  return header.split(',').some((tag) => tag.trim() === '*' || opaque(tag) === opaque(etag));
}

// Registered at the root (not under /api): calendar apps fetch /ical/<secret>.ics.
const feedsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const service = app.feeds;

  app.get(
    '/api/me/calendar-feed',
    {
      preHandler: app.authenticate,
      schema: { summary: 'Secret URLs of the calendar feeds', operationId: 'getCalendarFeed', tags: ['feeds'], security: [{ bearerAuth: [] }], response: { 200: CalendarFeed, ...errors } },
    },
    async (request) => service.get(request.actor),
  );

  app.post(
    '/api/me/calendar-feed',
    {
      preHandler: app.authenticate,
      preValidation: emptyBodyAsObject,
      schema: {
        summary: 'Make a new secret URL for a calendar feed',
        operationId: 'rotateCalendarFeed',
        tags: ['feeds'],
        security: [{ bearerAuth: [] }],
        body: RotateCalendarFeedBody,
        response: { 200: CalendarFeed, ...errors },
      },
    },
    async (request) => service.regenerate(request.actor, request.body.scope),
  );

  app.get(
    '/ical/:token',
    {
      schema: { summary: 'iCalendar feed behind a secret URL', operationId: 'getCalendar',
        tags: ['feeds'],
        params: Type.Object({ token: Type.String({ minLength: 1, maxLength: 200 }) }),
        // Calendar apps sometimes add their own query parameters. `scope` is still accepted from
        // links made before the labs feed had its own secret, and ignored: the secret decides.
        querystring: Type.Object({ scope: Type.Optional(Type.Union([Type.Literal('mine'), Type.Literal('labs')])) }),
        response: {
          200: textResponse('An iCalendar (RFC 5545) calendar', 'text/calendar'),
          304: { description: 'Not modified since the version named in If-None-Match', type: 'null' },
          404: ErrorResponse,
        },
      },
    },
    async (request, reply) => {
      const token = request.params.token.replace(/\.ics$/, '');
      const text = await service.render(token);
      // Calendar apps poll every few minutes; most polls find nothing new and get an empty 304.
      // Weak, because the compressed and plain bodies are the same calendar but not the same bytes.
      const etag = `W/"${createHash('sha256').update(text).digest('base64url')}"`;
      reply
        .type('text/calendar; charset=utf-8')
        .header('Cache-Control', 'private, no-cache')
        .header('ETag', etag)
        .header('Content-Disposition', 'inline; filename="fablab.ics"');
      if (etagMatches(request.headers['if-none-match'], etag)) return reply.status(304).send(null);
      return reply.send(text);
    },
  );
};

export default feedsRoutes;

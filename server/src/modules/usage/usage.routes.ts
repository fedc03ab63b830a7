import {
  BookingWithUsage,
  CheckOutBody,
  EndUsageBody,
  ErrorResponse,
  Incident,
  IncidentBody,
  LabStatus,
  ListOf,
  Pagination,
  Type,
  UsageListQuery,
  UsageSession,
  Uuid,
  WalkInBody,
} from '@fablab/shared';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { emptyBodyAsObject } from '../../lib/empty-body.js';

const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse, 422: ErrorResponse };
const IdParams = Type.Object({ id: Uuid });
const LabParams = Type.Object({ labId: Uuid });
const secured = { security: [{ bearerAuth: [] }] };

const usageRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const service = app.usage;

  /** Public routes that say more to a signed-in manager; a stale token is read as anonymous. */
  async function optionalAuth(request: FastifyRequest, reply: FastifyReply) {
    if (!request.headers.authorization) return;
    try {
      await app.authenticate.call(app, request, reply);
    } catch {
      request.actor = null as unknown as typeof request.actor;
    }
  }

  app.post(
    '/bookings/:id/check-in',
    {
      preHandler: app.authenticate,
      schema: { summary: 'Check in to a booking', operationId: 'checkIn', tags: ['usage'], ...secured, params: IdParams, response: { 200: BookingWithUsage, ...errors } },
    },
    async (request) => service.checkIn(request.actor, request.params.id),
  );

  app.post(
    '/bookings/:id/check-out',
    {
      preHandler: app.authenticate,
      preValidation: emptyBodyAsObject,
      schema: { summary: 'Check out of a booking', operationId: 'checkOut',
        tags: ['usage'],
        ...secured,
        params: IdParams,
        body: CheckOutBody,
        response: { 200: BookingWithUsage, ...errors },
      },
    },
    async (request) => service.checkOut(request.actor, request.params.id, request.body),
  );

  app.post(
    '/usage',
    {
      preHandler: app.authenticate,
      schema: { summary: 'Record a walk-in usage session', operationId: 'recordWalkIn', tags: ['usage'], ...secured, body: WalkInBody, response: { 201: UsageSession, ...errors } },
    },
    async (request, reply) => reply.status(201).send(await service.recordWalkIn(request.actor, request.body)),
  );

  app.get(
    '/usage',
    {
      preHandler: app.authenticate,
      schema: { summary: 'List usage sessions', operationId: 'listUsage', tags: ['usage'], ...secured, querystring: UsageListQuery, response: { 200: ListOf(UsageSession), ...errors } },
    },
    async (request) => service.list(request.actor, request.query),
  );

  app.get(
    '/usage/:id',
    {
      preHandler: app.authenticate,
      schema: { summary: 'Read a usage session', operationId: 'getUsage', tags: ['usage'], ...secured, params: IdParams, response: { 200: UsageSession, ...errors } },
    },
    async (request) => service.get(request.actor, request.params.id),
  );

  app.post(
    '/usage/:id/end',
    {
      preHandler: app.authenticate,
      preValidation: emptyBodyAsObject,
      schema: { summary: 'End an open usage session', operationId: 'endUsage',
        tags: ['usage'],
        ...secured,
        params: IdParams,
        body: EndUsageBody,
        response: { 200: UsageSession, ...errors },
      },
    },
    async (request) => service.endSession(request.actor, request.params.id, request.body),
  );

  app.post(
    '/usage/:id/incidents',
    {
      preHandler: app.authenticate,
      schema: { summary: 'Report an incident on a usage session', operationId: 'reportIncident', tags: ['usage'], ...secured, params: IdParams, body: IncidentBody, response: { 201: Incident, ...errors } },
    },
    async (request, reply) => reply.status(201).send(await service.reportIncident(request.actor, request.params.id, request.body)),
  );

  app.get(
    '/labs/:labId/incidents',
    {
      preHandler: app.authenticate,
      schema: { summary: 'List a lab’s incidents', operationId: 'listIncidents',
        tags: ['usage'],
        ...secured,
        params: LabParams,
        querystring: Type.Object(Pagination.properties, { additionalProperties: false }),
        response: { 200: ListOf(Incident), ...errors },
      },
    },
    async (request) => service.listIncidents(request.actor, request.params.labId, request.query),
  );

  app.get(
    '/labs/:labId/status',
    {
      preHandler: optionalAuth,
      schema: { summary: 'What each machine of a lab is doing now', operationId: 'getLabStatus', tags: ['usage'], params: LabParams, response: { 200: LabStatus, ...errors } },
    },
    async (request) => {
      const status = await service.labStatus(request.actor ?? undefined, request.params.labId);
      if (!app.deviceBus.enabled) return status;
      return { ...status, deviceBus: app.deviceBus.isConnected() ? ('up' as const) : ('down' as const) };
    },
  );
};

export default usageRoutes;

import {
  AvailabilityQuery,
  Booking,
  BookingList,
  BookingListQuery,
  CancelBookingBody,
  ClassBody,
  ClassResponse,
  CreateBookingBody,
  ErrorResponse,
  LabAvailability,
  MachineAvailability,
  RejectBookingBody,
  SeriesBody,
  SeriesCancelBody,
  SeriesCancelResponse,
  SeriesResponse,
  Type,
  UpdateBookingBody,
  Uuid,
} from '@fablab/shared';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '../../lib/errors.js';
import { createAvailabilityService } from './availability.service.js';
import { createBookingService } from './bookings.service.js';

// Routes of the bookings module (see ../shared/API.md): thin, the rules live in the service.
const errors = {
  400: ErrorResponse,
  401: ErrorResponse,
  403: ErrorResponse,
  404: ErrorResponse,
  409: ErrorResponse,
  422: ErrorResponse,
  429: ErrorResponse,
};
const BookingParams = Type.Object({ id: Uuid });
const secured = { tags: ['bookings'], security: [{ bearerAuth: [] }] };

const bookingsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const service = createBookingService({ db: app.db, clock: app.clock, events: app.labEvents, config: app.config });
  const availability = createAvailabilityService({ db: app.db });

  app.jobs.register('expire-pending-bookings', (_app, now) => service.expirePending(now));

  /** New bookings per user per minute; the attempt counts once the request is well-formed. */
  async function bookingRateLimit(request: FastifyRequest, reply: FastifyReply) {
    const wait = service.rateLimitWait(request.actor.id);
    if (wait > 0) {
      reply.header('Retry-After', String(wait));
      throw new DomainError(429, 'TOO_MANY_REQUESTS', `Too many new bookings; try again in ${wait} seconds`);
    }
  }

  app.post(
    '/bookings',
    {
      preHandler: [app.authenticate, bookingRateLimit],
      schema: { ...secured, body: CreateBookingBody, response: { 201: Booking, ...errors } },
    },
    async (request, reply) => reply.status(201).send(await service.create(request.actor, request.body)),
  );

  app.get(
    '/bookings',
    {
      preHandler: app.authenticate,
      schema: { ...secured, querystring: BookingListQuery, response: { 200: BookingList, ...errors } },
    },
    async (request) => service.list(request.actor, request.query),
  );

  app.get(
    '/bookings/:id',
    {
      preHandler: app.authenticate,
      schema: { ...secured, params: BookingParams, response: { 200: Booking, ...errors } },
    },
    async (request) => service.get(request.actor, request.params.id),
  );

  app.patch(
    '/bookings/:id',
    {
      preHandler: app.authenticate,
      schema: { ...secured, params: BookingParams, body: UpdateBookingBody, response: { 200: Booking, ...errors } },
    },
    async (request) => service.reschedule(request.actor, request.params.id, request.body),
  );

  app.post(
    '/bookings/:id/approve',
    {
      preHandler: app.authenticate,
      schema: { ...secured, params: BookingParams, response: { 200: Booking, ...errors } },
    },
    async (request) => service.approve(request.actor, request.params.id),
  );

  app.post(
    '/bookings/:id/reject',
    {
      preHandler: app.authenticate,
      schema: { ...secured, params: BookingParams, body: RejectBookingBody, response: { 200: Booking, ...errors } },
    },
    async (request) => service.reject(request.actor, request.params.id, request.body.reason),
  );

  app.post(
    '/bookings/:id/cancel',
    {
      preHandler: app.authenticate,
      schema: {
        ...secured,
        params: BookingParams,
        body: Type.Union([CancelBookingBody, Type.Null()]),
        response: { 200: Booking, ...errors },
      },
    },
    async (request) => service.cancel(request.actor, request.params.id, request.body ?? {}),
  );

  app.post(
    '/bookings/class',
    {
      preHandler: app.authenticate,
      schema: { ...secured, body: ClassBody, response: { 201: ClassResponse, ...errors } },
    },
    async (request, reply) => reply.status(201).send(await service.createClass(request.actor, request.body)),
  );

  app.post(
    '/bookings/series',
    {
      preHandler: app.authenticate,
      schema: { ...secured, body: SeriesBody, response: { 201: SeriesResponse, ...errors } },
    },
    async (request, reply) => reply.status(201).send(await service.createSeries(request.actor, request.body)),
  );

  app.post(
    '/bookings/series/:seriesId/cancel',
    {
      preHandler: app.authenticate,
      schema: {
        ...secured,
        params: Type.Object({ seriesId: Uuid }),
        body: Type.Union([SeriesCancelBody, Type.Null()]),
        response: { 200: SeriesCancelResponse, ...errors },
      },
    },
    async (request) => service.cancelSeries(request.actor, request.params.seriesId, request.body ?? {}),
  );

  app.get(
    '/machines/:machineId/availability',
    {
      schema: {
        tags: ['bookings'],
        params: Type.Object({ machineId: Uuid }),
        querystring: AvailabilityQuery,
        response: { 200: MachineAvailability, ...errors },
      },
    },
    async (request) =>
      availability.forMachine(request.params.machineId, new Date(request.query.from), new Date(request.query.to)),
  );

  app.get(
    '/labs/:labId/availability',
    {
      schema: {
        tags: ['bookings'],
        params: Type.Object({ labId: Uuid }),
        querystring: AvailabilityQuery,
        response: { 200: LabAvailability, ...errors },
      },
    },
    async (request) =>
      availability.forLab(request.params.labId, new Date(request.query.from), new Date(request.query.to)),
  );
};

export default bookingsRoutes;

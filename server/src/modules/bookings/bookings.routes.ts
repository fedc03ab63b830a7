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
import type { FastifyRequest } from 'fastify';

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
  const service = app.bookings;
  const { availability } = app.bookings;

  /** New bookings per user per minute; the attempt counts once the request is well-formed. */
  async function bookingRateLimit(request: FastifyRequest) {
    await app.throttle.hit('bookings', request.actor.id);
  }

  app.post(
    '/bookings',
    {
      preHandler: [app.authenticate, bookingRateLimit],
      schema: { summary: 'Book a machine', operationId: 'createBooking', ...secured, body: CreateBookingBody, response: { 201: Booking, ...errors } },
    },
    async (request, reply) => reply.status(201).send(await service.create(request.actor, request.body)),
  );

  app.get(
    '/bookings',
    {
      preHandler: app.authenticate,
      schema: { summary: 'List bookings', operationId: 'listBookings', ...secured, querystring: BookingListQuery, response: { 200: BookingList, ...errors } },
    },
    async (request) => service.list(request.actor, request.query),
  );

  app.get(
    '/bookings/:id',
    {
      preHandler: app.authenticate,
      schema: { summary: 'Read a booking', operationId: 'getBooking', ...secured, params: BookingParams, response: { 200: Booking, ...errors } },
    },
    async (request) => service.get(request.actor, request.params.id),
  );

  app.patch(
    '/bookings/:id',
    {
      preHandler: app.authenticate,
      schema: { summary: 'Reschedule a booking or edit its note', operationId: 'updateBooking', ...secured, params: BookingParams, body: UpdateBookingBody, response: { 200: Booking, ...errors } },
    },
    async (request) => service.reschedule(request.actor, request.params.id, request.body),
  );

  app.post(
    '/bookings/:id/approve',
    {
      preHandler: app.authenticate,
      schema: { summary: 'Approve a pending booking', operationId: 'approveBooking', ...secured, params: BookingParams, response: { 200: Booking, ...errors } },
    },
    async (request) => service.approve(request.actor, request.params.id),
  );

  app.post(
    '/bookings/:id/reject',
    {
      preHandler: app.authenticate,
      schema: { summary: 'Reject a pending booking', operationId: 'rejectBooking', ...secured, params: BookingParams, body: RejectBookingBody, response: { 200: Booking, ...errors } },
    },
    async (request) => service.reject(request.actor, request.params.id, request.body.reason),
  );

  app.post(
    '/bookings/:id/cancel',
    {
      preHandler: app.authenticate,
      schema: { summary: 'Cancel a booking', operationId: 'cancelBooking',
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
      schema: { summary: 'Book several machines for a class', operationId: 'createClassSession', ...secured, body: ClassBody, response: { 201: ClassResponse, ...errors } },
    },
    async (request, reply) => reply.status(201).send(await service.createClass(request.actor, request.body)),
  );

  app.post(
    '/bookings/series',
    {
      preHandler: app.authenticate,
      schema: { summary: 'Book a weekly series', operationId: 'createBookingSeries', ...secured, body: SeriesBody, response: { 201: SeriesResponse, ...errors } },
    },
    async (request, reply) => reply.status(201).send(await service.createSeries(request.actor, request.body)),
  );

  app.post(
    '/bookings/series/:seriesId/cancel',
    {
      preHandler: app.authenticate,
      schema: { summary: 'Cancel a series from an occurrence on', operationId: 'cancelBookingSeries',
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
      schema: { summary: 'Busy times of a machine', operationId: 'getMachineAvailability',
        tags: ['bookings'],
        params: Type.Object({ machineId: Uuid }),
        querystring: AvailabilityQuery,
        response: { 200: MachineAvailability, ...errors },
      },
    },
    // The UTF-8 JSON of a MachineAvailability: fastify sends a Buffer as it is (the type provider
    // only knows objects, hence the cast).
    async (request, reply) => {
      const json = await availability.forMachine(request.params.machineId, new Date(request.query.from), new Date(request.query.to));
      return reply.type('application/json; charset=utf-8').send(json as unknown as MachineAvailability);
    },
  );

  app.get(
    '/labs/:labId/availability',
    {
      schema: { summary: 'Busy times of every machine of a lab', operationId: 'getLabAvailability',
        tags: ['bookings'],
        params: Type.Object({ labId: Uuid }),
        querystring: AvailabilityQuery,
        response: { 200: LabAvailability, ...errors },
      },
    },
    async (request, reply) => {
      const json = await availability.forLab(request.params.labId, new Date(request.query.from), new Date(request.query.to));
      return reply.type('application/json; charset=utf-8').send(json as unknown as LabAvailability);
    },
  );
};

export default bookingsRoutes;

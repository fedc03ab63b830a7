import {
  CancelledBookings,
  ClosureBody,
  ClosureCreated,
  DryRunQuery,
  ErrorResponse,
  Lab,
  LabBody,
  LabPatchBody,
  LabUpdated,
  LabWithClosures,
  ListOf,
  Type,
  Uuid,
} from '@fablab/shared';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';

const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse, 422: ErrorResponse };
const LabParams = Type.Object({ labId: Uuid });

const labsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const service = app.labs;

  app.get('/labs', { schema: { summary: 'List labs', operationId: 'listLabs', tags: ['labs'], response: { 200: ListOf(Lab) } } }, async () => {
    const items = await service.list();
    return { items, total: items.length };
  });

  app.get(
    '/labs/:labId',
    { schema: { summary: 'Read a lab with its closures', operationId: 'getLab', tags: ['labs'], params: LabParams, response: { 200: LabWithClosures, ...errors } } },
    async (request) => service.get(request.params.labId),
  );

  app.post(
    '/labs',
    {
      preHandler: app.requireAllowed('lab.create'),
      schema: { summary: 'Create a lab', operationId: 'createLab', tags: ['labs'], security: [{ bearerAuth: [] }], body: LabBody, response: { 201: Lab, ...errors } },
    },
    async (request, reply) => reply.status(201).send(await service.create(request.actor.id, request.body)),
  );

  app.patch(
    '/labs/:labId',
    {
      preHandler: app.authenticate,
      schema: {
        summary: 'Change a lab (its managers: opening hours and settings; dryRun: list the bookings new hours would cancel)',
        operationId: 'updateLab',
        tags: ['labs'],
        security: [{ bearerAuth: [] }],
        params: LabParams,
        querystring: DryRunQuery,
        body: LabPatchBody,
        response: { 200: Type.Union([LabUpdated, CancelledBookings]), ...errors },
      },
    },
    async (request) => service.update(request.actor, request.params.labId, request.body, { dryRun: request.query.dryRun === true }),
  );

  app.post(
    '/labs/:labId/closures',
    {
      preHandler: app.authenticate,
      schema: {
        summary: 'Close a lab for some days, cancelling the bookings then (dryRun: list them)',
        operationId: 'createClosure',
        tags: ['labs'],
        security: [{ bearerAuth: [] }],
        params: LabParams,
        querystring: DryRunQuery,
        body: ClosureBody,
        response: { 200: CancelledBookings, 201: ClosureCreated, ...errors },
      },
    },
    async (request, reply) => {
      const dryRun = request.query.dryRun === true;
      return reply.status(dryRun ? 200 : 201).send(await service.addClosure(request.actor, request.params.labId, request.body, { dryRun }));
    },
  );

  app.delete(
    '/labs/:labId/closures/:closureId',
    {
      preHandler: app.authenticate,
      schema: { summary: 'Remove a closure', operationId: 'deleteClosure',
        tags: ['labs'],
        security: [{ bearerAuth: [] }],
        params: Type.Object({ labId: Uuid, closureId: Uuid }),
        response: { 204: Type.Null(), ...errors },
      },
    },
    async (request, reply) => {
      await service.removeClosure(request.actor, request.params.labId, request.params.closureId);
      return reply.status(204).send(null);
    },
  );
};

export default labsRoutes;

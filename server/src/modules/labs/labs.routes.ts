import { ClosureBody, Closure, ErrorResponse, Lab, LabBody, LabPatchBody, LabWithClosures, ListOf, Type, Uuid } from '@fablab/shared';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { requireLabManager } from '../../plugins/policy.js';

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
      preHandler: app.requireRole('admin'),
      schema: { summary: 'Change a lab', operationId: 'updateLab', tags: ['labs'], security: [{ bearerAuth: [] }], params: LabParams, body: LabPatchBody, response: { 200: Lab, ...errors } },
    },
    async (request) => service.update(request.actor.id, request.params.labId, request.body),
  );

  app.post(
    '/labs/:labId/closures',
    {
      preHandler: app.authenticate,
      schema: { summary: 'Close a lab for some days', operationId: 'createClosure', tags: ['labs'], security: [{ bearerAuth: [] }], params: LabParams, body: ClosureBody, response: { 201: Closure, ...errors } },
    },
    async (request, reply) => {
      await service.get(request.params.labId);
      requireLabManager(request.actor, request.params.labId);
      return reply.status(201).send(await service.addClosure(request.actor.id, request.params.labId, request.body));
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
      await service.get(request.params.labId);
      requireLabManager(request.actor, request.params.labId);
      await service.removeClosure(request.actor.id, request.params.labId, request.params.closureId);
      return reply.status(204).send(null);
    },
  );
};

export default labsRoutes;

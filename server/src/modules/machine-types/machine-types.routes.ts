import { ErrorResponse, ListOf, MachineType, MachineTypeBody, MachineTypePatchBody, Slug, Type } from '@fablab/shared';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';

const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse };

const machineTypesRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const service = app.machineTypes;
  const adminOnly = app.requireAllowed('machine_type.manage');

  app.get(
    '/machine-types',
    {
      schema: {
        summary: 'List machine types with their names',
        operationId: 'listMachineTypes',
        tags: ['machines'],
        response: { 200: ListOf(MachineType) },
      },
    },
    async () => {
      const items = await service.list();
      return { items, total: items.length };
    },
  );

  app.post(
    '/machine-types',
    {
      preHandler: adminOnly,
      schema: {
        summary: 'Add a machine type',
        operationId: 'createMachineType',
        tags: ['machines'],
        security: [{ bearerAuth: [] }],
        body: MachineTypeBody,
        response: { 201: MachineType, ...errors },
      },
    },
    async (request, reply) => reply.status(201).send(await service.create(request.actor, request.body)),
  );

  app.patch(
    '/machine-types/:slug',
    {
      preHandler: adminOnly,
      schema: {
        summary: 'Rename a machine type (its slug stays)',
        operationId: 'updateMachineType',
        tags: ['machines'],
        security: [{ bearerAuth: [] }],
        params: Type.Object({ slug: Slug }),
        body: MachineTypePatchBody,
        response: { 200: MachineType, ...errors },
      },
    },
    async (request) => service.update(request.actor, request.params.slug, request.body),
  );
};

export default machineTypesRoutes;

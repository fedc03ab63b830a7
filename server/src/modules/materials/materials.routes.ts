import { ErrorResponse, ListOf, Material, MaterialBody, MaterialPatchBody, Type, Uuid } from '@fablab/shared';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';

const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse };
const secured = { security: [{ bearerAuth: [] }] };
const LabIdParams = Type.Object({ labId: Uuid });
const MaterialParams = Type.Object({ labId: Uuid, materialId: Uuid });

const materialsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const service = app.materials;

  app.get(
    '/labs/:labId/materials',
    {
      preHandler: app.authenticate,
      schema: {
        summary: 'A lab’s materials catalogue',
        operationId: 'listMaterials',
        tags: ['usage'],
        ...secured,
        params: LabIdParams,
        response: { 200: ListOf(Material), ...errors },
      },
    },
    async (request) => {
      const items = await service.list(request.params.labId);
      return { items, total: items.length };
    },
  );

  app.post(
    '/labs/:labId/materials',
    {
      preHandler: app.authenticate,
      schema: {
        summary: 'Add an entry to a lab’s materials catalogue',
        operationId: 'createMaterial',
        tags: ['usage'],
        ...secured,
        params: LabIdParams,
        body: MaterialBody,
        response: { 201: Material, ...errors },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await service.create(request.actor, request.params.labId, request.body)),
  );

  app.patch(
    '/labs/:labId/materials/:materialId',
    {
      preHandler: app.authenticate,
      schema: {
        summary: 'Rename an entry of a lab’s materials catalogue, or change its unit or price',
        operationId: 'updateMaterial',
        tags: ['usage'],
        ...secured,
        params: MaterialParams,
        body: MaterialPatchBody,
        response: { 200: Material, ...errors },
      },
    },
    async (request) => service.update(request.actor, request.params.labId, request.params.materialId, request.body),
  );
};

export default materialsRoutes;

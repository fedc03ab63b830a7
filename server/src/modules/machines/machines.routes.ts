import { ErrorResponse, ListOf, Machine, MachineBody, MachinePatchBody, Type, Uuid } from '@fablab/shared';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';

const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse, 422: ErrorResponse };
const MachineParams = Type.Object({ machineId: Uuid });

const machinesRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const service = app.machines;

  app.get(
    '/labs/:labId/machines',
    { schema: { summary: 'List a lab’s machines', operationId: 'listMachines', tags: ['machines'], params: Type.Object({ labId: Uuid }), response: { 200: ListOf(Machine), ...errors } } },
    async (request) => {
      const items = await service.listForLab(request.params.labId);
      return { items, total: items.length };
    },
  );

  app.get(
    '/machines/:machineId',
    { schema: { summary: 'Read a machine', operationId: 'getMachine', tags: ['machines'], params: MachineParams, response: { 200: Machine, ...errors } } },
    async (request) => service.get(request.params.machineId),
  );

  app.post(
    '/labs/:labId/machines',
    {
      preHandler: app.authenticate,
      schema: { summary: 'Add a machine to a lab', operationId: 'createMachine',
        tags: ['machines'],
        security: [{ bearerAuth: [] }],
        params: Type.Object({ labId: Uuid }),
        body: MachineBody,
        response: { 201: Machine, ...errors },
      },
    },
    async (request, reply) => reply.status(201).send(await service.create(request.actor, request.params.labId, request.body)),
  );

  app.patch(
    '/machines/:machineId',
    {
      preHandler: app.authenticate,
      schema: { summary: 'Change a machine', operationId: 'updateMachine',
        tags: ['machines'],
        security: [{ bearerAuth: [] }],
        params: MachineParams,
        body: MachinePatchBody,
        response: { 200: Type.Intersect([Machine, Type.Object({ cancelledBookingIds: Type.Array(Uuid) })]), ...errors },
      },
    },
    async (request) => {
      const { machine, cancelledBookingIds } = await service.update(request.actor, request.params.machineId, request.body);
      return { ...machine, cancelledBookingIds };
    },
  );
};

export default machinesRoutes;

import {
  Card,
  CardBody,
  Device,
  DeviceBody,
  DeviceEvent,
  DeviceEventQuery,
  ErrorResponse,
  ListOf,
  PowerBody,
  PowerResult,
  StartResult,
  Type,
  UsageSession,
  Uuid,
} from '@fablab/shared';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';

const errors = {
  400: ErrorResponse,
  401: ErrorResponse,
  403: ErrorResponse,
  404: ErrorResponse,
  409: ErrorResponse,
  422: ErrorResponse,
};
const secured = { tags: ['devices'], security: [{ bearerAuth: [] }] };
const MachineParams = Type.Object({ machineId: Uuid });
const IdParams = Type.Object({ id: Uuid });

const devicesRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const service = app.devices;

  app.post(
    '/machines/:machineId/devices',
    {
      preHandler: app.authenticate,
      schema: {
        summary: 'Register a device (switch or card reader) on a machine',
        operationId: 'registerDevice',
        ...secured,
        params: MachineParams,
        body: DeviceBody,
        response: { 201: Device, ...errors },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await service.register(request.actor, request.params.machineId, request.body)),
  );

  app.get(
    '/labs/:labId/devices',
    {
      preHandler: app.authenticate,
      schema: {
        summary: 'List a lab’s devices and their last reported state',
        operationId: 'listLabDevices',
        ...secured,
        params: Type.Object({ labId: Uuid }),
        response: { 200: ListOf(Device), ...errors },
      },
    },
    async (request) => {
      const items = await service.listForLab(request.actor, request.params.labId);
      return { items, total: items.length };
    },
  );

  app.get(
    '/labs/:labId/device-events',
    {
      preHandler: app.authenticate,
      schema: {
        summary: 'List a lab’s device events (taps, commands, presence)',
        operationId: 'listDeviceEvents',
        ...secured,
        params: Type.Object({ labId: Uuid }),
        querystring: DeviceEventQuery,
        response: { 200: ListOf(DeviceEvent), ...errors },
      },
    },
    async (request) => service.events(request.actor, request.params.labId, request.query),
  );

  app.delete(
    '/devices/:id',
    {
      preHandler: app.authenticate,
      schema: {
        summary: 'Remove a device',
        operationId: 'deleteDevice',
        ...secured,
        params: IdParams,
        response: { 204: Type.Null(), ...errors },
      },
    },
    async (request, reply) => {
      await service.remove(request.actor, request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/users/:id/cards',
    {
      preHandler: app.authenticate,
      schema: {
        summary: 'Assign a card to a member',
        operationId: 'assignCard',
        ...secured,
        params: IdParams,
        body: CardBody,
        response: { 201: Card, ...errors },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await service.addCard(request.actor, request.params.id, request.body)),
  );

  app.get(
    '/users/:id/cards',
    {
      preHandler: app.authenticate,
      schema: {
        summary: 'List a member’s cards',
        operationId: 'listUserCards',
        ...secured,
        params: IdParams,
        response: { 200: ListOf(Card), ...errors },
      },
    },
    async (request) => {
      const items = await service.cardsOf(request.actor, request.params.id);
      return { items, total: items.length };
    },
  );

  app.get(
    '/me/cards',
    {
      preHandler: app.authenticate,
      schema: {
        summary: 'List the signed-in member’s cards',
        operationId: 'listMyCards',
        ...secured,
        response: { 200: ListOf(Card), ...errors },
      },
    },
    async (request) => {
      const items = await service.cardsOf(request.actor, request.actor.id);
      return { items, total: items.length };
    },
  );

  app.delete(
    '/cards/:id',
    {
      preHandler: app.authenticate,
      schema: {
        summary: 'Remove a card',
        operationId: 'deleteCard',
        ...secured,
        params: IdParams,
        response: { 204: Type.Null(), ...errors },
      },
    },
    async (request, reply) => {
      await service.removeCard(request.actor, request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/machines/:machineId/start',
    {
      preHandler: app.authenticate,
      schema: {
        summary: 'Start using a machine (the QR button): the same decision as a tap',
        operationId: 'startMachine',
        ...secured,
        params: MachineParams,
        response: { 200: StartResult, ...errors },
      },
    },
    async (request) => service.start(request.actor, request.params.machineId),
  );

  app.post(
    '/machines/:machineId/stop',
    {
      preHandler: app.authenticate,
      schema: {
        summary: 'Stop using a machine: check out and switch off',
        operationId: 'stopMachine',
        ...secured,
        params: MachineParams,
        response: { 200: UsageSession, ...errors },
      },
    },
    async (request) => service.stop(request.actor, request.params.machineId),
  );

  app.post(
    '/machines/:machineId/power',
    {
      preHandler: app.authenticate,
      schema: {
        summary:
          'Switch a machine’s power on or off from the status board (the lab’s managers, admins): audited; answers with the switch once it reported the new output (`confirmed`), or after 3 s',
        operationId: 'setMachinePower',
        ...secured,
        params: MachineParams,
        body: PowerBody,
        response: { 200: PowerResult, ...errors },
      },
    },
    async (request) => service.setPower(request.actor, request.params.machineId, request.body),
  );
};

export default devicesRoutes;

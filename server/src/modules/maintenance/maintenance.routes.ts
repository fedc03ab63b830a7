import {
  CancelledBookings,
  DryRunQuery,
  ErrorResponse,
  ListOf,
  MaintenanceBody,
  MaintenanceCreated,
  MaintenanceListQuery,
  MaintenanceLogBody,
  MaintenanceLogEntry,
  MaintenancePlan,
  MaintenancePlanBody,
  MaintenancePlanDone,
  MaintenancePlanDoneBody,
  MaintenancePlanPatchBody,
  MaintenanceWindow,
  Pagination,
  Type,
  Uuid,
} from '@fablab/shared';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { emptyBodyAsObject } from '../../lib/empty-body.js';

const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse, 422: ErrorResponse };
const MachineParams = Type.Object({ machineId: Uuid });
const PlanParams = Type.Object({ machineId: Uuid, planId: Uuid });
const PageQuery = Type.Object(Pagination.properties, { additionalProperties: false });
const secured = { tags: ['maintenance'], security: [{ bearerAuth: [] }] };

const maintenanceRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const service = app.maintenance;

  app.post(
    '/machines/:machineId/maintenance',
    {
      preHandler: app.authenticate,
      schema: {
        summary: 'Schedule maintenance on a machine (dryRun: list the bookings it would cancel)',
        operationId: 'createMaintenanceWindow',
        ...secured,
        params: MachineParams,
        querystring: DryRunQuery,
        body: MaintenanceBody,
        response: { 200: CancelledBookings, 201: MaintenanceCreated, ...errors },
      },
    },
    async (request, reply) => {
      const dryRun = request.query.dryRun === true;
      return reply.status(dryRun ? 200 : 201).send(await service.createWindow(request.actor, request.params.machineId, request.body, { dryRun }));
    },
  );

  app.get(
    '/maintenance',
    {
      preHandler: app.authenticate,
      schema: { summary: 'List maintenance windows', operationId: 'listMaintenanceWindows', ...secured, querystring: MaintenanceListQuery, response: { 200: ListOf(MaintenanceWindow), ...errors } },
    },
    async (request) => service.listWindows(request.query),
  );

  app.delete(
    '/maintenance/:id',
    {
      preHandler: app.authenticate,
      schema: { summary: 'Remove a maintenance window', operationId: 'deleteMaintenanceWindow', ...secured, params: Type.Object({ id: Uuid }), response: { 204: Type.Null(), ...errors } },
    },
    async (request, reply) => {
      await service.deleteWindow(request.actor, request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/machines/:machineId/maintenance-log',
    {
      preHandler: app.authenticate,
      schema: { summary: 'Read a machine’s maintenance log', operationId: 'listMaintenanceLog', ...secured, params: MachineParams, querystring: PageQuery, response: { 200: ListOf(MaintenanceLogEntry), ...errors } },
    },
    async (request) => service.listLog(request.actor, request.params.machineId, request.query),
  );

  app.post(
    '/machines/:machineId/maintenance-log',
    {
      preHandler: app.authenticate,
      schema: { summary: 'Log maintenance work on a machine', operationId: 'createMaintenanceLogEntry', ...secured, params: MachineParams, body: MaintenanceLogBody, response: { 201: MaintenanceLogEntry, ...errors } },
    },
    async (request, reply) => reply.status(201).send(await service.addLog(request.actor, request.params.machineId, request.body)),
  );

  app.get(
    '/machines/:machineId/maintenance-plans',
    {
      preHandler: app.authenticate,
      schema: { summary: 'List a machine’s maintenance plans', operationId: 'listMaintenancePlans', ...secured, params: MachineParams, response: { 200: ListOf(MaintenancePlan), ...errors } },
    },
    async (request) => service.listPlans(request.actor, request.params.machineId),
  );

  app.post(
    '/machines/:machineId/maintenance-plans',
    {
      preHandler: app.authenticate,
      schema: { summary: 'Add a maintenance plan', operationId: 'createMaintenancePlan', ...secured, params: MachineParams, body: MaintenancePlanBody, response: { 201: MaintenancePlan, ...errors } },
    },
    async (request, reply) => reply.status(201).send(await service.createPlan(request.actor, request.params.machineId, request.body)),
  );

  app.patch(
    '/machines/:machineId/maintenance-plans/:planId',
    {
      preHandler: app.authenticate,
      schema: { summary: 'Change a maintenance plan', operationId: 'updateMaintenancePlan', ...secured, params: PlanParams, body: MaintenancePlanPatchBody, response: { 200: MaintenancePlan, ...errors } },
    },
    async (request) => service.updatePlan(request.actor, request.params.machineId, request.params.planId, request.body),
  );

  app.delete(
    '/machines/:machineId/maintenance-plans/:planId',
    {
      preHandler: app.authenticate,
      schema: { summary: 'Remove a maintenance plan', operationId: 'deleteMaintenancePlan', ...secured, params: PlanParams, response: { 204: Type.Null(), ...errors } },
    },
    async (request, reply) => {
      await service.deletePlan(request.actor, request.params.machineId, request.params.planId);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/machines/:machineId/maintenance-plans/:planId/done',
    {
      preHandler: app.authenticate,
      preValidation: emptyBodyAsObject,
      schema: { summary: 'Mark planned maintenance done', operationId: 'completeMaintenancePlan', ...secured, params: PlanParams, body: MaintenancePlanDoneBody, response: { 200: MaintenancePlanDone, ...errors } },
    },
    async (request) => service.markPlanDone(request.actor, request.params.machineId, request.params.planId, request.body),
  );

  app.get(
    '/labs/:labId/maintenance-due',
    {
      preHandler: app.authenticate,
      schema: { summary: 'Maintenance due in a lab', operationId: 'listMaintenanceDue', ...secured, params: Type.Object({ labId: Uuid }), response: { 200: ListOf(MaintenancePlan), ...errors } },
    },
    async (request) => service.dueForLab(request.actor, request.params.labId),
  );
};

export default maintenanceRoutes;

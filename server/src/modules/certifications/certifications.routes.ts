import { Certification, CertificationBody, CertificationListQuery, ErrorResponse, ListOf, Recognition, RecognitionBody, Type, Uuid } from '@fablab/shared';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';

const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse, 422: ErrorResponse };
const secured = { tags: ['certifications'], security: [{ bearerAuth: [] }] };

const certificationsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const service = app.certifications;

  app.post(
    '/labs/:labId/certifications',
    {
      preHandler: app.authenticate,
      schema: { summary: 'Certify a member on a machine type', operationId: 'createCertification', ...secured, params: Type.Object({ labId: Uuid }), body: CertificationBody, response: { 201: Certification, ...errors } },
    },
    async (request, reply) => reply.status(201).send(await service.grant(request.actor, request.params.labId, request.body)),
  );

  app.get(
    '/certifications',
    {
      preHandler: app.authenticate,
      schema: { summary: 'List certifications', operationId: 'listCertifications', ...secured, querystring: CertificationListQuery, response: { 200: ListOf(Certification), ...errors } },
    },
    async (request) => service.list(request.actor, request.query),
  );

  app.delete(
    '/certifications/:id',
    {
      preHandler: app.authenticate,
      schema: { summary: 'Revoke a certification', operationId: 'revokeCertification', ...secured, params: Type.Object({ id: Uuid }), response: { 204: Type.Null(), ...errors } },
    },
    async (request, reply) => {
      await service.revoke(request.actor, request.params.id);
      return reply.status(204).send(null);
    },
  );

  // Which other labs' certifications this lab accepts, per machine type.
  const LabParams = Type.Object({ labId: Uuid });
  app.get(
    '/labs/:labId/recognitions',
    {
      preHandler: app.authenticate,
      schema: { summary: 'List the labs whose certifications this lab recognises, per machine type', operationId: 'listRecognitions', ...secured, params: LabParams, response: { 200: ListOf(Recognition), ...errors } },
    },
    async (request) => service.recognitions.list(request.actor, request.params.labId),
  );

  app.post(
    '/labs/:labId/recognitions',
    {
      preHandler: app.authenticate,
      schema: { summary: 'Recognise another lab’s certifications for a machine type', operationId: 'createRecognition', ...secured, params: LabParams, body: RecognitionBody, response: { 201: Recognition, ...errors } },
    },
    async (request, reply) => reply.status(201).send(await service.recognitions.add(request.actor, request.params.labId, request.body)),
  );

  app.delete(
    '/labs/:labId/recognitions',
    {
      preHandler: app.authenticate,
      schema: { summary: 'Stop recognising another lab’s certifications for a machine type', operationId: 'deleteRecognition', ...secured, params: LabParams, body: RecognitionBody, response: { 204: Type.Null(), ...errors } },
    },
    async (request, reply) => {
      await service.recognitions.remove(request.actor, request.params.labId, request.body);
      return reply.status(204).send(null);
    },
  );
};

export default certificationsRoutes;

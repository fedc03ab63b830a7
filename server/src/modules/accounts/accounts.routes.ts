import {
  AuthResponse,
  ConsentToken,
  CreateUserBody,
  CreateUserResponse,
  GuardianConsentBody,
  GuardianConsentGiven,
  GuardianConsentLinkBody,
  GuardianConsentRequest,
  PaperConsentBody,
  DeleteMeBody,
  ErrorResponse,
  ListOf,
  LoginBody,
  RegisterBody,
  Type,
  UpdateMeBody,
  UpdateUserBody,
  User,
  UserListQuery,
  Uuid,
} from '@fablab/shared';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { DomainError, forbidden } from '../../lib/errors.js';

const errors = {
  400: ErrorResponse,
  401: ErrorResponse,
  403: ErrorResponse,
  404: ErrorResponse,
  409: ErrorResponse,
  422: ErrorResponse,
  429: ErrorResponse,
};

const accountsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const service = app.accounts;
  /** Registrations per address; the attempt counts once the request is well-formed. */
  async function registerLimit(request: FastifyRequest) {
    await app.throttle.hit('registrations', request.ip);
  }

  app.post(
    '/auth/register',
    {
      preHandler: registerLimit,
      schema: {
        summary: 'Create an account',
        operationId: 'register',
        tags: ['accounts'],
        body: RegisterBody,
        response: { 201: AuthResponse, ...errors },
      },
    },
    async (request, reply) => {
      const row = await service.register(request.body);
      return reply.status(201).send({ token: app.signToken(row), user: await service.apiUser(row) });
    },
  );

  app.post(
    '/auth/login',
    {
      schema: {
        summary: 'Sign in',
        operationId: 'login',
        tags: ['accounts'],
        body: LoginBody,
        response: { 200: AuthResponse, ...errors },
      },
    },
    async (request) => {
      const email = service.normalizeEmail(request.body.email);
      // Refused before the password is looked at, so a spent budget tells nothing about it.
      await app.throttle.signIn.guard(email, request);
      try {
        const row = await service.login(email, request.body.password);
        await app.throttle.signIn.succeeded(email, request);
        return { token: app.signToken(row), user: await service.apiUser(row) };
      } catch (err) {
        if (err instanceof DomainError && err.code === 'INVALID_CREDENTIALS')
          await app.throttle.signIn.failed(email, request);
        throw err;
      }
    },
  );

  app.get(
    '/me',
    {
      preHandler: app.authenticate,
      schema: {
        summary: 'Read the signed-in account',
        operationId: 'getMe',
        tags: ['accounts'],
        security: [{ bearerAuth: [] }],
        response: { 200: User, ...errors },
      },
    },
    async (request) => {
      const row = await service.updateMe(request.actor.id, {});
      return service.apiUser(row);
    },
  );

  /**
   * A change that asks for the current password counts a wrong one as a failed sign-in of the
   * account: a stolen session must not become a way to guess the password without limit.
   */
  async function withCurrentPassword<T>(request: FastifyRequest, run: () => Promise<T>): Promise<T> {
    const email = service.normalizeEmail(request.actor.email);
    await app.throttle.signIn.guard(email, request);
    try {
      return await run();
    } catch (err) {
      if (err instanceof DomainError && err.code === 'WRONG_PASSWORD') await app.throttle.signIn.failed(email, request);
      throw err;
    }
  }

  app.patch(
    '/me',
    {
      preHandler: app.authenticate,
      schema: {
        summary: 'Change the signed-in account (its password with the current one)',
        operationId: 'updateMe',
        tags: ['accounts'],
        security: [{ bearerAuth: [] }],
        body: UpdateMeBody,
        response: { 200: User, ...errors },
      },
    },
    async (request) => {
      const update = () => service.updateMe(request.actor.id, request.body);
      const row = request.body.password !== undefined ? await withCurrentPassword(request, update) : await update();
      return service.apiUser(row);
    },
  );

  app.get(
    '/me/export',
    {
      preHandler: app.authenticate,
      schema: {
        summary: 'Download all of the member’s own data',
        operationId: 'exportMyData',
        tags: ['accounts'],
        security: [{ bearerAuth: [] }],
      },
    },
    async (request, reply) => {
      const data = await service.exportMe(request.actor.id);
      reply.header('Content-Disposition', 'attachment; filename="my-fablab-data.json"');
      return data;
    },
  );

  app.delete(
    '/me',
    {
      preHandler: app.authenticate,
      schema: {
        summary: 'Delete (anonymise) the signed-in account',
        operationId: 'deleteMe',
        tags: ['accounts'],
        security: [{ bearerAuth: [] }],
        body: DeleteMeBody,
        response: { 204: Type.Null(), ...errors },
      },
    },
    async (request, reply) => {
      await withCurrentPassword(request, () => service.deleteMe(request.actor.id, request.body.currentPassword));
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/users',
    {
      preHandler: app.requireAllowed('users.search'),
      schema: {
        summary: 'Find users',
        operationId: 'listUsers',
        tags: ['accounts'],
        security: [{ bearerAuth: [] }],
        querystring: UserListQuery,
        response: { 200: ListOf(User), ...errors },
      },
    },
    async (request) => {
      const { q, role, limit = 50, offset = 0 } = request.query;
      return service.list({ q, role }, { limit, offset });
    },
  );

  app.post(
    '/users',
    {
      preHandler: app.requireAllowed('users.invite'),
      schema: {
        summary: 'Open an account and invite its owner to choose a password',
        operationId: 'createUser',
        tags: ['accounts'],
        security: [{ bearerAuth: [] }],
        body: CreateUserBody,
        response: { 201: CreateUserResponse, ...errors },
      },
    },
    async (request, reply) => {
      const { user, invite } = await service.createUser(request.actor.id, request.body);
      return reply.status(201).send({ user: await service.apiUser(user), invite });
    },
  );

  app.post(
    '/users/:id/invite',
    {
      preHandler: app.requireAllowed('users.invite'),
      schema: {
        summary: 'Make a new invite link for an account (the older ones stop working)',
        operationId: 'inviteUser',
        tags: ['accounts'],
        security: [{ bearerAuth: [] }],
        params: Type.Object({ id: Uuid }),
        response: { 200: CreateUserResponse, ...errors },
      },
    },
    async (request) => {
      const { user, invite } = await service.reinvite(request.actor.id, request.params.id);
      return { user: await service.apiUser(user), invite };
    },
  );

  // ---------- a guardian's consent to an under-16 account (Decree 13/2023, art. 20) ----------

  app.post(
    '/me/guardian-consent',
    {
      preHandler: app.authenticate,
      schema: {
        summary: 'Send (again) the consent link to the guardian of the signed-in member under 16',
        operationId: 'requestGuardianConsentLink',
        tags: ['accounts'],
        security: [{ bearerAuth: [] }],
        body: GuardianConsentLinkBody,
        response: { 200: User, ...errors },
      },
    },
    async (request) => service.apiUser(await service.requestConsentLink(request.actor.id, request.body)),
  );

  /** The guardian has no account: the link's secret is the whole of their right, throttled per address as sign-in is. */
  async function consentLimit(request: FastifyRequest) {
    await app.throttle.hit('auth', request.ip);
  }

  app.get(
    '/guardian-consent/:token',
    {
      preHandler: consentLimit,
      schema: {
        summary: 'Read what a guardian is asked to consent to (the link mailed to them)',
        operationId: 'readGuardianConsent',
        tags: ['accounts'],
        params: Type.Object({ token: ConsentToken }),
        response: { 200: GuardianConsentRequest, ...errors },
      },
    },
    async (request) => service.readConsent(request.params.token),
  );

  app.post(
    '/guardian-consent/:token',
    {
      preHandler: consentLimit,
      schema: {
        summary: 'The guardian consents (once per link)',
        operationId: 'confirmGuardianConsent',
        tags: ['accounts'],
        params: Type.Object({ token: ConsentToken }),
        body: GuardianConsentBody,
        response: { 200: GuardianConsentGiven, ...errors },
      },
    },
    async (request) => service.confirmConsent(request.params.token),
  );

  app.post(
    '/users/:id/guardian-consent',
    {
      preHandler: app.authenticate,
      schema: {
        summary: 'Record the paper consent form a guardian signed (a lab’s manager, for their lab)',
        operationId: 'recordPaperConsent',
        tags: ['accounts'],
        security: [{ bearerAuth: [] }],
        params: Type.Object({ id: Uuid }),
        body: PaperConsentBody,
        response: { 200: User, ...errors },
      },
    },
    async (request) =>
      service.apiUser(await service.recordPaperConsent(request.actor, request.params.id, request.body)),
  );

  app.patch(
    '/users/:id',
    {
      preHandler: app.requireAllowed('users.administer'),
      schema: {
        summary: 'Change a user’s role, labs or state',
        operationId: 'updateUser',
        tags: ['accounts'],
        security: [{ bearerAuth: [] }],
        params: Type.Object({ id: Uuid }),
        body: UpdateUserBody,
        response: { 200: User, ...errors },
      },
    },
    async (request) => {
      if (request.params.id === request.actor.id && request.body.role && request.body.role !== 'admin') {
        throw forbidden('An admin cannot remove their own admin role');
      }
      const row = await service.updateUser(request.actor.id, request.params.id, request.body);
      return service.apiUser(row);
    },
  );
};

export default accountsRoutes;

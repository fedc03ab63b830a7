// JWT sign-in and role guards. A token carries the user id and a version that changes on
// password change, disable and delete, so such tokens stop working at once.
import jwt from '@fastify/jwt';
import type { Role } from '@fablab/shared';
import { eq, sql } from 'drizzle-orm';
import type { FastifyInstance, FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import fp from 'fastify-plugin';
import { labManagers, users } from '../db/schema/index.js';
import { forbidden, unauthorized } from '../lib/errors.js';
import { can, type Action, type Actor } from './policy.js';

export type { Actor } from './policy.js';

declare module '@fastify/jwt' {
  interface FastifyJWT {
    payload: { sub: string; ver: string };
    user: { sub: string; ver: string };
  }
}

declare module 'fastify' {
  interface FastifyInstance {
    authenticate: preHandlerAsyncHookHandler;
    requireRole(...roles: Role[]): preHandlerAsyncHookHandler;
    /** Signed in, and allowed the action by the policy (for actions about no one resource). */
    requireAllowed(action: Action): preHandlerAsyncHookHandler;
    signToken(user: { id: string; tokenVersion: string }): string;
  }
  interface FastifyRequest {
    /** The signed-in caller, loaded from the database; set by app.authenticate. */
    actor: Actor;
  }
}

export default fp(
  async function auth(app: FastifyInstance) {
    await app.register(jwt, {
      secret: app.config.jwtSecret,
      sign: { algorithm: 'HS256', expiresIn: app.config.jwtExpiresIn },
      verify: { algorithms: ['HS256'] },
    });

    app.decorate('signToken', (user: { id: string; tokenVersion: string }) =>
      app.jwt.sign({ sub: user.id, ver: user.tokenVersion }),
    );

    app.decorateRequest('actor', null as unknown as Actor);

    // Every signed-in request runs this: prepared once (built once here, parsed and planned once per
    // connection by PostgreSQL), with the managed labs in the same round trip.
    const signedInUser = app.db
      .select({
        id: users.id,
        role: users.role,
        fullName: users.fullName,
        email: users.email,
        locale: users.locale,
        disabled: users.disabled,
        deletedAt: users.deletedAt,
        tokenVersion: users.tokenVersion,
        managedLabIds: sql<string[]>`coalesce((select array_agg(${labManagers.labId}::text) from ${labManagers} where ${labManagers.userId} = ${sql.placeholder('id')}), '{}')`,
      })
      .from(users)
      .where(eq(users.id, sql.placeholder('id')))
      .prepare('auth_signed_in_user');

    async function loadActor(request: FastifyRequest): Promise<Actor> {
      let payload: { sub: string; ver: string };
      try {
        payload = await request.jwtVerify<{ sub: string; ver: string }>();
      } catch {
        throw unauthorized('A valid sign-in token is required');
      }
      if (typeof payload.sub !== 'string' || !/^[0-9a-f-]{36}$/i.test(payload.sub)) throw unauthorized();
      const [user] = await signedInUser.execute({ id: payload.sub });
      if (!user || user.disabled || user.deletedAt || user.tokenVersion !== payload.ver || !user.email) {
        throw unauthorized('This sign-in is no longer valid');
      }
      return {
        id: user.id,
        role: user.role,
        fullName: user.fullName,
        email: user.email,
        locale: user.locale,
        managedLabIds: user.role === 'manager' ? user.managedLabIds : [],
      };
    }

    app.decorate('authenticate', async function authenticate(request: FastifyRequest, _reply: FastifyReply) {
      request.actor = await loadActor(request);
    });

    app.decorate('requireRole', (...roles: Role[]) => {
      return async function requireRole(request: FastifyRequest, reply: FastifyReply) {
        if (!request.actor) await app.authenticate.call(app, request, reply);
        if (!roles.includes(request.actor.role)) throw forbidden();
      };
    });

    app.decorate('requireAllowed', (action: Action) => {
      return async function requireAllowed(request: FastifyRequest, reply: FastifyReply) {
        if (!request.actor) await app.authenticate.call(app, request, reply);
        if (!can(request.actor, action)) throw forbidden();
      };
    });
  },
  { name: 'auth' },
);

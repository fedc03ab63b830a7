// Request bodies are taken as sent: an unknown field is refused and named (not dropped), no field is
// type-coerced ("3" is not 3, a string is not a one-item list), a PATCH that changes nothing is
// refused, and text is trimmed so that a name of spaces is no name. Derived from the route table.
import fc from 'fast-check';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestContext } from '../helpers/app.js';
import { createRouteWorld, routeUrl } from './route-world.js';
import { routeKey, type CollectedRoute } from './routes.js';
import { validArb, type IdPools, type JsonSchema } from './schema-values.js';
import type { World } from './world.js';

const bodyOf = (route: CollectedRoute) => (route.schema as Record<string, JsonSchema | undefined> | undefined)?.body;

/** The object branch of a body schema (bodies that may be null are a union with null). */
function objectSchema(schema: JsonSchema): JsonSchema | undefined {
  if (schema.type === 'object') return schema;
  const branches = (schema.anyOf ?? schema.oneOf) as JsonSchema[] | undefined;
  return branches?.find((b) => b.type === 'object');
}

describe('request bodies', () => {
  let ctx: TestContext;
  let world: World;
  let routes: CollectedRoute[];
  let pools: IdPools;

  beforeAll(async () => {
    ({ ctx, world, routes, pools } = await createRouteWorld());
  });
  afterAll(() => ctx?.close());

  const urlOf = (route: CollectedRoute) => routeUrl(route, world);

  /** Routes with an object body, each with a body the schema accepts. */
  function bodies() {
    return routes.flatMap((route, i) => {
      const body = bodyOf(route);
      const schema = body && objectSchema(body);
      if (!schema) return [];
      const [sample] = fc.sample(validArb(schema, pools), { seed: 53 + i, numRuns: 1 }) as Array<
        Record<string, unknown>
      >;
      return [{ route, schema, sample: sample ?? {} }];
    });
  }

  const send = (route: CollectedRoute, payload: unknown) =>
    ctx.injectAs(world.users.admin, {
      method: route.method as 'POST',
      url: urlOf(route),
      payload: payload as InjectOptions['payload'],
    });

  it('refuses an unknown field on every route with a body, naming it', async () => {
    const all = bodies();
    expect(all.length).toBeGreaterThan(25);
    const wrong: string[] = [];
    for (const { route, sample } of all) {
      const res = await send(route, { ...sample, colour: 'blue' });
      const body = res.json() as { code?: string; message?: string };
      if (res.statusCode !== 400 || body.code !== 'UNKNOWN_FIELD' || !body.message?.includes('colour'))
        wrong.push(`${routeKey(route)}: ${res.statusCode} ${res.body.slice(0, 140)}`);
    }
    expect(wrong).toEqual([]);
  });

  it('names an unknown field inside a nested object', async () => {
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/api/auth/register',
      payload: {
        email: 'nested@example.test',
        password: 'long-enough-password',
        fullName: 'Lê Văn Nhỏ',
        category: 'student',
        under16: true,
        guardian: { name: 'Lê Thị Mẹ', contact: 'me@example.test', consent: true, relation: 'mother' },
      },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'UNKNOWN_FIELD' });
    expect(res.json().message).toContain('guardian.relation');
  });

  it('coerces no body field: numbers, booleans and lists must be sent as such', async () => {
    const wrong: string[] = [];
    let checked = 0;
    for (const { route, schema, sample } of bodies()) {
      const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
      for (const [field, value] of Object.entries(sample)) {
        const type = properties[field]?.type;
        let coercible: unknown;
        if (typeof value === 'number' || typeof value === 'boolean') coercible = String(value);
        else if (type === 'string' && typeof value === 'string') coercible = [value];
        else if (type === 'array' && Array.isArray(value) && value.length === 1) coercible = value[0];
        else continue;
        checked++;
        const res = await send(route, { ...sample, [field]: coercible });
        if (res.statusCode !== 400)
          wrong.push(
            `${routeKey(route)} ${field}=${JSON.stringify(coercible)}: ${res.statusCode} ${res.body.slice(0, 120)}`,
          );
      }
    }
    expect(checked).toBeGreaterThan(30);
    expect(wrong).toEqual([]);
  });

  it('refuses an empty PATCH with 400 EMPTY_PATCH on every PATCH route', async () => {
    const patches = routes.filter((r) => r.method === 'PATCH');
    expect(patches.length).toBeGreaterThanOrEqual(5);
    const wrong: string[] = [];
    for (const route of patches) {
      const res = await send(route, {});
      if (res.statusCode !== 400 || res.json().code !== 'EMPTY_PATCH')
        wrong.push(`${routeKey(route)}: ${res.statusCode} ${res.body.slice(0, 120)}`);
    }
    expect(wrong).toEqual([]);
    // The two that answered 500 before, on resources that exist.
    const lab = await ctx.injectAs(world.users.admin, {
      method: 'PATCH',
      url: `/api/labs/${world.labHere.id}`,
      payload: {},
    });
    expect(lab.json()).toMatchObject({ statusCode: 400, code: 'EMPTY_PATCH' });
    const unknownOnly = await ctx.injectAs(world.users.admin, {
      method: 'PATCH',
      url: `/api/labs/${world.labHere.id}`,
      payload: { colour: 'blue' },
    });
    expect(unknownOnly.statusCode).toBe(400);
    const machine = await ctx.injectAs(world.users.admin, {
      method: 'PATCH',
      url: `/api/machines/${world.machineHere.id}`,
      payload: {},
    });
    expect(machine.json()).toMatchObject({ statusCode: 400, code: 'EMPTY_PATCH' });
    // A flag alone changes no column of the machine, and is no fault.
    const flagOnly = await ctx.injectAs(world.users.admin, {
      method: 'PATCH',
      url: `/api/machines/${world.machineHere.id}`,
      payload: { cancelFutureBookings: true },
    });
    expect(flagOnly.statusCode, flagOnly.body).toBe(200);
  });

  it('trims text, and refuses a required name that is only spaces', async () => {
    const register = (fullName: string, email: string) =>
      ctx.app.inject({
        method: 'POST',
        url: '/api/auth/register',
        payload: { email, password: '  spaces are part of a password  ', fullName, category: 'student' },
      });
    const blank = await register('   ', 'blank@example.test');
    expect(blank.statusCode).toBe(400);
    const tabs = await register('\t \n', 'tabs@example.test');
    expect(tabs.statusCode).toBe(400);

    const padded = await register('  Phạm Thu Hà  ', '  padded@example.test ');
    expect(padded.statusCode, padded.body).toBe(201);
    expect(padded.json().user).toMatchObject({ fullName: 'Phạm Thu Hà', email: 'padded@example.test' });
    // The password is taken exactly as typed, spaces included.
    const login = await ctx.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: 'padded@example.test', password: '  spaces are part of a password  ' },
    });
    expect(login.statusCode).toBe(200);

    const token = padded.json().token as string;
    const rename = await ctx.app.inject({
      method: 'PATCH',
      url: '/api/me',
      headers: { authorization: `Bearer ${token}` },
      payload: { fullName: '    ' },
    });
    expect(rename.statusCode).toBe(400);

    const lab = await ctx.injectAs(world.users.admin, {
      method: 'PATCH',
      url: `/api/labs/${world.labHere.id}`,
      payload: { name: '   ' },
    });
    expect(lab.statusCode).toBe(400);
    const machine = await ctx.injectAs(world.users.admin, {
      method: 'PATCH',
      url: `/api/machines/${world.machineHere.id}`,
      payload: { name: '  Laser 2  ' },
    });
    expect(machine.statusCode, machine.body).toBe(200);
    expect(machine.json().name).toBe('Laser 2');
  });
});

// Every instant a request carries, in a body or a query, on every route: a string that is not an
// ISO 8601 instant with an explicit offset is refused with 400 INVALID_INSTANT naming the field,
// before any rule runs. Dates and months must be real calendar dates. Derived from the route table,
// so an instant added later is held to it too.
import fc from 'fast-check';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestContext } from '../helpers/app.js';
import { createRouteWorld, routeUrl } from './route-world.js';
import { routeKey, type CollectedRoute } from './routes.js';
import { stringSchemas, validArb, type IdPools, type JsonSchema } from './schema-values.js';
import type { World } from './world.js';

const NOT_INSTANTS = [
  '2026-06-02T09:00:00', // no offset
  '2026-06-02T09:00:00+07', // an hour-only offset
  '2026-06-02T09:00:00+0700',
  '2026-06-30T23:59:60Z', // a leap second
  '2026-06-02 09:00:00+07:00', // a space for T
  '2026-06-02t09:00:00z',
  '2026-02-30T09:00:00Z', // no such day
  '2026-06-02T24:00:00Z',
  '2026-06-02T09:00Z',
  '2026-06-02T09:00:00+24:00',
  '0000-06-02T09:00:00Z',
  '0001-01-01T00:00:00Z',
  '+275760-09-13T00:00:00Z',
  '2026-06-02',
  'yesterday',
];
const INSTANTS = [
  '2026-06-02T09:00:00+07:00',
  '2026-06-02T02:00:00Z',
  '2026-06-02T02:00:00.000Z',
  '2026-06-01T20:00:00-05:00',
];

type Part = 'body' | 'querystring';
const partOf = (route: CollectedRoute, part: Part) =>
  (route.schema as Record<string, JsonSchema | undefined> | undefined)?.[part];
const isInstant = (s: JsonSchema) => s.format === 'date-time';

describe('instants, dates and months in requests', () => {
  let ctx: TestContext;
  let world: World;
  let routes: CollectedRoute[];
  let pools: IdPools;

  beforeAll(async () => {
    ({ ctx, world, routes, pools } = await createRouteWorld());
  });
  afterAll(() => ctx?.close());

  const urlOf = (route: CollectedRoute) => routeUrl(route, world);

  /** Every top-level instant field of every route, with a request that is valid but for it. */
  function instantFields() {
    const out: Array<{ route: CollectedRoute; part: Part; field: string; sample: Record<string, unknown> }> = [];
    for (const [i, route] of routes.entries()) {
      for (const part of ['body', 'querystring'] as const) {
        const schema = partOf(route, part);
        if (!schema) continue;
        const fields = stringSchemas(schema)
          .filter(({ path, schema: s }) => isInstant(s) && !path.includes('.') && !path.includes('['))
          .map(({ path }) => path);
        for (const field of new Set(fields)) {
          const [sample] = fc.sample(validArb(schema, pools), { seed: 31 + i, numRuns: 1 }) as Array<
            Record<string, unknown>
          >;
          out.push({ route, part, field, sample: sample ?? {} });
        }
      }
    }
    return out;
  }

  function send(route: CollectedRoute, part: Part, payload: Record<string, unknown>) {
    const query = part === 'querystring' ? `?${new URLSearchParams(payload as Record<string, string>).toString()}` : '';
    return ctx.injectAs(world.users.admin, {
      method: route.method as 'POST',
      url: urlOf(route) + query,
      ...(part === 'body' ? { payload: payload as InjectOptions['payload'] } : {}),
    });
  }

  it('refuses every malformed instant in every body and query with 400 INVALID_INSTANT naming the field', async () => {
    const fields = instantFields();
    // Bookings, series, classes, maintenance, usage, certifications, lists, availability, audit, …
    expect(fields.length).toBeGreaterThan(20);
    const wrong: string[] = [];
    for (const { route, part, field, sample } of fields) {
      for (const bad of NOT_INSTANTS) {
        const res = await send(route, part, { ...sample, [field]: bad });
        const body = res.json() as { code?: string; message?: string };
        if (res.statusCode !== 400 || body.code !== 'INVALID_INSTANT' || !body.message?.includes(field))
          wrong.push(`${routeKey(route)} ${part}.${field}=${bad}: ${res.statusCode} ${res.body.slice(0, 120)}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('accepts instants with Z or a ±HH:MM offset', async () => {
    const wrong: string[] = [];
    for (const { route, part, field, sample } of instantFields()) {
      for (const good of INSTANTS) {
        const res = await send(route, part, { ...sample, [field]: good });
        if (res.statusCode >= 500 || (res.json() as { code?: string }).code === 'INVALID_INSTANT')
          wrong.push(`${routeKey(route)} ${part}.${field}=${good}: ${res.statusCode} ${res.body.slice(0, 120)}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('refuses dates and months that are not on the calendar with 400', async () => {
    const manager = world.users.admin;
    for (const [from, to] of [
      ['2026-02-30', '2026-03-01'],
      ['2026-02-29', '2026-03-01'],
      ['0000-01-01', '2026-03-01'],
      ['2026-1-01', '2026-03-01'],
    ] as const) {
      const res = await ctx.injectAs(manager, {
        method: 'POST',
        url: `/api/labs/${world.labHere.id}/closures`,
        payload: { from, to, reason: 'Tết' },
      });
      expect(res.statusCode, `${from}: ${res.body}`).toBe(400);
    }
    for (const month of ['0000-01', '2026-13', '2026-00', '2026-1']) {
      const res = await ctx.injectAs(manager, { method: 'GET', url: `/api/stats/monthly?month=${month}` });
      expect(res.statusCode, `${month}: ${res.body}`).toBe(400);
    }
    // A real leap day is a date.
    const leap = await ctx.injectAs(manager, {
      method: 'POST',
      url: `/api/labs/${world.labHere.id}/closures`,
      payload: { from: '2028-02-29', to: '2028-02-29', reason: 'Tết' },
    });
    expect(leap.statusCode, leap.body).toBe(201);
  });
});

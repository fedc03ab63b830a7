// The size limits of the API contract, checked on every route the server has: bodies of at most
// 1 MB, a maximum length on every string a request may carry, and list pagination capped at
// limit 1–500, offset ≥ 0. Derived from the route table, so new routes are held to them too.
import fc from 'fast-check';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestContext } from '../helpers/app.js';
import { createRouteWorld, routeUrl } from './route-world.js';
import { routeKey, type CollectedRoute } from './routes.js';
import { stringSchemas, validArb, type IdPools, type JsonSchema } from './schema-values.js';
import type { World } from './world.js';

type Part = 'body' | 'querystring' | 'params';
const partOf = (route: CollectedRoute, part: Part) =>
  (route.schema as Record<string, JsonSchema | undefined> | undefined)?.[part];

/** A string needs no length cap when its format, value set or anchored fixed-length pattern bounds it. */
function bounded(s: JsonSchema): boolean {
  if (typeof s.maxLength === 'number' || 'const' in s || Array.isArray(s.enum) || s.format === 'uuid') return true;
  const p = s.pattern;
  return typeof p === 'string' && p.startsWith('^') && p.endsWith('$') && !/[*+]|\{\d+,\}/.test(p);
}

describe('size limits', () => {
  let ctx: TestContext;
  let world: World;
  let routes: CollectedRoute[];
  let pools: IdPools;

  beforeAll(async () => {
    ({ ctx, world, routes, pools } = await createRouteWorld());
  });
  afterAll(() => ctx?.close());

  const asAdmin = (opts: InjectOptions) => ctx.injectAs(world.users.admin, opts);
  /** A concrete URL for the route: existing lab and machine ids, a nil id elsewhere. */
  const urlOf = (route: CollectedRoute) => routeUrl(route, world);

  it('refuses a body over 1 MB on every route that takes one, with 413', async () => {
    const withBody = routes.filter(
      (r) => r.method === 'POST' || r.method === 'PATCH' || r.method === 'PUT' || partOf(r, 'body'),
    );
    expect(withBody.length).toBeGreaterThan(25);
    const big = JSON.stringify({ note: 'x'.repeat(1024 * 1024) });
    const answers: Record<string, number> = {};
    for (const route of withBody) {
      const res = await asAdmin({
        method: route.method as 'POST',
        url: urlOf(route),
        headers: { 'content-type': 'application/json' },
        payload: big,
      });
      answers[routeKey(route)] = res.statusCode;
    }
    expect(Object.entries(answers).filter(([, status]) => status !== 413)).toEqual([]);
    // Just under the limit is read (and then refused by the schema, not by size).
    const under = await asAdmin({
      method: 'PATCH',
      url: '/api/me',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ fullName: 'y'.repeat(1000 * 1000) }),
    });
    expect(under.statusCode).toBe(400);
    expect(under.json().code).toBe('FST_ERR_VALIDATION');
  });

  it('caps the length of every string in every request schema', () => {
    const unbounded: string[] = [];
    for (const route of routes) {
      for (const part of ['body', 'querystring', 'params'] as const) {
        const schema = partOf(route, part);
        if (!schema) continue;
        for (const { path, schema: s } of stringSchemas(schema))
          if (!bounded(s)) unbounded.push(`${routeKey(route)} ${part}.${path}`);
      }
    }
    expect(unbounded).toEqual([]);
  });

  it('answers 400 to a string one character over its cap, wherever it is', async () => {
    const wrong: string[] = [];
    let checked = 0;
    for (const [i, route] of routes.entries()) {
      for (const part of ['body', 'querystring'] as const) {
        const schema = partOf(route, part);
        if (!schema) continue;
        const samples = fc.sample(validArb(schema, pools), { seed: 7 + i, numRuns: 60 }) as Array<
          Record<string, unknown>
        >;
        for (const { path, schema: s } of stringSchemas(schema)) {
          if (typeof s.maxLength !== 'number' || s.format === 'uuid') continue;
          // 'materials[].unit' → materials, 0, unit: the first element of each array.
          const segments = (path.match(/[^.[\]]+|\[\d*\]/g) ?? []).map((seg) =>
            seg.startsWith('[') ? seg.slice(1, -1) || '0' : seg,
          );
          // A sample that has the field, so the overlong value is the only fault.
          const sample = samples.map((v) => structuredClone(v)).find((v) => hasPath(v, segments));
          if (!sample) continue;
          setPath(sample, segments, 'x'.repeat(s.maxLength + 1));
          checked++;
          const url =
            urlOf(route) + (part === 'querystring' ? `?${new URLSearchParams(flatQuery(sample)).toString()}` : '');
          const res = await asAdmin({
            method: route.method as 'POST',
            url,
            ...(part === 'body' ? { payload: sample as InjectOptions['payload'] } : {}),
          });
          if (res.statusCode !== 400)
            wrong.push(`${routeKey(route)} ${part}.${path}: ${res.statusCode} ${res.body.slice(0, 120)}`);
        }
      }
    }
    console.log(`over-long strings checked: ${checked}`);
    expect(checked).toBeGreaterThan(40);
    expect(wrong).toEqual([]);
  });

  it('holds every paginated list to limit 1–500 and offset ≥ 0', async () => {
    const lists = routes.filter((r) =>
      Object.keys((partOf(r, 'querystring')?.properties as object) ?? {}).includes('limit'),
    );
    expect(lists.length).toBeGreaterThanOrEqual(8);
    const wrong: string[] = [];
    for (const [i, route] of lists.entries()) {
      const [base] = fc.sample(validArb(partOf(route, 'querystring')!, pools), { seed: 11 + i, numRuns: 1 }) as Array<
        Record<string, unknown>
      >;
      const required = new Set((partOf(route, 'querystring')!.required as string[]) ?? []);
      // Only what the route needs, so that the pagination is the one thing under test.
      const query = Object.fromEntries(Object.entries(base ?? {}).filter(([k]) => required.has(k)));
      const cases: Array<[Record<string, string>, number]> = [
        [{ limit: '0' }, 400],
        [{ limit: '501' }, 400],
        [{ limit: '-1' }, 400],
        [{ limit: 'ten' }, 400],
        [{ limit: '2.5' }, 400],
        [{ offset: '-1' }, 400],
        [{ offset: 'x' }, 400],
        [{ limit: '1', offset: '0' }, 200],
        [{ limit: '500', offset: '1000' }, 200],
      ];
      for (const [extra, expected] of cases) {
        const qs = new URLSearchParams({ ...flatQuery(query), ...extra }).toString();
        const res = await asAdmin({ method: 'GET', url: `${urlOf(route)}?${qs}` });
        if (res.statusCode !== expected)
          wrong.push(`${routeKey(route)}?${qs}: ${res.statusCode} (expected ${expected}) ${res.body.slice(0, 100)}`);
        if (expected === 200 && res.statusCode === 200) {
          const body = res.json() as { items?: unknown[]; total?: unknown };
          if (!Array.isArray(body.items) || typeof body.total !== 'number' || body.items.length > Number(extra.limit)) {
            wrong.push(`${routeKey(route)}: not a page of at most ${extra.limit}: ${res.body.slice(0, 100)}`);
          }
        }
      }
    }
    expect(wrong).toEqual([]);
  });
});

function flatQuery(q: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(q).map(([k, v]) => [k, Array.isArray(v) ? String(v[0] ?? '') : String(v)]));
}

function hasPath(value: unknown, segments: string[]): boolean {
  let node = value;
  for (const seg of segments) {
    if (node === null || typeof node !== 'object' || !(seg in (node as object))) return false;
    node = (node as Record<string, unknown>)[seg];
  }
  return typeof node === 'string';
}

function setPath(value: unknown, segments: string[], v: unknown): void {
  let node = value as Record<string, unknown>;
  for (const seg of segments.slice(0, -1)) node = node[seg] as Record<string, unknown>;
  node[segments[segments.length - 1]!] = v;
}

// Ten thousand malformed, oversized, wrongly typed and injection-shaped requests across every route
// of the server, generated from each route's own schemas with a fixed seed. None may answer 5xx,
// every refusal carries the API's error shape, a malformed instant is 400 INVALID_INSTANT, and a
// refused request (4xx) changes nothing in the database: a digest of every table is compared
// before and after each one.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, fixedClock, type TestContext } from '../helpers/app.js';
import { databaseDigest, digestDiff, writeMarker } from './db-digest.js';
import { buildRequest, hostileSpecArb, type HostileSpec, type ParamPools } from './hostile-requests.js';
import { collectRoutes, routeKey, type CollectedRoute } from './routes.js';
import { NOW, createWorld, local, type World } from './world.js';

const SEED = 20_260_601;
const TOTAL_REQUESTS = 10_400;
/** The live event stream never ends when its lab exists: it is only sent ids that match nothing. */
const STREAMS = new Set(['GET /api/labs/:labId/events']);

interface Finding {
  request: string;
  status: number;
  detail: string;
}

async function buildPools(w: World): Promise<ParamPools> {
  const machines = [
    w.machineHere,
    ...(await Promise.all([
      w.machine({ requiresApproval: true }),
      w.machine({ requiresCertification: true }),
      w.machine(),
    ])),
  ];
  const bookings = [];
  for (const [i, status] of (
    ['pending', 'approved', 'approved', 'checked_in', 'cancelled', 'completed'] as const
  ).entries()) {
    const start = status === 'checked_in' || i === 2 ? local('2026-06-01T08:00') : local(`2026-06-0${2 + i}T09:00`);
    const end = new Date(new Date(start).getTime() + 60 * 60_000).toISOString();
    bookings.push(await w.booking({ status, start, end, machine: machines[i % machines.length] }));
  }
  const sessions = [
    await w.session({ start: local('2026-06-01T07:00') }),
    await w.session({ start: local('2026-05-29T09:00'), end: local('2026-05-29T10:00') }),
  ];
  const victims = await Promise.all([w.freshUser('member'), w.freshUser('member'), w.freshUser('managerOther')]);
  const plans = [(await w.plan(machines[0])).plan, (await w.plan()).plan];
  const labs = [w.labHere.id, w.labOther.id];
  const pools: ParamPools = {
    labs,
    machines: machines.map((m) => m.id),
    users: [...Object.values(w.users).map((u) => u.id), ...victims.map((v) => v.id)],
    bookings: bookings.map((b) => b.id),
    sessions: sessions.map((s) => s.id),
    notifications: [(await w.notification()).id, (await w.notification(w.users.managerHere.id)).id],
    certifications: [(await w.certification()).id, (await w.certification(w.users.member.id)).id],
    maintenance: [(await w.maintenanceWindow()).id],
    victims: victims.map((v) => v.id),
    closures: [(await w.closure()).id],
    plans: plans.map((p) => p.id),
    series: [(await w.series()).id],
    tokens: [await w.calendarToken(), await w.calendarToken(w.users.managerHere.id)],
    other: [],
  };
  pools.other = [...new Set(Object.values(pools).flat())].filter((id) => /^[0-9a-f-]{36}$/.test(id));
  return pools;
}

describe('hostile input', () => {
  let ctx: TestContext;
  let world: World;
  let routes: CollectedRoute[];
  let pools: ParamPools;

  beforeAll(async () => {
    const collector = collectRoutes();
    try {
      ctx = await createTestContext({ clock: fixedClock(NOW) });
    } finally {
      collector.stop();
    }
    routes = collector.routes;
    world = await createWorld(ctx);
    pools = await buildPools(world);
  });
  afterAll(() => ctx?.close());

  it(`answers ${TOTAL_REQUESTS}+ generated hostile requests across every route without a 5xx, and refusals change nothing`, async () => {
    const perRoute = Math.ceil(TOTAL_REQUESTS / routes.length);
    const specs: HostileSpec[] = routes.flatMap((route, i) =>
      fc.sample(hostileSpecArb(route, pools, { neverFindParams: STREAMS.has(routeKey(route)) }), {
        seed: SEED + i,
        numRuns: perRoute,
      }),
    );
    expect(specs.length).toBeGreaterThanOrEqual(10_000);

    const tokens = {
      owner: world.users.owner.token,
      managerHere: world.users.managerHere.token,
      admin: world.users.admin.token,
    };
    const forgery = { secret: ctx.app.config.jwtSecret, adminId: world.users.admin.id };
    const serverErrors: Finding[] = [];
    const shapeless: Finding[] = [];
    const changedByRefusal: Finding[] = [];
    const wrongInstantAnswers: Finding[] = [];
    const statusCounts = new Map<number, number>();

    let marker = await writeMarker(ctx.database);
    let digest = await databaseDigest(ctx.database);
    let fullDigests = 0;
    for (const spec of specs) {
      const req = buildRequest(spec, tokens, forgery);
      const label = `${req.method} ${req.url.slice(0, 160)} [${spec.mutation.kind}${'variant' in spec.mutation ? `:${spec.mutation.variant}` : ''} as ${req.caller}]`;
      const res = await ctx.app.inject({
        method: req.method as 'GET',
        url: req.url,
        headers: req.headers,
        ...(req.payload === undefined ? {} : { payload: req.payload }),
      });
      statusCounts.set(res.statusCode, (statusCounts.get(res.statusCode) ?? 0) + 1);
      if (res.statusCode >= 500)
        serverErrors.push({
          request: label,
          status: res.statusCode,
          detail: `${res.body.slice(0, 200)} body=${(req.payload ?? '').slice(0, 200)}`,
        });
      if (res.statusCode >= 400) {
        let code: unknown;
        try {
          code = (res.json() as { code?: unknown }).code;
        } catch {
          code = undefined;
        }
        if (typeof code !== 'string')
          shapeless.push({ request: label, status: res.statusCode, detail: res.body.slice(0, 200) });
      }
      if (spec.mutation.kind === 'instant') {
        let code: unknown;
        try {
          code = (res.json() as { code?: unknown }).code;
        } catch {
          code = undefined;
        }
        // Only a sign-in check that runs before validation (the stats routes' guard) may answer first.
        const guarded = res.statusCode === 401 && (req.caller === 'anonymous' || req.caller === 'forged');
        if (!(res.statusCode === 400 && code === 'INVALID_INSTANT') && !guarded)
          wrongInstantAnswers.push({ request: label, status: res.statusCode, detail: res.body.slice(0, 200) });
      }
      // No transaction wrote since the last digest: nothing can have changed.
      const markerAfter = await writeMarker(ctx.database);
      if (markerAfter === marker) continue;
      const after = await databaseDigest(ctx.database);
      fullDigests++;
      if (res.statusCode >= 400 && res.statusCode < 500 && after !== digest) {
        changedByRefusal.push({
          request: label,
          status: res.statusCode,
          detail: `tables changed: ${digestDiff(digest, after).join(', ')}`,
        });
      }
      digest = after;
      marker = await writeMarker(ctx.database);
    }

    const summary = [...statusCounts.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([s, n]) => `${s}×${n}`)
      .join(' ');
    console.log(
      `hostile input: ${specs.length} requests over ${routes.length} routes (${fullDigests} full digests): ${summary}`,
    );
    expect(
      serverErrors,
      `5xx answers:\n${serverErrors
        .slice(0, 20)
        .map((f) => `${f.status} ${f.request} ${f.detail}`)
        .join('\n')}`,
    ).toEqual([]);
    expect(shapeless, 'refusals without the API error shape').toEqual([]);
    expect(changedByRefusal, 'refused requests that changed the database').toEqual([]);
    expect(wrongInstantAnswers, 'malformed instants not answered 400 INVALID_INSTANT').toEqual([]);
    // The requests reached the rules too, not only the validator.
    expect([...statusCounts.keys()].some((s) => s >= 200 && s < 300)).toBe(true);
    expect(statusCounts.get(400) ?? 0).toBeGreaterThan(1_000);
  }, 480_000);
});

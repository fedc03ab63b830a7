// The hostile-request suite made from the OpenAPI document (GET /api/docs/json) rather than from
// the route table: whatever the document promises partners, for every operation, parameter and
// body property it lists, is tried with values it refuses and with bodies, content types and
// query strings malformed as a whole (openapi-hostile.ts). None may answer 5xx; every refusal
// carries a string `code`; a request the document calls malformed is refused, with the status
// and code API.md names where it names one; and no refused request changes the database.
//
// A write counter (triggers on every table, db-digest.ts) is read after each request, so the
// digest of every table is only computed when something was written, and a refusal that wrote
// is named by itself. throttle_events is left out of both: counting a refused attempt is what a
// throttle is for (a sign-in with a wrong password, a booking refused by a rule, both count).
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cards, devices, materials } from '../../src/db/schema/index.js';
import { createTestContext, fixedClock, testConfig, type TestContext, type TestUser } from '../helpers/app.js';
import { testDbKind } from '../helpers/database.js';
import { databaseDigest, digestDiff, installWriteCounter, writeCount } from './db-digest.js';
import {
  DocumentVerdict,
  dereference,
  hostileRequests,
  operationsOf,
  type HostileRequest,
  type OpenApiDocument,
  type Operation,
} from './openapi-hostile.js';
import { NOW, createWorld, local, type World } from './world.js';

const MINIMUM_REQUESTS = 10_000;
/** Callers of a signed-in operation: between them they may do everything a signed-in route allows. */
const CALLERS = ['admin', 'managerHere', 'owner'] as const;
type Caller = (typeof CALLERS)[number] | 'anonymous';
/** An id no row has: the event stream of a lab that exists never ends, so it is only asked about this. */
const NOBODY = '5f0f8e4e-1111-4222-8333-944444444444';

interface Finding {
  request: string;
  status: number;
  detail: string;
}

interface Known {
  path: (op: Operation, name: string) => string | undefined;
  field: (name: string) => string | undefined;
}

/** Real resources of the world for the operations' path parameters and id fields. */
async function knownValues(w: World): Promise<Known> {
  const future = (day: string) => ({ start: local(`2026-06-${day}T09:00`), end: local(`2026-06-${day}T10:00`) });
  const pending = await w.booking({
    status: 'pending',
    ...future('03'),
    machine: await w.machine({ requiresApproval: true }),
  });
  const now = await w.booking({ status: 'approved', start: local('2026-06-01T08:00'), end: local('2026-06-01T09:00') });
  const approved = await w.booking({ status: 'approved', ...future('04') });
  const session = await w.session({ start: local('2026-06-01T07:00') });
  const victim = await w.freshUser('member');
  const { plan, machine: planMachine } = await w.plan(w.machineHere);
  const [device] = await w.ctx.db
    .insert(devices)
    .values({
      machineId: w.machineHere.id,
      labId: w.labHere.id,
      kind: 'reader',
      deviceId: `reader-${randomBytes(4).toString('hex')}`,
    })
    .returning();
  const [card] = await w.ctx.db
    .insert(cards)
    .values({ userId: victim.id, uid: randomBytes(7).toString('hex').toUpperCase() })
    .returning();
  const [material] = await w.ctx.db.insert(materials).values({ labId: w.labHere.id, name: 'PLA', unit: 'g', priceVnd: 400 }).returning();
  const ids = {
    material: material!.id,
    closure: (await w.closure()).id,
    series: (await w.series()).id,
    notification: (await w.notification()).id,
    certification: (await w.certification()).id,
    maintenance: (await w.maintenanceWindow()).id,
    token: `${await w.calendarToken()}.ics`,
  };
  const byPrefix: Array<[RegExp, string]> = [
    [/^\/api\/bookings\/\{id\}\/(approve|reject)$/, pending.id],
    [/^\/api\/bookings\/\{id\}\/check-(in|out)$/, now.id],
    [/^\/api\/bookings\//, approved.id],
    [/^\/api\/usage\//, session.id],
    [/^\/api\/users\//, victim.id],
    [/^\/api\/maintenance\//, ids.maintenance],
    [/^\/api\/certifications\//, ids.certification],
    [/^\/api\/notifications\//, ids.notification],
    [/^\/api\/devices\//, device!.id],
    [/^\/api\/cards\//, card!.id],
  ];
  return {
    path(op, name) {
      if (op.streams) return NOBODY;
      switch (name) {
        case 'labId':
          return w.labHere.id;
        case 'machineId':
          return planMachine.id;
        case 'closureId':
          return ids.closure;
        case 'planId':
          return plan.id;
        case 'materialId':
          return ids.material;
        case 'seriesId':
          return ids.series;
        case 'token':
          // A guardian's consent link, made up (the calendar feed's token ends in .ics).
          return op.path.startsWith('/api/guardian-consent/') ? 'x'.repeat(43) : ids.token;
        case 'id':
          return byPrefix.find(([re]) => re.test(op.path))?.[1];
      }
      return undefined;
    },
    field(name) {
      switch (name) {
        case 'machineId':
          return w.machineHere.id;
        case 'labId':
        case 'managedLabId':
          return w.labHere.id;
        case 'userId':
          return w.users.owner.id;
        case 'bookingId':
          return approved.id;
        case 'materialId':
          return ids.material;
        case 'timezone':
          return 'Asia/Ho_Chi_Minh';
        case 'type':
        case 'machineType':
          return 'laser_cutter';
      }
      return undefined;
    },
  };
}

describe('hostile requests from the OpenAPI document', () => {
  let ctx: TestContext;
  let world: World;
  let operations: Operation[];
  let known: Known;

  beforeAll(async () => {
    ctx = await createTestContext({
      clock: fixedClock(NOW),
      // Wrong passwords for one email are what this suite sends most: the lock-out is tested elsewhere.
      config: { rateLimits: { ...testConfig().rateLimits, loginFailuresPerEmail: 1_000_000 } },
    });
    world = await createWorld(ctx);
    known = await knownValues(world);
    await installWriteCounter(ctx.database);
    // The counter sees a write (else the suite below would prove nothing).
    const before = await writeCount(ctx.database);
    await world.notification();
    expect(await writeCount(ctx.database)).not.toBe(before);
    const res = await ctx.app.inject({ method: 'GET', url: '/api/docs/json' });
    expect(res.statusCode).toBe(200);
    operations = operationsOf(dereference(res.json() as OpenApiDocument));
  });
  afterAll(() => ctx?.close());

  it(`answers ${MINIMUM_REQUESTS}+ requests made from the document without a 5xx, refusing what it calls malformed, and refusals change nothing`, async () => {
    const started = Date.now();
    const verdict = new DocumentVerdict();
    const perOperation = operations.map((op) => ({
      op,
      requests: hostileRequests(
        op,
        { known: (o, part, name) => (part === 'path' ? known.path(o, name) : known.field(name)) },
        verdict,
      ),
    }));
    const total = perOperation.reduce((n, o) => n + o.requests.length, 0);
    expect(operations.length).toBeGreaterThan(60);
    expect(total).toBeGreaterThanOrEqual(MINIMUM_REQUESTS);

    const tokens: Record<Exclude<Caller, 'anonymous'>, TestUser> = {
      admin: world.users.admin,
      managerHere: world.users.managerHere,
      owner: world.users.owner,
    };
    const serverErrors: Finding[] = [];
    const shapeless: Finding[] = [];
    const acceptedMalformed: Finding[] = [];
    const unexpectedAnswers: Finding[] = [];
    const changedByRefusal: Finding[] = [];
    const statusCounts = new Map<number, number>();
    const unreached: string[] = [];
    let sent = 0;
    let digests = 0;

    let count = await writeCount(ctx.database);
    let digest = await databaseDigest(ctx.database);

    const send = async (req: HostileRequest, caller: Caller) => {
      const headers = { ...req.headers };
      if (caller !== 'anonymous') headers.authorization = `Bearer ${tokens[caller].token}`;
      const res = await ctx.app.inject({
        method: req.method as 'GET',
        url: req.url,
        headers,
        ...(req.payload === undefined ? {} : { payload: req.payload }),
      });
      sent++;
      const label = `${req.method} ${req.url.slice(0, 150)} [${req.kind} ${req.field}=${req.value} as ${caller}]`;
      statusCounts.set(res.statusCode, (statusCounts.get(res.statusCode) ?? 0) + 1);
      let code: unknown;
      if (res.statusCode >= 400) {
        try {
          code = (res.json() as { code?: unknown }).code;
        } catch {
          code = undefined;
        }
      }
      if (res.statusCode >= 500)
        serverErrors.push({ request: label, status: res.statusCode, detail: res.body.slice(0, 300) });
      else if (res.statusCode >= 400 && typeof code !== 'string')
        shapeless.push({ request: label, status: res.statusCode, detail: res.body.slice(0, 200) });
      if (req.malformed && res.statusCode < 400)
        acceptedMalformed.push({ request: label, status: res.statusCode, detail: res.body.slice(0, 200) });
      if (
        req.expect &&
        res.statusCode < 500 &&
        (res.statusCode !== req.expect.status || (req.expect.code && code !== req.expect.code))
      )
        unexpectedAnswers.push({
          request: label,
          status: res.statusCode,
          detail: `expected ${req.expect.status} ${req.expect.code ?? ''}, got ${res.body.slice(0, 200)}`,
        });

      const after = await writeCount(ctx.database);
      if (after !== count) {
        const afterDigest = await databaseDigest(ctx.database);
        digests++;
        if (res.statusCode >= 400 && res.statusCode < 500 && afterDigest !== digest)
          changedByRefusal.push({
            request: label,
            status: res.statusCode,
            detail: `tables changed: ${digestDiff(digest, afterDigest).join(', ')}`,
          });
        digest = afterDigest;
        count = await writeCount(ctx.database);
      }
      return { status: res.statusCode, code };
    };

    for (const { op, requests } of perOperation) {
      let callers: Caller[] = ['anonymous'];
      let pending = requests;
      if (op.secured) {
        // Who reaches the schema: a malformed field is 400 for every signed-in caller unless a guard
        // runs first (statistics: sign-in and role before the query). The probes count as requests.
        const probe = requests.find(
          (r) => r.malformed && /^(body|query|path)\.(type|format|enum|maxLength)$/.test(r.kind),
        );
        if (probe) {
          callers = [];
          for (const caller of CALLERS) if ((await send(probe, caller)).status === 400) callers.push(caller);
          pending = requests.filter((r) => r !== probe);
        }
        if (callers.length === 0) {
          unreached.push(op.key);
          callers = [...CALLERS];
        }
      }
      for (const [i, req] of pending.entries()) await send(req, callers[i % callers.length]!);
    }

    // Nothing slipped past the counter: a last full digest agrees with the one kept along.
    expect(digestDiff(digest, await databaseDigest(ctx.database))).toEqual([]);

    const summary = [...statusCounts.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([s, n]) => `${s}×${n}`)
      .join(' ');
    const malformed = perOperation.reduce((n, o) => n + o.requests.filter((r) => r.malformed).length, 0);
    console.log(
      `OpenAPI hostile requests on ${testDbKind}: ${sent} requests (${malformed} malformed by the document) over ${operations.length} operations in ${((Date.now() - started) / 1000).toFixed(1)} s (${digests} digests): ${summary}`,
    );
    const list = (findings: Finding[]) =>
      findings
        .slice(0, 25)
        .map((f) => `${f.status} ${f.request} ${f.detail}`)
        .join('\n');
    expect(sent).toBeGreaterThanOrEqual(MINIMUM_REQUESTS);
    expect(unreached, 'operations whose schema no caller reached').toEqual([]);
    expect(serverErrors, `5xx answers:\n${list(serverErrors)}`).toEqual([]);
    expect(shapeless, `refusals without a string code:\n${list(shapeless)}`).toEqual([]);
    expect(changedByRefusal, `refused requests that changed the database:\n${list(changedByRefusal)}`).toEqual([]);
    expect(acceptedMalformed, `requests the document calls malformed, accepted:\n${list(acceptedMalformed)}`).toEqual(
      [],
    );
    expect(unexpectedAnswers, `refusals other than API.md names:\n${list(unexpectedAnswers)}`).toEqual([]);
  }, 300_000);
});

// The OpenAPI document as its readers read it: swagger-parser validates it against the OpenAPI
// schema and redocly lints it with its recommended rules, the two tools partner systems use.
import SwaggerParser from '@apidevtools/swagger-parser';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { LightMyRequestResponse } from 'fastify';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, fixedClock, type TestContext } from '../helpers/app.js';

const run = promisify(execFile);
const redocly = path.join(path.dirname(createRequire(import.meta.url).resolve('@redocly/cli/package.json')), 'bin', 'cli.js');

type Operation = {
  summary?: string;
  operationId?: string;
  tags?: string[];
  security?: unknown[];
  responses: Record<string, { content?: Record<string, unknown> }>;
};
type Document = {
  openapi: string;
  servers?: { url: string }[];
  paths: Record<string, Record<string, Operation>>;
};

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];

function operations(doc: Document): { method: string; path: string; op: Operation }[] {
  return Object.entries(doc.paths).flatMap(([p, item]) =>
    Object.entries(item)
      .filter(([m]) => METHODS.includes(m))
      .map(([method, op]) => ({ method, path: p, op })),
  );
}

describe('the OpenAPI document', () => {
  let ctx: TestContext;
  let doc: Document;
  let dir: string;

  beforeAll(async () => {
    ctx = await createTestContext({ clock: fixedClock('2030-05-06T01:00:00Z') });
    const res = await ctx.app.inject({ method: 'GET', url: '/api/docs/json' });
    expect(res.statusCode).toBe(200);
    doc = res.json();
    dir = mkdtempSync(path.join(tmpdir(), 'openapi-'));
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await ctx.close();
  });

  it('is valid for swagger-parser', async () => {
    // validate() dereferences in place: give it a copy.
    await expect(SwaggerParser.validate(structuredClone(doc) as never)).resolves.toBeTruthy();
  });

  it('has no errors in a redocly lint', async () => {
    const file = path.join(dir, 'openapi.json');
    writeFileSync(file, JSON.stringify(doc));
    writeFileSync(path.join(dir, 'redocly.yaml'), 'extends:\n  - recommended\ntelemetry: off\n');
    const env = { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', CI: 'true' };
    const result = await run(process.execPath, [redocly, 'lint', file, '--format=json', `--config=${path.join(dir, 'redocly.yaml')}`], {
      cwd: dir,
      env,
      maxBuffer: 64 * 1024 * 1024,
    }).catch((err: { stdout: string; stderr: string }) => err);
    const report = JSON.parse(result.stdout) as { totals: { errors: number }; problems: { ruleId: string; severity: string; message: string; location: { pointer: string }[] }[] };
    const errors = report.problems
      .filter((p) => p.severity === 'error')
      .map((p) => `${p.ruleId} ${p.location[0]?.pointer}: ${p.message}`);
    expect(errors.slice(0, 20)).toEqual([]);
    expect(report.totals.errors).toBe(0);
  }, 120_000);

  it('names the server and gives every operation a summary, a unique operationId and tags', () => {
    expect(doc.servers?.length).toBeGreaterThan(0);
    const ops = operations(doc);
    expect(ops.length).toBeGreaterThan(60);
    const missing = ops.filter(({ op }) => !op.summary || !op.operationId || !op.tags?.length).map((o) => `${o.method} ${o.path}`);
    expect(missing).toEqual([]);
    const ids = ops.map(({ op }) => op.operationId);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('marks public routes as needing no sign-in, and signed-in ones as bearer', () => {
    const security = (method: string, p: string) => doc.paths[p]?.[method]?.security;
    for (const [method, p] of [
      ['get', '/api/health'],
      ['get', '/api/labs'],
      ['post', '/api/auth/login'],
      ['get', '/ical/{token}'],
      ['get', '/api/labs/{labId}/events'],
    ] as const) {
      expect(security(method, p), `${method} ${p}`).toEqual([]);
    }
    expect(security('get', '/api/me')).toEqual([{ bearerAuth: [] }]);
    // Every operation says one or the other.
    expect(operations(doc).filter(({ op }) => !Array.isArray(op.security)).map((o) => `${o.method} ${o.path}`)).toEqual([]);
  });

  it('documents the real content types of feeds, exports and live events', () => {
    const content = (method: string, p: string, status = '200') => Object.keys(doc.paths[p]?.[method]?.responses[status]?.content ?? {});
    expect(content('get', '/ical/{token}')).toEqual(['text/calendar']);
    expect(content('get', '/api/labs/{labId}/events')).toEqual(['text/event-stream']);
    expect(content('get', '/api/stats/monthly')).toEqual(
      expect.arrayContaining(['application/json', 'text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet']),
    );
  });

  it('describes the real answers: each status, content type and body as the document says', async () => {
    const resolved = (await SwaggerParser.dereference(structuredClone(doc) as never)) as unknown as Document;
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats.default(ajv);
    const templates = Object.keys(resolved.paths).map((p) => ({
      p,
      re: new RegExp(`^${p.replace(/\{[^}]+\}/g, '[^/]+')}$`),
    }));
    const checked: string[] = [];

    function conforms(method: string, res: LightMyRequestResponse) {
      const url = new URL(res.raw.req.url ?? '/', 'http://x').pathname;
      const template = templates.find((t) => t.re.test(url));
      expect(template, `${method} ${url} is documented`).toBeDefined();
      const op = resolved.paths[template!.p]![method]!;
      const response = op.responses[String(res.statusCode)];
      expect(response, `${method} ${template!.p} documents ${res.statusCode}`).toBeDefined();
      const type = String(res.headers['content-type'] ?? '').split(';')[0]!.trim();
      const content = response!.content as Record<string, { schema?: object }> | undefined;
      if (res.statusCode === 204 || res.statusCode === 304) {
        expect(res.rawPayload.length).toBe(0);
      } else {
        expect(Object.keys(content ?? {}), `${method} ${template!.p} ${res.statusCode}`).toContain(type);
        if (type === 'application/json') {
          const validate = ajv.compile(content![type]!.schema!);
          const ok = validate(res.json());
          expect(ok ? [] : validate.errors, `${method} ${template!.p} ${res.statusCode}`).toEqual([]);
        }
      }
      checked.push(`${method} ${template!.p} ${res.statusCode}`);
    }

    const lab = await ctx.createLab();
    const machine = await ctx.createMachine(lab.id, { requiresApproval: true });
    const manager = await ctx.createUser({ role: 'manager', manages: [lab.id] });
    const member = await ctx.createUser();
    const department = await ctx.createUser({ role: 'department' });
    const as = (user: typeof member | null, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object) =>
      ctx.injectAs(user, { method, url, ...(payload ? { payload } : {}) }).then((res) => {
        conforms(method.toLowerCase(), res);
        return res;
      });

    await as(null, 'GET', '/api/health');
    await as(null, 'GET', '/api/labs');
    await as(null, 'GET', `/api/labs/${lab.id}`);
    await as(null, 'GET', `/api/labs/${lab.id}/machines`);
    await as(null, 'GET', `/api/labs/${lab.id}/status`);
    await as(null, 'GET', `/api/labs/${lab.id}/availability?from=2030-05-07T00:00:00Z&to=2030-05-08T00:00:00Z`);
    await as(null, 'GET', '/api/labs/00000000-0000-4000-8000-000000000000');
    await as(null, 'GET', '/api/me');
    await as(member, 'GET', '/api/me');
    const created = await as(member, 'POST', '/api/bookings', {
      machineId: machine.id,
      start: '2030-05-07T02:00:00Z',
      end: '2030-05-07T03:00:00Z',
      purpose: 'personal_project',
    });
    const id = created.json().id as string;
    await as(member, 'POST', '/api/bookings', { machineId: machine.id, start: '2030-05-07T02:00:00Z', end: '2030-05-07T03:00:00Z', purpose: 'personal_project' });
    await as(member, 'POST', '/api/bookings', { machineId: machine.id, start: 'tomorrow', end: '2030-05-07T03:00:00Z', purpose: 'personal_project' });
    await as(member, 'GET', `/api/bookings/${id}`);
    await as(manager, 'GET', `/api/bookings?labId=${lab.id}`);
    await as(member, 'POST', `/api/bookings/${id}/approve`);
    await as(manager, 'POST', `/api/bookings/${id}/approve`);
    await as(member, 'PATCH', `/api/bookings/${id}`, { note: 'Cắt mica' });
    await as(member, 'GET', '/api/notifications');
    await as(member, 'GET', '/api/me/calendar-feed');
    const feed = await as(manager, 'POST', '/api/me/calendar-feed', { scope: 'labs' });
    const labsFeed = await as(null, 'GET', new URL(feed.json().labsUrl as string).pathname);
    await ctx.injectAs(null, { method: 'GET', url: new URL(feed.json().labsUrl as string).pathname, headers: { 'if-none-match': labsFeed.headers.etag as string } }).then((res) => conforms('get', res));
    await as(department, 'GET', '/api/stats/monthly?month=2030-04');
    await as(department, 'GET', '/api/stats/monthly?month=2030-04&format=csv');
    await as(department, 'GET', '/api/stats/monthly?month=2030-04&format=xlsx');
    await as(member, 'GET', '/api/stats/monthly?month=2030-04');
    await as(manager, 'GET', `/api/maintenance?labId=${lab.id}`);
    await as(member, 'POST', `/api/bookings/${id}/cancel`, {});
    expect(checked.length).toBeGreaterThan(25);
  });
});

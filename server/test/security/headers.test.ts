import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../helpers/app.js';

describe('security headers, CORS and error shape', () => {
  let ctx: TestContext;
  let withCors: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext();
    withCors = await createTestContext({ config: { corsOrigins: ['https://portal.example.vn'] } });
  });
  afterAll(async () => {
    await ctx.close();
    await withCors.close();
  });

  it('sends helmet headers and a Content-Security-Policy', async () => {
    const res = await ctx.app.inject({ method: 'GET', url: '/api/health' });
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBeDefined();
    expect(res.headers['x-powered-by']).toBeUndefined();
  });

  it('has CORS off unless origins are configured', async () => {
    const preflight = { method: 'OPTIONS' as const, url: '/api/labs', headers: { origin: 'https://portal.example.vn', 'access-control-request-method': 'GET' } };
    const off = await ctx.app.inject(preflight);
    expect(off.headers['access-control-allow-origin']).toBeUndefined();
    const on = await withCors.app.inject(preflight);
    expect(on.headers['access-control-allow-origin']).toBe('https://portal.example.vn');
    const other = await withCors.app.inject({ ...preflight, headers: { ...preflight.headers, origin: 'https://evil.example' } });
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('answers unknown routes, bad JSON, wrong content types and oversized bodies with 4xx and a code', async () => {
    const unknown = await ctx.app.inject({ method: 'GET', url: '/api/nothing-here' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().code).toBe('NOT_FOUND');

    const badJson = await ctx.app.inject({ method: 'POST', url: '/api/auth/login', headers: { 'content-type': 'application/json' }, payload: '{"email":' });
    expect(badJson.statusCode).toBe(400);
    expect(typeof badJson.json().code).toBe('string');

    const wrongType = await ctx.app.inject({ method: 'POST', url: '/api/auth/login', headers: { 'content-type': 'text/xml' }, payload: '<a/>' });
    expect(wrongType.statusCode).toBe(415);
    expect(typeof wrongType.json().code).toBe('string');

    const big = await ctx.app.inject({
      method: 'POST',
      url: '/api/auth/register',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ email: 'a@b.vn', password: 'x'.repeat(1_100_000) }),
    });
    expect(big.statusCode).toBe(413);
    expect(big.json().code).toBe('FST_ERR_CTP_BODY_TOO_LARGE');
    for (const r of [unknown, badJson, wrongType, big]) expect(r.body).not.toMatch(/at .*\.(js|ts):\d+/);
  });

  it('serves the OpenAPI UI', async () => {
    const ui = await ctx.app.inject({ method: 'GET', url: '/api/docs/' });
    expect([200, 302]).toContain(ui.statusCode);
  });

  it('serves the OpenAPI UI under a policy that lets it run without violations, and names no outside host', async () => {
    const index = await ctx.app.inject({ method: 'GET', url: '/api/docs/' });
    expect(index.statusCode).toBe(200);
    const csp = index.headers['content-security-policy'] as string;
    const directive = (name: string) =>
      csp
        .split(';')
        .map((d) => d.trim().split(/\s+/))
        .find(([n]) => n === name)
        ?.slice(1);
    // Swagger UI sets inline styles on what it renders: a policy without 'unsafe-inline' for
    // styles (or with hashes, which make browsers ignore it) logs a violation per element.
    const styles = directive('style-src') ?? directive('default-src')!;
    expect(styles).toContain("'unsafe-inline'");
    expect(styles.some((v) => v.startsWith("'sha") || v.startsWith("'nonce"))).toBe(false);
    // Its scripts are files of its own: no inline script is needed, none is allowed.
    const scripts = directive('script-src')!;
    expect(scripts).toEqual(["'self'"]);
    expect(index.body).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/);
    expect(index.body).not.toMatch(/\sstyle=/);
    // The page loads nothing from elsewhere (no validator badge, no CDN), and works over plain http.
    expect(csp).not.toMatch(/https?:|\bhttps:|[a-z0-9-]+\.(io|com|org)\b/);
    expect(csp).not.toContain('upgrade-insecure-requests');
    const initializer = await ctx.app.inject({ method: 'GET', url: '/api/docs/static/swagger-initializer.js' });
    expect(initializer.body).toContain('validatorUrl: null');
  });
});

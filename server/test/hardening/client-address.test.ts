// A client's address is the socket's, unless the request comes from a proxy named in TRUST_PROXY:
// only then do forwarding headers count. Every per-address throttle is keyed by that address, so a
// client cannot dodge one by sending a new X-Forwarded-For with each request.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { createTestContext, testConfig, type TestContext } from '../helpers/app.js';

const limits = { ...testConfig().rateLimits, registrationsPerHour: 3, authPerMinute: 5 };
let n = 0;
const registration = () => ({
  email: `visitor-${++n}@example.test`,
  password: 'long-enough-password',
  fullName: 'Đỗ Minh Khang',
  category: 'student',
});

describe('client address without TRUST_PROXY', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext({ config: { rateLimits: limits } });
  });
  afterAll(() => ctx?.close());

  it('ignores X-Forwarded-For: a new header on each registration is still the same address', async () => {
    const codes: number[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await ctx.app.inject({
        method: 'POST',
        url: '/api/auth/register',
        remoteAddress: '198.51.100.7',
        headers: { 'x-forwarded-for': `203.0.113.${i + 1}`, 'x-real-ip': `203.0.113.${i + 1}` },
        payload: registration(),
      });
      codes.push(res.statusCode);
    }
    expect(codes).toEqual([201, 201, 201, 429]);
  });

  it('counts password-reset requests and sign-ins in the same per-address budget of /api/auth', async () => {
    const codes: number[] = [];
    for (let i = 0; i < 6; i++) {
      const res = await ctx.app.inject({
        method: 'POST',
        url: i % 2 ? '/api/auth/password-reset/request' : '/api/auth/login',
        remoteAddress: '198.51.100.8',
        headers: { 'x-forwarded-for': `203.0.113.${i + 1}` },
        payload:
          i % 2 ? { email: 'someone@example.test' } : { email: 'someone@example.test', password: 'wrong-password' },
      });
      codes.push(res.statusCode);
    }
    expect(codes.slice(0, 5).every((c) => c !== 429)).toBe(true);
    expect(codes[5]).toBe(429);
  });
});

describe('client address behind a trusted proxy', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext({ config: { rateLimits: limits, trustProxy: ['10.0.0.0/8'] } });
  });
  afterAll(() => ctx?.close());

  it('takes the client address the trusted proxy forwards, and no address a client wrote itself', async () => {
    const viaProxy = (forwardedFor: string) =>
      ctx.app.inject({
        method: 'POST',
        url: '/api/auth/register',
        remoteAddress: '10.1.2.3',
        headers: { 'x-forwarded-for': forwardedFor },
        payload: registration(),
      });
    // Four different clients behind the proxy: each has its own budget.
    for (let i = 0; i < 4; i++) expect((await viaProxy(`203.0.113.${10 + i}`)).statusCode).toBe(201);
    // One client that prepends a new address each time: the proxy appended the real one last.
    const spoofed: number[] = [];
    for (let i = 0; i < 4; i++) spoofed.push((await viaProxy(`192.0.2.${i + 1}, 203.0.113.99`)).statusCode);
    expect(spoofed).toEqual([201, 201, 201, 429]);
    // A client that is not the proxy cannot borrow the header.
    const direct: number[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await ctx.app.inject({
        method: 'POST',
        url: '/api/auth/register',
        remoteAddress: '198.51.100.20',
        headers: { 'x-forwarded-for': `203.0.113.${50 + i}` },
        payload: registration(),
      });
      direct.push(res.statusCode);
    }
    expect(direct).toEqual([201, 201, 201, 429]);
  });
});

describe('TRUST_PROXY setting', () => {
  const base = { JWT_SECRET: 'x'.repeat(40), DATA_DIR: '/tmp/fablab-config-test' };
  it('is off by default, and takes addresses, CIDRs, names of ranges or a hop count', () => {
    expect(loadConfig(base).trustProxy).toBe(false);
    expect(loadConfig({ ...base, TRUST_PROXY: '' }).trustProxy).toBe(false);
    expect(loadConfig({ ...base, TRUST_PROXY: '1' }).trustProxy).toBe(1);
    expect(loadConfig({ ...base, TRUST_PROXY: '10.0.0.1, 172.16.0.0/12,loopback,::1' }).trustProxy).toEqual([
      '10.0.0.1',
      '172.16.0.0/12',
      'loopback',
      '::1',
    ]);
  });
  it('refuses what would trust every client, and what is not an address', () => {
    expect(() => loadConfig({ ...base, TRUST_PROXY: 'true' })).toThrow(ConfigError);
    expect(() => loadConfig({ ...base, TRUST_PROXY: '*' })).toThrow(ConfigError);
    expect(() => loadConfig({ ...base, TRUST_PROXY: 'proxy.internal' })).toThrow(ConfigError);
    expect(() => loadConfig({ ...base, TRUST_PROXY: '10.0.0.0/99' })).toThrow(ConfigError);
    expect(() => loadConfig({ ...base, TRUST_PROXY: '0' })).toThrow(ConfigError);
  });
});

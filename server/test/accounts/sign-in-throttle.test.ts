// Sign-in throttling slows guessing down without handing anyone a way to lock a member out:
// failures count per (email, address) and per address, so a stranger's wrong passwords for a
// member's email never stop the member's correct sign-in from the member's own address.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, fixedClock, testConfig, TEST_PASSWORD, type TestContext } from '../helpers/app.js';

const ATTACKER = '203.0.113.66';
const HOME = '198.51.100.5';
const clock = fixedClock('2026-06-01T08:00:00+07:00');

describe('sign-in throttling', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext({
      clock,
      config: {
        rateLimits: {
          ...testConfig().rateLimits,
          loginFailuresPerEmail: 10,
          loginFailuresPerAddress: 30,
          loginFailuresPerAccountPerHour: 20,
        },
      },
    });
  });
  afterAll(() => ctx?.close());

  const login = (email: string, password: string, remoteAddress: string) =>
    ctx.app.inject({ method: 'POST', url: '/api/auth/login', remoteAddress, payload: { email, password } });

  it("lets a member sign in from their own address while a stranger's guesses are throttled", async () => {
    const victim = await ctx.createUser();
    const attempts: number[] = [];
    for (let i = 0; i < 12; i++) attempts.push((await login(victim.email, `guess-number-${i}`, ATTACKER)).statusCode);
    expect(attempts.slice(0, 10).every((s) => s === 401)).toBe(true);
    expect(attempts.slice(10)).toEqual([429, 429]);
    // The attacker's budget for this email is spent even with the right password: nothing leaks.
    const blocked = await login(victim.email, TEST_PASSWORD, ATTACKER);
    expect(blocked.statusCode).toBe(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);

    const own = await login(victim.email, TEST_PASSWORD, HOME);
    expect(own.statusCode, own.body).toBe(200);
  });

  it("throttles the member's own failures from one address, and forgets them after a correct sign-in", async () => {
    const member = await ctx.createUser();
    for (let i = 0; i < 9; i++) expect((await login(member.email, 'forgot-it-again', HOME)).statusCode).toBe(401);
    expect((await login(member.email, TEST_PASSWORD, HOME)).statusCode).toBe(200);
    for (let i = 0; i < 9; i++) expect((await login(member.email, 'forgot-it-again', HOME)).statusCode).toBe(401);
    expect((await login(member.email, TEST_PASSWORD, HOME)).statusCode).toBe(200);
  });

  it('throttles one address that tries many emails, and no other address', async () => {
    const spray = '203.0.113.77';
    const bystander = await ctx.createUser();
    const codes: number[] = [];
    for (let i = 0; i < 32; i++)
      codes.push((await login(`target-${i}@example.test`, 'Password123!', spray)).statusCode);
    expect(codes.slice(0, 30).every((s) => s === 401)).toBe(true);
    expect(codes.slice(30)).toEqual([429, 429]);
    expect((await login(bystander.email, TEST_PASSWORD, spray)).statusCode).toBe(429);
    expect((await login(bystander.email, TEST_PASSWORD, HOME)).statusCode).toBe(200);

    // Fifteen minutes on, the address may try again.
    clock.advance(15 * 60_000 + 1000);
    expect((await login(bystander.email, TEST_PASSWORD, spray)).statusCode).toBe(200);
  });

  it('caps the failures one account meets from all addresses, but not where the member signed in before', async () => {
    const member = await ctx.createUser();
    expect((await login(member.email, TEST_PASSWORD, HOME)).statusCode).toBe(200);
    // A botnet: one guess from each of 25 addresses.
    const codes: number[] = [];
    for (let i = 0; i < 25; i++) codes.push((await login(member.email, `botnet-${i}`, `192.0.2.${i + 1}`)).statusCode);
    expect(codes.slice(0, 20).every((c) => c === 401)).toBe(true);
    expect(codes.slice(20).every((c) => c === 429)).toBe(true);
    // The member, at home, is not locked out; a first sign-in from a new place waits (or resets the password).
    expect((await login(member.email, TEST_PASSWORD, HOME)).statusCode).toBe(200);
    expect((await login(member.email, TEST_PASSWORD, '198.51.100.99')).statusCode).toBe(429);
    // Another account is not affected.
    const other = await ctx.createUser();
    expect((await login(other.email, TEST_PASSWORD, '192.0.2.30')).statusCode).toBe(200);
  });
});

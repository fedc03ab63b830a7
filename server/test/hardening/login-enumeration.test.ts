// Signing in must not tell whether an email has an account: the same answer, in about the same
// time (the server verifies against a dummy hash when the email is unknown).
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../helpers/app.js';

const ATTEMPTS = 20;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

describe('login does not reveal whether an email exists', () => {
  let ctx: TestContext;
  let known: string;
  beforeAll(async () => {
    // The failed-login throttle would answer the known email with 429 (and no hashing) part-way.
    ctx = await createTestContext({
      config: {
        rateLimits: {
          loginFailuresPerEmail: 10_000,
          loginFailuresPerAddress: 10_000,
          loginFailuresPerAccountPerHour: 10_000,
          authPerMinute: 10_000,
          registrationsPerHour: 10_000,
          bookingsPerMinute: 10_000,
        },
      },
    });
    known = (await ctx.createUser({ email: 'le.thi.hoa@example.test' })).email;
  });
  afterAll(() => ctx?.close());

  const login = async (email: string, password: string) => {
    const started = performance.now();
    const res = await ctx.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password } });
    return { res, ms: performance.now() - started };
  };

  it('answers a wrong password and an unknown email with the same body', async () => {
    const wrongPassword = await login(known, 'not-the-password');
    const unknownEmail = await login('nobody.here@example.test', 'not-the-password');
    const shouting = await login('  LE.THI.HOA@EXAMPLE.TEST ', 'not-the-password');
    expect(wrongPassword.res.statusCode).toBe(401);
    expect(unknownEmail.res.statusCode).toBe(401);
    expect(unknownEmail.res.body).toBe(wrongPassword.res.body);
    expect(shouting.res.body).toBe(wrongPassword.res.body);
    expect(wrongPassword.res.json()).toMatchObject({ code: 'INVALID_CREDENTIALS' });
    // Only the right password tells anything about the account.
    expect((await login(known, 'correct-horse-battery')).res.statusCode).toBe(200);
  });

  it(`takes about as long for a known as for an unknown email (median of ${ATTEMPTS} each)`, async () => {
    for (let i = 0; i < 3; i++) {
      await login(known, 'warm-up-password');
      await login(`warm-${i}@example.test`, 'warm-up-password');
    }
    const knownMs: number[] = [];
    const unknownMs: number[] = [];
    // Interleaved, so that both see the same load on this shared machine.
    for (let i = 0; i < ATTEMPTS; i++) {
      knownMs.push((await login(known, `wrong-password-${i}`)).ms);
      unknownMs.push((await login(`unknown-${i}@example.test`, `wrong-password-${i}`)).ms);
    }
    const ratio = median(knownMs) / median(unknownMs);
    console.log(
      `login median: known ${median(knownMs).toFixed(1)} ms, unknown ${median(unknownMs).toFixed(1)} ms, ratio ${ratio.toFixed(2)}`,
    );
    expect(ratio).toBeGreaterThan(0.5);
    expect(ratio).toBeLessThan(2);
  });
});

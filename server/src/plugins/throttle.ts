// Every throttle of the API, with the budgets of the settings (config.rateLimits). Per-address
// budgets are keyed by request.ip, which is the socket's address unless the request came through a
// proxy named in TRUST_PROXY. On PostgreSQL the counts live in the database (throttle_events), so
// the budgets hold across every server process.
//
// The sign-in policy (README, "Security", against OWASP ASVS V2.2): failures count per
// (email, address) and per address, so nobody can lock another member out of a correct sign-in
// from the member's own address; past the failures one account may meet in an hour from all
// addresses, only addresses it signed in from before may still try.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { TooManyRequests } from '../lib/errors.js';
import {
  createDatabaseThrottleStore,
  purgeThrottleEvents,
  type ThrottleStore,
} from '../lib/throttle.js';

export type BudgetName =
  | 'auth'
  | 'registrations'
  | 'signInFailures'
  | 'signInFailuresPerAddress'
  | 'signInFailuresPerAccount'
  | 'signedInFrom'
  | 'bookings';

interface Budget {
  max: number;
  windowMs: number;
  /** What the 429 says was too much. */
  what: string;
}

export interface Throttle {
  /** Counts one event; throws 429 (with Retry-After) instead when the budget is spent. */
  hit(budget: BudgetName, key: string): Promise<void>;
  /** Throws 429 when the budget is spent; counts nothing. */
  check(budget: BudgetName, key: string): Promise<void>;
  /** True when the budget is spent (for a budget of one: when the event happened in the window). */
  spent(budget: BudgetName, key: string): Promise<boolean>;
  record(budget: BudgetName, key: string): Promise<void>;
  reset(budget: BudgetName, key: string): Promise<void>;
  /** The sign-in policy, for one attempt of `email` (normalized) from the request's address. */
  signIn: {
    /** Throws 429 when the attempt may not be made; before the password is looked at. */
    guard(email: string, request: FastifyRequest): Promise<void>;
    succeeded(email: string, request: FastifyRequest): Promise<void>;
    failed(email: string, request: FastifyRequest): Promise<void>;
  };
}

declare module 'fastify' {
  interface FastifyInstance {
    throttle: Throttle;
  }
}

/** The key of a sign-in attempt: one email from one address. */
const signInKey = (email: string, request: FastifyRequest) => `${email}\n${request.ip}`;

export default fp(
  async function throttle(app: FastifyInstance, options: { store?: ThrottleStore }) {
    const limits = app.config.rateLimits;
    const budgets: Record<BudgetName, Budget> = {
      auth: { max: limits.authPerMinute, windowMs: 60_000, what: 'Too many requests' },
      registrations: {
        max: limits.registrationsPerHour,
        windowMs: 3_600_000,
        what: 'Too many registrations from this address',
      },
      signInFailures: { max: limits.loginFailuresPerEmail, windowMs: 15 * 60_000, what: 'Too many failed sign-ins' },
      signInFailuresPerAddress: {
        max: limits.loginFailuresPerAddress,
        windowMs: 15 * 60_000,
        what: 'Too many failed sign-ins from this address',
      },
      signInFailuresPerAccount: {
        max: limits.loginFailuresPerAccountPerHour,
        windowMs: 3_600_000,
        what: 'Too many failed sign-ins for this account; sign in from an address you used before, or reset the password',
      },
      // One event per (email, address) that signed in: the addresses an account is known at.
      signedInFrom: { max: 1, windowMs: 30 * 86_400_000, what: 'Signed in' },
      bookings: { max: limits.bookingsPerMinute, windowMs: 60_000, what: 'Too many new bookings' },
    };
    const keyOf = (budget: BudgetName, key: string) => `${budget}\n${key}`;
    // Several server processes may serve the API: they count in one table.
    const store = options.store ?? createDatabaseThrottleStore(app.db);
    if (store.close) app.addHook('onClose', () => store.close!());
    {
      app.jobs.register('purge-throttle-events', async (_app, now) => {
        let purged = 0;
        for (const [name, { windowMs }] of Object.entries(budgets)) {
          purged += await purgeThrottleEvents(
            app.db,
            keyOf(name as BudgetName, ''),
            new Date(now.getTime() - windowMs),
          );
        }
        return { purged };
      });
    }

    const api: Throttle = {
      async hit(budget, key) {
        const { max, windowMs, what } = budgets[budget];
        const wait = await store.hit(keyOf(budget, key), max, windowMs, app.clock.now());
        if (wait > 0) throw new TooManyRequests(wait, what);
      },
      async check(budget, key) {
        const { max, windowMs, what } = budgets[budget];
        const wait = await store.retryAfter(keyOf(budget, key), max, windowMs, app.clock.now());
        if (wait > 0) throw new TooManyRequests(wait, what);
      },
      async spent(budget, key) {
        const { max, windowMs } = budgets[budget];
        return (await store.retryAfter(keyOf(budget, key), max, windowMs, app.clock.now())) > 0;
      },
      async record(budget, key) {
        await store.record(keyOf(budget, key), budgets[budget].windowMs, app.clock.now());
      },
      async reset(budget, key) {
        await store.reset(keyOf(budget, key));
      },
      signIn: {
        async guard(email, request) {
          const pair = signInKey(email, request);
          await api.check('signInFailures', pair);
          await api.check('signInFailuresPerAddress', request.ip);
          // An account under attack from many addresses stays open where its member signed in before.
          if ((await api.spent('signInFailuresPerAccount', email)) && !(await api.spent('signedInFrom', pair))) {
            await api.check('signInFailuresPerAccount', email);
          }
        },
        async succeeded(email, request) {
          const pair = signInKey(email, request);
          // The address's and the account's counts stay: one valid sign-in must not wipe a record of guessing.
          await api.reset('signInFailures', pair);
          await api.reset('signedInFrom', pair);
          await api.record('signedInFrom', pair);
        },
        async failed(email, request) {
          await api.record('signInFailures', signInKey(email, request));
          await api.record('signInFailuresPerAddress', request.ip);
          await api.record('signInFailuresPerAccount', email);
        },
      },
    };
    app.decorate('throttle', api);

    // One budget per address for everything under /api/auth (sign-in, registration, password reset).
    app.addHook('onRequest', async (request) => {
      if (request.routeOptions.url?.startsWith('/api/auth/')) await api.hit('auth', request.ip);
    });
  },
  { name: 'throttle', dependencies: ['errors', 'jobs'] },
);

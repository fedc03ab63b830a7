// Throttles hold however many server processes serve the API: two apps, each with its own pool,
// on one PostgreSQL (as two replicas behind a load balancer), count against the same budgets.
// A client that alternates between them gets no more than from one.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type App } from '../../src/app.js';
import { connect, type Database } from '../../src/db/client.js';
import { fixedClock } from '../../src/lib/clock.js';
import { TEST_PASSWORD, testConfig } from '../helpers/app.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { seedLab, type SeededLab } from './seed.js';
import { NOW, local } from './world.js';

const limits = {
  ...testConfig().rateLimits,
  loginFailuresPerEmail: 6,
  loginFailuresPerAddress: 50,
  registrationsPerHour: 4,
  bookingsPerMinute: 4,
};

describe('throttles shared by two replicas', () => {
  let database: TestDatabase;
  const replicas: Array<{ app: App; db: Database }> = [];
  let lab: SeededLab;
  const clock = fixedClock(NOW);

  beforeAll(async () => {
    database = await createTestDatabase();
    lab = await seedLab(database.db, { machines: 1, members: 2 });
    for (let i = 0; i < 2; i++) {
      const db = await connect({ databaseUrl: database.url!, poolSize: 5 });
      const app = await buildApp({
        config: testConfig({ databaseUrl: database.url!, rateLimits: limits }),
        database: db,
        clock,
      });
      await app.ready();
      replicas.push({ app, db });
    }
  });
  afterAll(async () => {
    for (const r of replicas) {
      await r.app.close();
      await r.db.close();
    }
    await database?.close();
  });

  const via = (i: number) => replicas[i % 2]!.app;

  it('counts registrations from one address on both replicas together', async () => {
    const codes: number[] = [];
    for (let i = 0; i < 6; i++) {
      const res = await via(i).inject({
        method: 'POST',
        url: '/api/auth/register',
        remoteAddress: '203.0.113.40',
        payload: {
          email: `replica-${i}@example.test`,
          password: 'long-enough-password',
          fullName: 'Vũ Thị Hai',
          category: 'student',
        },
      });
      codes.push(res.statusCode);
    }
    expect(codes).toEqual([201, 201, 201, 201, 429, 429]);
  });

  it('counts failed sign-ins on both replicas together, and a correct one from elsewhere still works', async () => {
    const email = lab.members[0]!.email;
    const codes: number[] = [];
    for (let i = 0; i < 8; i++) {
      const res = await via(i).inject({
        method: 'POST',
        url: '/api/auth/login',
        remoteAddress: '203.0.113.41',
        payload: { email, password: `wrong-${i}` },
      });
      codes.push(res.statusCode);
    }
    expect(codes).toEqual([401, 401, 401, 401, 401, 401, 429, 429]);
    for (const i of [0, 1]) {
      const own = await via(i).inject({
        method: 'POST',
        url: '/api/auth/login',
        remoteAddress: '198.51.100.41',
        payload: { email, password: TEST_PASSWORD },
      });
      expect(own.statusCode).toBe(200);
    }
  });

  it('counts one member’s new bookings on both replicas together, even sent at once', async () => {
    const member = lab.members[1]!;
    const token = via(0).signToken({ id: member.id, tokenVersion: member.tokenVersion });
    const base = new Date(local('2026-06-02T00:00')).getTime();
    const responses = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        via(i).inject({
          method: 'POST',
          url: '/api/bookings',
          headers: { authorization: `Bearer ${token}` },
          payload: {
            machineId: lab.machineIds[0],
            start: new Date(base + i * 3_600_000).toISOString(),
            end: new Date(base + i * 3_600_000 + 1_800_000).toISOString(),
            purpose: 'research',
          },
        }),
      ),
    );
    const codes = responses.map((r) => r.statusCode).sort();
    expect(codes).toEqual([201, 201, 201, 201, 429, 429, 429, 429]);
  });

  it('purges counts that no window needs any more', async () => {
    const count = async () =>
      (
        await database.query<{ n: number }>(
          "select count(*)::int as n from throttle_events where not starts_with(key, 'signedInFrom')",
        )
      )[0]!.n;
    expect(await count()).toBeGreaterThan(0);
    clock.advance(2 * 3_600_000);
    await via(0).jobs.run('purge-throttle-events');
    expect(await count()).toBe(0);
  });
});

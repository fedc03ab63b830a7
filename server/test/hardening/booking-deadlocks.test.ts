// Bookings racing on machines with a buffer, through two server processes: the buffer makes
// neighbouring slots collide, which once let two transactions each insert a colliding booking and
// then wait on the other's in the exclusion index (deadlock detected, and 500s once the retries ran
// out). Slot-holding writes now take their machines exclusively, in one order, so no request
// answers 5xx and no deadlock happens at all.
import { and, inArray, sql } from 'drizzle-orm';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type App } from '../../src/app.js';
import { connect, type Database } from '../../src/db/client.js';
import { bookings } from '../../src/db/schema/index.js';
import { fixedClock } from '../../src/lib/clock.js';
import { testConfig } from '../helpers/app.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { seedLab, type SeededLab } from './seed.js';
import { NOW, local } from './world.js';

const MACHINES = 6;
const REQUESTS = 300;
const MEMBERS = 60;
const HALF_HOUR = 30 * 60_000;

async function deadlocksSoFar(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: string }>(
      'select deadlocks::text as n from pg_stat_database where datname = current_database()',
    );
    return Number(rows[0]?.n ?? 0);
  } finally {
    await client.end();
  }
}

describe('bookings racing on machines with a buffer', () => {
  let database: TestDatabase;
  const replicas: Array<{ app: App; db: Database; url: string }> = [];
  let lab: SeededLab;

  beforeAll(async () => {
    database = await createTestDatabase();
    lab = await seedLab(database.db, { machines: MACHINES, members: MEMBERS, bufferMinutes: 15 });
    for (let i = 0; i < 2; i++) {
      const db = await connect({ databaseUrl: database.url!, poolSize: 10 });
      const app = await buildApp({
        config: testConfig({ databaseUrl: database.url! }),
        database: db,
        clock: fixedClock(NOW),
      });
      await app.listen({ port: 0, host: '127.0.0.1' });
      replicas.push({ app, db, url: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}` });
    }
  });
  async function closeReplicas() {
    for (const r of replicas.splice(0)) {
      await r.app.close();
      await r.db.close();
    }
  }
  afterAll(async () => {
    await closeReplicas();
    await database?.close();
  });

  it(`answers ${REQUESTS} racing requests with 201 or 409 only, and deadlocks never`, async () => {
    const before = await deadlocksSoFar(database.url!);
    const base = new Date(local('2026-06-02T09:00')).getTime();
    const requests = Array.from({ length: REQUESTS }, (_, i) => {
      const member = lab.members[i % MEMBERS]!;
      const token = replicas[0]!.app.signToken({ id: member.id, tokenVersion: member.tokenVersion });
      // One-hour bookings starting on any of six half hours: neighbours collide through the buffer.
      const start = base + (Math.floor(i / MACHINES) % 6) * HALF_HOUR;
      const replica = replicas[i % 2]!;
      return fetch(`${replica.url}/api/bookings`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({
          machineId: lab.machineIds[i % MACHINES],
          start: new Date(start).toISOString(),
          end: new Date(start + 2 * HALF_HOUR).toISOString(),
          purpose: 'research',
        }),
      }).then(async (res) => ({ status: res.status, body: await res.text() }));
    });
    const results = await Promise.all(requests);
    expect(results.filter((r) => r.status >= 500)).toEqual([]);
    expect(results.filter((r) => r.status !== 201 && r.status !== 409)).toEqual([]);
    expect(results.filter((r) => r.status === 201).length).toBeGreaterThanOrEqual(MACHINES * 2);

    // No two holding bookings of one machine overlap, buffer included.
    const ids = lab.machineIds.map((id) => `'${id}'`).join(',');
    const overlaps = await database.query<{ n: number }>(`
      select count(*)::int as n from bookings a join bookings b
        on a.machine_id = b.machine_id and a.id < b.id and a.occupied && b.occupied
       where a.status in ('pending', 'approved', 'checked_in') and b.status in ('pending', 'approved', 'checked_in')
         and a.machine_id in (${ids})`);
    expect(overlaps[0]?.n).toBe(0);
    const held = await database.db
      .select({ n: sql<number>`count(*)::int` })
      .from(bookings)
      .where(and(inArray(bookings.machineId, lab.machineIds), inArray(bookings.status, ['approved'])));
    expect(held[0]?.n).toBe(results.filter((r) => r.status === 201).length);

    // The database counts every deadlock its backends met; a backend reports its count as it exits.
    await closeReplicas();
    let after = before;
    for (let i = 0; i < 50 && after === before; i++) after = await deadlocksSoFar(database.url!);
    expect(after - before).toBe(0);
  });
});

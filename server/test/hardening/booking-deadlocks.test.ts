// Bookings racing on machines with a buffer, through two server processes: the buffer makes
// neighbouring slots collide, which once let two transactions each insert a colliding booking and
// then wait on the other's in the exclusion index (deadlock detected, and 500s once the retries ran
// out). Slot-holding writes now take their machines exclusively, in one order, so no request
// answers 5xx and no deadlock happens at all.
//
// The contention is what made it happen: six machines with a half-hour buffer, every request a
// one-hour booking on one of 24 neighbouring half hours (so each collides with its neighbours
// through the buffer), members booking for themselves, the lab's manager booking for members and
// members moving bookings they hold elsewhere into the same hours, all at once, round after round.
// Run against the code before the lock order (machines FOR SHARE, 42068e5), these four rounds met
// 56 and 60 deadlocks in two runs, and 172 and 85 of the 1,200 requests answered 5xx: 500 once the
// five attempts had all deadlocked, 503 while the pools waited on the deadlocked transactions.
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
const BUFFER_MINUTES = 30;
/** Neighbouring half hours a round's bookings start on: twelve hours of one-hour bookings per machine. */
const SLOTS = 24;
const ROUNDS = 4;
const REQUESTS = 300;
const MEMBERS = 60;
const HALF_HOUR = 30 * 60_000;
const DAY = 24 * 3_600_000;
/** One in this many requests is the lab's manager booking for a member, one in MOVE_EVERY a member moving a booking in. */
const FOR_MEMBER_EVERY = 5;
const MOVE_EVERY = 7;

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

interface Outcome {
  kind: 'create' | 'forMember' | 'move';
  status: number;
  body: string;
  ms: number;
}

describe('bookings racing on machines with a buffer', () => {
  let database: TestDatabase;
  const replicas: Array<{ app: App; db: Database; url: string }> = [];
  let lab: SeededLab;

  beforeAll(async () => {
    database = await createTestDatabase();
    lab = await seedLab(database.db, { machines: MACHINES, members: MEMBERS, bufferMinutes: BUFFER_MINUTES });
    for (let i = 0; i < 2; i++) {
      // Bursts of 300 bookings taking turns on six machines wait longer for a connection and a
      // lock than a 2-core machine under a full test run gives them in 5 or 10 s: this test is
      // about deadlocks and overlaps, not capacity, so the waits are not cut short here.
      const db = await connect({ databaseUrl: database.url!, poolSize: 10, connectionTimeoutMs: 120_000, queryTimeoutMs: 120_000 });
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

  it(`answers ${ROUNDS} rounds of ${REQUESTS} racing creations, bookings for members and moves without a 5xx or a deadlock`, async () => {
    const before = await deadlocksSoFar(database.url!);
    const tokenOf = (user: { id: string; tokenVersion: string }) =>
      replicas[0]!.app.signToken({ id: user.id, tokenVersion: user.tokenVersion });
    const outcomes: Outcome[] = [];
    let held = 0;

    for (let round = 0; round < ROUNDS; round++) {
      const firstDay = new Date(local('2026-06-02T09:00')).getTime();
      const base = firstDay + round * DAY;
      // The bookings members will move in: one each, far from the contended hours and from each other.
      const movers = Array.from({ length: Math.ceil(REQUESTS / MOVE_EVERY) }, (_, k) => lab.members[k % MEMBERS]!);
      const parked = await database.db
        .insert(bookings)
        .values(
          movers.map((member, k) => {
            const machineId = lab.machineIds[k % MACHINES]!;
            const startAt = new Date(firstDay + (30 + 3 * round) * DAY + Math.floor(k / MACHINES) * 4 * HALF_HOUR);
            const endAt = new Date(startAt.getTime() + 2 * HALF_HOUR);
            return {
              machineId,
              labId: lab.labId,
              userId: member.id,
              startAt,
              endAt,
              occupiedUntil: new Date(endAt.getTime() + BUFFER_MINUTES * 60_000),
              status: 'approved' as const,
              purpose: 'research' as const,
              createdBy: member.id,
              approvedAt: new Date(NOW),
              decidedAt: new Date(NOW),
            };
          }),
        )
        .returning({ id: bookings.id, userId: bookings.userId, machineId: bookings.machineId });
      held += parked.length;

      const requests = Array.from({ length: REQUESTS }, (_, i): Promise<Outcome> => {
        const replica = replicas[i % 2]!;
        // With the buffer each one-hour booking collides with the two half hours before and after it.
        const start = base + (Math.floor(i / MACHINES) % SLOTS) * HALF_HOUR;
        const slot = { start: new Date(start).toISOString(), end: new Date(start + 2 * HALF_HOUR).toISOString() };
        const member = lab.members[(i + round * 7) % MEMBERS]!;
        let kind: Outcome['kind'] = 'create';
        let method = 'POST';
        let path = '/api/bookings';
        let token = tokenOf(member);
        let body: Record<string, unknown> = {
          machineId: lab.machineIds[i % MACHINES],
          ...slot,
          purpose: 'research',
        };
        if (i % MOVE_EVERY === 0) {
          const booking = parked[i / MOVE_EVERY]!;
          kind = 'move';
          method = 'PATCH';
          path = `/api/bookings/${booking.id}`;
          token = tokenOf(lab.members.find((m) => m.id === booking.userId)!);
          body = slot;
        } else if (i % FOR_MEMBER_EVERY === 0) {
          kind = 'forMember';
          token = tokenOf(lab.manager);
          body = { ...body, userId: member.id };
        }
        const sent = performance.now();
        return fetch(`${replica.url}${path}`, {
          method,
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify(body),
        }).then(async (res) => ({ kind, status: res.status, body: await res.text(), ms: performance.now() - sent }));
      });
      const results = await Promise.all(requests);
      outcomes.push(...results);
      held += results.filter((r) => r.status === 201).length;
      const counts = results.reduce<Record<string, number>>((acc, r) => {
        acc[`${r.kind} ${r.status}`] = (acc[`${r.kind} ${r.status}`] ?? 0) + 1;
        return acc;
      }, {});
      const slowest = Math.max(...results.map((r) => r.ms));
      console.log(`round ${round + 1}: ${JSON.stringify(counts)}, slowest answer ${Math.round(slowest)} ms`);
    }

    // The database counts every deadlock its backends met; a backend reports its count as it exits.
    await closeReplicas();
    let after = before;
    for (let i = 0; i < 50 && after === before; i++) after = await deadlocksSoFar(database.url!);
    console.log(
      `${outcomes.length} racing requests: ${outcomes.filter((o) => o.status >= 500).length} answered 5xx, ${after - before} deadlocks`,
    );

    expect(outcomes.filter((r) => r.status >= 500)).toEqual([]);
    const expected = (o: Outcome) => (o.kind === 'move' ? [200, 409] : [201, 409]).includes(o.status);
    expect(outcomes.filter((o) => !expected(o))).toEqual([]);
    expect(outcomes.filter((r) => r.status === 201).length).toBeGreaterThanOrEqual(MACHINES * 2 * ROUNDS);

    // No two holding bookings of one machine overlap, buffer included.
    const ids = lab.machineIds.map((id) => `'${id}'`).join(',');
    const overlaps = await database.query<{ n: number }>(`
      select count(*)::int as n from bookings a join bookings b
        on a.machine_id = b.machine_id and a.id < b.id and a.occupied && b.occupied
       where a.status in ('pending', 'approved', 'checked_in') and b.status in ('pending', 'approved', 'checked_in')
         and a.machine_id in (${ids})`);
    expect(overlaps[0]?.n).toBe(0);
    const approved = await database.db
      .select({ n: sql<number>`count(*)::int` })
      .from(bookings)
      .where(and(inArray(bookings.machineId, lab.machineIds), inArray(bookings.status, ['approved'])));
    expect(approved[0]?.n).toBe(held);

    expect(after - before).toBe(0);
  }, 240_000);
});

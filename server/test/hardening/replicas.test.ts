// Two server processes against one PostgreSQL: two apps, each with its own pool and listening on
// its own port, as two replicas behind a load balancer would be. Bookings racing across both
// still give exactly one winner per slot, and background jobs run on both at once act on each row
// once.
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type App } from '../../src/app.js';
import { connect, type Database } from '../../src/db/client.js';
import { auditLog, bookings, notifications } from '../../src/db/schema/index.js';
import { fixedClock } from '../../src/lib/clock.js';
import { markNoShows } from '../../src/modules/usage/usage.jobs.js';
import { testConfig } from '../helpers/app.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { seedLab, type SeededLab } from './seed.js';
import { NOW, local } from './world.js';

const SLOTS = 20;
const RACERS = 10;
const HOUR = 3_600_000;

describe('two replicas on one database', () => {
  let database: TestDatabase;
  const replicas: Array<{ app: App; db: Database; url: string }> = [];
  let lab: SeededLab;

  beforeAll(async () => {
    database = await createTestDatabase();
    lab = await seedLab(database.db, { machines: SLOTS, members: RACERS * 2 });
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
  afterAll(async () => {
    for (const r of replicas) {
      await r.app.close();
      await r.db.close();
    }
    await database?.close();
  });

  it(`gives each of ${SLOTS} slots to exactly one of ${RACERS} members racing through both replicas`, async () => {
    const token = (i: number) => {
      const m = lab.members[i]!;
      return replicas[0]!.app.signToken({ id: m.id, tokenVersion: m.tokenVersion });
    };
    const requests: Array<Promise<{ slot: number; status: number; code?: string }>> = [];
    for (let slot = 0; slot < SLOTS; slot++) {
      // Overlapping but unequal ranges on one machine per slot, half sent to each replica.
      const base = new Date(local('2026-06-02T09:00')).getTime();
      for (let r = 0; r < RACERS; r++) {
        const start = base + (r % 2) * 30 * 60_000;
        const replica = replicas[(slot + r) % 2]!;
        requests.push(
          fetch(`${replica.url}/api/bookings`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${token(r + (slot % 2) * RACERS)}` },
            body: JSON.stringify({
              machineId: lab.machineIds[slot],
              start: new Date(start).toISOString(),
              end: new Date(start + HOUR).toISOString(),
              purpose: 'research',
            }),
          }).then(async (res) => ({ slot, status: res.status, code: ((await res.json()) as { code?: string }).code })),
        );
      }
    }
    const results = await Promise.all(requests);
    expect(results.filter((r) => r.status >= 500)).toEqual([]);
    for (let slot = 0; slot < SLOTS; slot++) {
      const mine = results.filter((r) => r.slot === slot);
      expect(mine.filter((r) => r.status === 201)).toHaveLength(1);
      expect(mine.filter((r) => r.status === 409 && r.code === 'BOOKING_CONFLICT')).toHaveLength(RACERS - 1);
    }
    const holding = await database.db
      .select({ machineId: bookings.machineId, n: sql<number>`count(*)::int` })
      .from(bookings)
      .where(
        and(
          inArray(bookings.machineId, lab.machineIds),
          inArray(bookings.status, ['pending', 'approved', 'checked_in']),
        ),
      )
      .groupBy(bookings.machineId);
    expect(holding).toHaveLength(SLOTS);
    for (const row of holding) expect(row.n).toBe(1);
  });

  /** Approved bookings nobody checked in, long past their start: no-shows in waiting. */
  async function overdueBookings(count: number, status: 'approved' | 'pending', day: string) {
    const start = new Date(local(`${day}T09:00`));
    const rows = await database.db
      .insert(bookings)
      .values(
        Array.from({ length: count }, (_, i) => ({
          machineId: lab.machineIds[i % lab.machineIds.length]!,
          labId: lab.labId,
          userId: lab.members[i % lab.members.length]!.id,
          startAt: new Date(start.getTime() + Math.floor(i / lab.machineIds.length) * HOUR),
          endAt: new Date(start.getTime() + Math.floor(i / lab.machineIds.length) * HOUR + HOUR / 2),
          occupiedUntil: new Date(start.getTime() + Math.floor(i / lab.machineIds.length) * HOUR + HOUR / 2),
          status,
          purpose: 'personal_project' as const,
          ...(status === 'approved' ? { approvedAt: start, decidedAt: start } : {}),
        })),
      )
      .returning({ id: bookings.id });
    return rows.map((r) => r.id);
  }

  async function countsPerBooking(ids: string[], action: string, kind: string) {
    const audits = await database.db
      .select({ id: auditLog.entityId, n: sql<number>`count(*)::int` })
      .from(auditLog)
      .where(and(inArray(auditLog.entityId, ids), eq(auditLog.action, action)))
      .groupBy(auditLog.entityId);
    const notes = await database.db
      .select({ id: sql<string>`${notifications.data} ->> 'bookingId'`, n: sql<number>`count(*)::int` })
      .from(notifications)
      .where(and(eq(notifications.kind, kind), inArray(sql`${notifications.data} ->> 'bookingId'`, ids)))
      .groupBy(sql`${notifications.data} ->> 'bookingId'`);
    return { audits, notes };
  }

  it('marks each overdue booking a no-show once when both replicas run the job at the same moment', async () => {
    const ids = await overdueBookings(60, 'approved', '2026-05-25');
    // Through the job runner (advisory lock) and straight (row locks, SKIP LOCKED), several times over.
    const runs = await Promise.all([
      replicas[0]!.app.jobs.run('mark-no-shows'),
      replicas[1]!.app.jobs.run('mark-no-shows'),
      markNoShows(replicas[0]!.app, new Date(NOW)),
      markNoShows(replicas[1]!.app, new Date(NOW)),
      replicas[1]!.app.jobs.run('mark-no-shows'),
    ]);
    const marked = runs.reduce<number>((sum, r) => sum + ((r as { marked?: number }).marked ?? 0), 0);
    expect(marked).toBe(ids.length);
    const rows = await database.db.select({ status: bookings.status }).from(bookings).where(inArray(bookings.id, ids));
    expect(rows.every((r) => r.status === 'no_show')).toBe(true);
    const { audits, notes } = await countsPerBooking(ids, 'booking.no_show', 'booking_no_show');
    expect(audits).toHaveLength(ids.length);
    expect(audits.every((a) => a.n === 1)).toBe(true);
    expect(notes).toHaveLength(ids.length);
    expect(notes.every((n) => n.n === 1)).toBe(true);
  });

  it('expires each undecided booking once when both replicas run the job at the same moment', async () => {
    const ids = await overdueBookings(40, 'pending', '2026-05-26');
    const runs = await Promise.all([
      replicas[0]!.app.jobs.run('expire-pending-bookings'),
      replicas[1]!.app.jobs.run('expire-pending-bookings'),
      replicas[0]!.app.jobs.run('expire-pending-bookings'),
    ]);
    const expired = runs.reduce<number>((sum, r) => sum + ((r as { expired?: number }).expired ?? 0), 0);
    expect(expired).toBe(ids.length);
    const { audits, notes } = await countsPerBooking(ids, 'booking.expire', 'booking_expired');
    expect(audits).toHaveLength(ids.length);
    expect(audits.every((a) => a.n === 1)).toBe(true);
    expect(notes.every((n) => n.n === 1)).toBe(true);
    expect(notes).toHaveLength(ids.length);
  });

  it('runs every registered job on both replicas at once without doing anything twice or failing', async () => {
    const [a, b] = await Promise.all([replicas[0]!.app.jobs.runAll(), replicas[1]!.app.jobs.runAll()]);
    for (const result of [a, b]) for (const value of Object.values(result)) expect(value).not.toHaveProperty('error');
  });
});

import type { LabChangeEvent } from '@fablab/shared';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildApp } from '../../src/app.js';
import { createTestContext, testConfig, type TestContext } from '../helpers/app.js';
import { baseUrl, openSse, type SseClient } from './support.js';

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
/**
 * Whether anything arrived that should not have is not a matter of waiting long enough: a last
 * change published after the others reaches a calendar after anything they could still cause.
 */
const fence = (labId: string): LabChangeEvent => ({ labId, kind: 'lab', machineIds: ['fence'] });

describe('live calendars (server-sent events)', () => {
  let ctx: TestContext;
  const clients: SseClient[] = [];

  beforeAll(async () => {
    ctx = await createTestContext();
    await ctx.app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await ctx.close();
  });

  async function connect(base: string, labId: string, headers: Record<string, string> = {}) {
    const client = await openSse(`${base}/api/labs/${labId}/events`, headers);
    clients.push(client);
    return client;
  }

  it('streams a lab’s changes to its open calendars, and only that lab’s', async () => {
    const lab = await ctx.createLab();
    const otherLab = await ctx.createLab();
    const machine = await ctx.createMachine(lab.id);
    const sse = await connect(baseUrl(ctx.app), lab.id);
    expect(sse.status).toBe(200);
    expect(sse.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(sse.headers['cache-control']).toContain('no-cache');

    ctx.app.labEvents.publish({ labId: otherLab.id, kind: 'booking', machineIds: [] });
    ctx.app.labEvents.publish({ labId: lab.id, kind: 'booking', machineIds: [machine.id] });
    ctx.app.labEvents.publish({ labId: lab.id, kind: 'maintenance' });
    await sse.waitFor((events) => events.length >= 2, 2000);
    ctx.app.labEvents.publish(fence(lab.id));
    await sse.waitFor((events) => events.length >= 3, 2000);
    expect(sse.events as LabChangeEvent[]).toEqual([
      { labId: lab.id, kind: 'booking', machineIds: [machine.id] },
      { labId: lab.id, kind: 'maintenance', machineIds: [] },
      fence(lab.id),
    ]);
  });

  it('answers 404 for an unknown lab and 400 for a malformed id', async () => {
    const unknown = await ctx.app.inject({
      method: 'GET',
      url: '/api/labs/00000000-0000-4000-8000-000000000000/events',
    });
    expect(unknown.statusCode).toBe(404);
    const bad = await ctx.app.inject({ method: 'GET', url: '/api/labs/nope/events' });
    expect(bad.statusCode).toBe(400);
  });

  it('forgets a calendar that disconnects', async () => {
    const lab = await ctx.createLab();
    const connections = () =>
      new Promise<number>((resolve, reject) => ctx.app.server.getConnections((err, n) => (err ? reject(err) : resolve(n))));
    const before = await connections();
    const sse = await connect(baseUrl(ctx.app), lab.id);
    const received: unknown[] = [];
    const unsubscribe = ctx.app.labEvents.subscribe((c) => received.push(c));
    sse.close();
    // Until the server has seen the calendar go.
    await vi.waitFor(async () => expect(await connections()).toBe(before), { timeout: 2000, interval: 10 });
    // Publishing after the client left throws nowhere and reaches the remaining listeners.
    expect(() => ctx.app.labEvents.publish({ labId: lab.id, kind: 'booking' })).not.toThrow();
    expect(received).toHaveLength(1);
    unsubscribe();
  });

  it('lets app.close() finish while calendars are still connected', async () => {
    const app = await buildApp({ config: testConfig(), database: ctx.database, clock: ctx.clock });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const lab = await ctx.createLab();
    const sse = await connect(baseUrl(app), lab.id);
    expect(sse.status).toBe(200);
    const started = Date.now();
    await app.close();
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('names every event with an id and greets each connection with a resync, also just after a restart', async () => {
    const lab = await ctx.createLab();
    const machine = await ctx.createMachine(lab.id);
    const first = await buildApp({ config: testConfig(), database: ctx.database, clock: ctx.clock });
    await first.listen({ port: 0, host: '127.0.0.1' });
    const base = baseUrl(first);
    const port = (first.server.address() as AddressInfo).port;
    const before = await connect(base, lab.id);
    // A new connection may have missed changes (made while it was connecting): it is told to refetch.
    await before.waitFor(() => before.greeting !== undefined, 2000);
    expect(before.greeting).toMatchObject({ data: { labId: lab.id, kind: 'resync' } });
    expect(before.greeting!.id).toBeTruthy();
    first.labEvents.publish({ labId: lab.id, kind: 'booking', machineIds: [machine.id] });
    await before.waitFor((events) => events.length >= 1, 2000);
    expect(before.ids[0]).toBeTruthy();
    expect(before.ids[0]).not.toBe(before.greeting!.id);

    // The server restarts; a change is made before the calendar has reconnected.
    await first.close();
    const second = await buildApp({ config: testConfig(), database: ctx.database, clock: ctx.clock });
    await second.listen({ port, host: '127.0.0.1' });
    try {
      second.labEvents.publish({ labId: lab.id, kind: 'booking', machineIds: [machine.id] });
      // EventSource reconnects with the last id it saw; the change it missed comes as a resync.
      const after = await connect(base, lab.id, { 'last-event-id': before.ids[0]! });
      await after.waitFor(() => after.greeting !== undefined, 2000);
      expect(after.greeting).toMatchObject({ data: { labId: lab.id, kind: 'resync' } });
      expect(after.greeting!.id).not.toBe(before.ids[0]);
    } finally {
      await second.close();
    }
  });

  describe('with two server processes on one PostgreSQL database', () => {
    it('delivers a change published on one process to a calendar connected to the other, once', async () => {
      const second = await buildApp({ config: testConfig(), database: ctx.database, clock: ctx.clock });
      await second.listen({ port: 0, host: '127.0.0.1' });
      try {
        const lab = await ctx.createLab();
        const machine = await ctx.createMachine(lab.id);
        const onB = await connect(baseUrl(second), lab.id);
        const onA = await connect(baseUrl(ctx.app), lab.id);

        const sent = Date.now();
        ctx.app.labEvents.publish({ labId: lab.id, kind: 'booking', machineIds: [machine.id] });
        await onB.waitFor((events) => events.length >= 1, 2000);
        expect(Date.now() - sent).toBeLessThan(2000);
        expect(onB.events).toEqual([{ labId: lab.id, kind: 'booking', machineIds: [machine.id] }]);

        // And back, from B to A; neither process emits its own change twice.
        second.labEvents.publish({ labId: lab.id, kind: 'maintenance', machineIds: [machine.id] });
        await onA.waitFor((events) => events.length >= 2, 2000);
        // Relayed after both, the fence reaches each calendar after any second copy of them.
        ctx.app.labEvents.publish(fence(lab.id));
        await onA.waitFor((events) => events.length >= 3, 2000);
        await onB.waitFor((events) => events.length >= 3, 2000);
        const expected = [
          { labId: lab.id, kind: 'booking', machineIds: [machine.id] },
          { labId: lab.id, kind: 'maintenance', machineIds: [machine.id] },
          fence(lab.id),
        ];
        expect(onA.events).toEqual(expected);
        expect(onB.events).toEqual(expected);
      } finally {
        await second.close();
      }
    });

    it('relays a burst of changes published together, more than one NOTIFY can carry, each once', async () => {
      const second = await buildApp({ config: testConfig(), database: ctx.database, clock: ctx.clock });
      await second.listen({ port: 0, host: '127.0.0.1' });
      try {
        const lab = await ctx.createLab();
        const onB = await connect(baseUrl(second), lab.id);
        // 200 changes of ~250 bytes each: several batches of at most 7,900 bytes.
        const machineIds = Array.from({ length: 200 }, (_, i) => [
          `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
          `00000000-0000-4000-9000-${String(i).padStart(12, '0')}`,
        ]);
        for (const ids of machineIds) ctx.app.labEvents.publish({ labId: lab.id, kind: 'booking', machineIds: ids });
        await onB.waitFor((events) => events.length >= machineIds.length, 5000);
        ctx.app.labEvents.publish(fence(lab.id));
        await onB.waitFor((events) => events.length >= machineIds.length + 1, 5000);
        expect((onB.events as LabChangeEvent[]).map((e) => e.machineIds)).toEqual([...machineIds, ['fence']]);
      } finally {
        await second.close();
      }
    });

    it('keeps relaying after the listening connection is lost', async () => {
      const second = await buildApp({ config: testConfig(), database: ctx.database, clock: ctx.clock });
      await second.listen({ port: 0, host: '127.0.0.1' });
      try {
        const lab = await ctx.createLab();
        const onB = await connect(baseUrl(second), lab.id);
        // Kill every LISTEN session of this database: both processes must reconnect by themselves.
        await ctx.database.query(
          `select pg_terminate_backend(pid) from pg_stat_activity
            where datname = current_database() and pid <> pg_backend_pid() and query like 'LISTEN%'`,
        );
        const deadline = Date.now() + 10_000;
        let n = 0;
        const relayed = () => (onB.events as LabChangeEvent[]).filter((e) => e.kind === 'booking');
        while (relayed().length === 0 && Date.now() < deadline) {
          ctx.app.labEvents.publish({ labId: lab.id, kind: 'booking', machineIds: [] });
          n++;
          // Until both have listened again: how long that takes is the reconnect's business.
          await pause(250);
        }
        expect(relayed().length).toBeGreaterThan(0);
        expect(n).toBeGreaterThan(0);
        // Reconnected, B tells its calendars that changes may have been missed meanwhile.
        expect((onB.events as LabChangeEvent[]).some((e) => e.kind === 'resync')).toBe(true);
      } finally {
        await second.close();
      }
    });
  });
});

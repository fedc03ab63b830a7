// Live event streams hold a connection each, so they are capped: per client address and in total
// (429 beyond either), and a stream that carried no event for a while is ended (the browser's
// EventSource reconnects by itself when the calendar is still open).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../helpers/app.js';
import { baseUrl, openSse, type SseClient } from './support.js';

describe('live event stream limits', () => {
  let ctx: TestContext;
  let labId: string;
  const clients: SseClient[] = [];

  beforeAll(async () => {
    ctx = await createTestContext({
      // Forwarded addresses from the loopback proxy stand for clients on other machines.
      config: { trustProxy: ['127.0.0.1'], liveStreams: { perAddress: 2, total: 4, idleTimeoutMs: 60_000 } },
    });
    await ctx.app.listen({ port: 0, host: '127.0.0.1' });
    labId = (await ctx.createLab()).id;
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await ctx.close();
  });

  async function open(address: string) {
    const client = await openSse(`${baseUrl(ctx.app)}/api/labs/${labId}/events`, { 'x-forwarded-for': address });
    clients.push(client);
    return client;
  }

  it('answers 429 past the streams of one address, and past the streams of all', async () => {
    const a1 = await open('203.0.113.1');
    const a2 = await open('203.0.113.1');
    expect([a1.status, a2.status]).toEqual([200, 200]);
    const a3 = await open('203.0.113.1');
    expect(a3.status).toBe(429);
    expect(a3.headers['retry-after']).toBeDefined();

    expect((await open('203.0.113.2')).status).toBe(200);
    expect((await open('203.0.113.3')).status).toBe(200);
    const full = await open('203.0.113.4');
    expect(full.status).toBe(429);

    // A stream that closes frees its place.
    a1.close();
    await a1.ended;
    let again = await open('203.0.113.4');
    // The server may see the close a moment after the client does.
    for (let i = 0; again.status !== 200 && i < 50; i++) {
      await new Promise((r) => setImmediate(r));
      again = await open('203.0.113.4');
    }
    expect(again.status).toBe(200);
  });
});

describe('live event stream idle timeout', () => {
  let ctx: TestContext;
  afterAll(() => ctx?.close());

  it('ends a stream that carried no event within the idle timeout', async () => {
    ctx = await createTestContext({ config: { liveStreams: { perAddress: 10, total: 10, idleTimeoutMs: 400 } } });
    await ctx.app.listen({ port: 0, host: '127.0.0.1' });
    const labId = (await ctx.createLab()).id;
    const quiet = await openSse(`${baseUrl(ctx.app)}/api/labs/${labId}/events`);
    expect(quiet.status).toBe(200);
    await quiet.ended;
    expect(quiet.events).toEqual([]);
  });
});

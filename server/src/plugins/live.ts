// Live calendars: GET /labs/:labId/events streams server-sent events whenever a lab's bookings or
// maintenance change, so open calendars refresh within a second. The stream carries no personal
// data ({ labId, kind, machineIds }), hence no sign-in.
//
// With PostgreSQL, several server processes may serve one database: publish() is relayed through
// NOTIFY on one channel, and a dedicated connection LISTENs and emits locally what other processes
// published.
//
// Each stream holds a connection for as long as it lasts, so streams are capped per client address
// and in total (429 beyond: config.liveStreams), a stream that carried no event for the idle
// timeout is ended, and a client that stops reading is cut off rather than buffered for.
import { ErrorResponse, Type, Uuid, type LabChangeEvent } from '@fablab/shared';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import type { ServerResponse } from 'node:http';
import pg from 'pg';
import { labs } from '../db/schema/index.js';
import { TooManyRequests, notFound } from '../lib/errors.js';
import { textResponse } from './openapi.js';

export const LAB_EVENTS_CHANNEL = 'fablab_lab_events';
const HEARTBEAT_MS = 15_000;
const RECONNECT_MIN_MS = 500;
const RECONNECT_MAX_MS = 30_000;
const RELAY_BATCH_MS = 10;
/** Bytes queued for a client that does not read before its stream is cut off. */
const MAX_UNREAD_BYTES = 256 * 1024;
/** What a refused stream is told to wait before trying again. */
const FULL_RETRY_AFTER_SECONDS = 30;
/** PostgreSQL refuses NOTIFY payloads of 8000 bytes or more. */
const MAX_NOTIFY_BYTES = 7_900;

/** Relays publish() through NOTIFY and LISTENs for other processes' changes; reconnects on loss. */
function startPgRelay(app: FastifyInstance, pool: pg.Pool) {
  let client: pg.Client | undefined;
  let stopped = false;
  let retryTimer: NodeJS.Timeout | undefined;
  let delay = RECONNECT_MIN_MS;

  // Changes published within RELAY_BATCH_MS travel in one NOTIFY, a line each (JSON has no raw
  // newline): under load that is one statement for many bookings instead of one each.
  let queued: string[] = [];
  let sending: Promise<void> = Promise.resolve();
  let flushTimer: NodeJS.Timeout | undefined;
  function flush() {
    flushTimer = undefined;
    const payloads = [...new Set(queued)];
    queued = [];
    let batch: string[] = [];
    let size = 0;
    const sendBatch = () => {
      if (batch.length === 0) return;
      const payload = batch.join('\n');
      // One after another, so that other processes see the changes in the order they were made.
      sending = sending
        .then(() => pool.query('select pg_notify($1, $2)', [LAB_EVENTS_CHANNEL, payload]))
        .then(
          () => undefined,
          (err: unknown) => app.log.warn({ err }, 'could not relay lab events to other server processes'),
        );
      batch = [];
      size = 0;
    };
    for (const payload of payloads) {
      const bytes = Buffer.byteLength(payload) + 1;
      if (size + bytes > MAX_NOTIFY_BYTES) sendBatch();
      batch.push(payload);
      size += bytes;
    }
    sendBatch();
  }
  app.labEvents.attachRelay({
    send(payload) {
      queued.push(payload);
      if (!flushTimer) {
        flushTimer = setTimeout(flush, RELAY_BATCH_MS);
        flushTimer.unref();
      }
    },
  });

  function scheduleReconnect() {
    if (stopped || retryTimer) return;
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      void connect();
    }, delay);
    retryTimer.unref();
    delay = Math.min(delay * 2, RECONNECT_MAX_MS);
  }

  async function connect(): Promise<void> {
    if (stopped) return;
    // A connection of its own, outside the pool: LISTEN lives as long as the session does.
    const next = new pg.Client(pool.options);
    let lost = false;
    const onLost = (err?: unknown) => {
      if (lost) return;
      lost = true;
      if (client === next) client = undefined;
      next.removeAllListeners('notification');
      next.end().catch(() => {});
      if (!stopped) {
        app.log.warn({ err }, 'lab events listener lost its connection; reconnecting');
        scheduleReconnect();
      }
    };
    next.on('error', onLost);
    next.on('end', () => onLost());
    next.on('notification', (msg) => {
      if (msg.channel !== LAB_EVENTS_CHANNEL || !msg.payload) return;
      for (const line of msg.payload.split('\n')) app.labEvents.receiveRelayed(line);
    });
    try {
      await next.connect();
      await next.query(`LISTEN ${LAB_EVENTS_CHANNEL}`);
    } catch (err) {
      onLost(err);
      return;
    }
    if (stopped) {
      await next.end().catch(() => {});
      return;
    }
    client = next;
    delay = RECONNECT_MIN_MS;
    // Whatever other processes published before this LISTEN (or while it was down) never arrived.
    app.labEvents.resync();
  }

  return {
    start: connect,
    async stop() {
      stopped = true;
      if (flushTimer) {
        clearTimeout(flushTimer);
        flush();
      }
      // The last changes leave before the pool closes.
      await sending;
      if (retryTimer) clearTimeout(retryTimer);
      app.labEvents.attachRelay(undefined);
      const current = client;
      client = undefined;
      if (current) {
        current.removeAllListeners();
        current.on('error', () => {});
        await current.end().catch(() => {});
      }
    },
  };
}

const livePlugin: FastifyPluginAsyncTypebox = async (app) => {
  const streams = new Set<ServerResponse>();
  // Event ids: this process's start and a counter. An id names an event; no history is kept, so a
  // reconnecting client always gets a resync rather than a replay.
  const boot = Date.now().toString(36);
  let counter = 0;
  const nextEventId = () => `${boot}-${++counter}`;
  const perAddress = new Map<string, number>();
  const limits = app.config.liveStreams;

  const relay = startPgRelay(app, app.database.pool);
  app.addHook('onReady', relay.start);
  app.addHook('onClose', relay.stop);

  // Open streams never end by themselves; end them before the server closes so close() returns.
  app.addHook('preClose', async () => {
    for (const res of streams) res.end();
    streams.clear();
  });

  app.get(
    '/labs/:labId/events',
    {
      schema: { summary: 'Live changes of a lab (server-sent events)', operationId: 'streamLabEvents',
        tags: ['live'],
        description:
          'Server-sent events: one `message` per change of the lab, data `{ labId, kind, machineIds }`, each with an `id`; comment heartbeats every 15 s. Every connection starts with a `resync` (refetch what you show): changes made before it connected are not replayed. ' +
          'Capped per client address and in total (429 beyond); a stream without an event for the idle timeout is ended.',
        params: Type.Object({ labId: Uuid }),
        response: { 200: textResponse('A stream of server-sent events', 'text/event-stream'), 404: ErrorResponse, 429: ErrorResponse },
      },
    },
    async (request, reply) => {
      const { labId } = request.params;
      const address = request.ip;
      const held = perAddress.get(address) ?? 0;
      if (held >= limits.perAddress) {
        throw new TooManyRequests(FULL_RETRY_AFTER_SECONDS, 'Too many live streams from this address');
      }
      if (streams.size >= limits.total) throw new TooManyRequests(FULL_RETRY_AFTER_SECONDS, 'Too many live streams');
      const [lab] = await app.db.select({ id: labs.id }).from(labs).where(eq(labs.id, labId));
      if (!lab) throw notFound('Lab');
      // Checked again: other streams may have opened while the lab was looked up.
      if ((perAddress.get(address) ?? 0) >= limits.perAddress || streams.size >= limits.total) {
        throw new TooManyRequests(FULL_RETRY_AFTER_SECONDS, 'Too many live streams');
      }

      reply.hijack();
      const res = reply.raw;
      // Keep the headers other plugins set (helmet, cors); hijacking skips fastify's own writing.
      const inherited = Object.fromEntries(
        Object.entries(reply.getHeaders()).filter(
          (entry): entry is [string, string | number | string[]] => entry[1] !== undefined,
        ),
      );
      res.writeHead(200, {
        ...inherited,
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      res.write('retry: 3000\n: connected\n\n');
      streams.add(res);
      perAddress.set(address, (perAddress.get(address) ?? 0) + 1);

      let idle: NodeJS.Timeout | undefined;
      const restartIdle = () => {
        if (idle) clearTimeout(idle);
        idle = setTimeout(() => res.end(), limits.idleTimeoutMs);
        idle.unref();
      };
      restartIdle();
      const write = (text: string) => {
        if (res.writableLength > MAX_UNREAD_BYTES) {
          res.destroy();
          return;
        }
        res.write(text);
      };
      const send = (event: LabChangeEvent) => write(`id: ${nextEventId()}\ndata: ${JSON.stringify(event)}\n\n`);

      const unsubscribe = app.labEvents.subscribe((change) => {
        if (change.labId !== labId) return;
        send({ labId: change.labId, kind: change.kind, machineIds: change.machineIds ?? [] });
        restartIdle();
      });
      const stopResync = app.labEvents.onResync(() => send({ labId, kind: 'resync', machineIds: [] }));
      // Whatever changed before this connection existed never reached it: while the calendar was
      // connecting, or while the server restarted (EventSource reconnects by itself, Last-Event-ID
      // naming an event of a process that kept no history). One refetch is cheaper than doubt.
      send({ labId, kind: 'resync', machineIds: [] });
      const heartbeat = setInterval(() => write(': heartbeat\n\n'), HEARTBEAT_MS);
      heartbeat.unref();

      let cleaned = false;
      const cleanup = () => {
        if (cleaned) return;
        cleaned = true;
        clearInterval(heartbeat);
        if (idle) clearTimeout(idle);
        unsubscribe();
        stopResync();
        streams.delete(res);
        const left = (perAddress.get(address) ?? 1) - 1;
        if (left > 0) perAddress.set(address, left);
        else perAddress.delete(address);
      };
      res.on('close', cleanup);
      res.on('error', cleanup);
    },
  );
};

export default livePlugin;

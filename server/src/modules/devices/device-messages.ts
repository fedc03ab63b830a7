// Messages from the devices as the bus hands them over: taps, switch reports and presence, each
// device's in the order the broker sent them, and the news of each one handled.
import type { ReaderReply } from '@fablab/shared';
import type { DevicesCore, ProcessedMessage } from './devices-core.js';
import type { ReaderTaps } from './reader-taps.js';
import type { SessionMeter } from './session-meter.js';

const STATUS_SUFFIX = '/status/switch:0';
const PRESENCE_SUFFIX = '/online';

/** Runs at most `size` of the works given to it at once; the rest wait their turn, in order. */
function createSlots(size: number) {
  let busy = 0;
  const waiting: Array<() => void> = [];
  return async function inSlot<T>(work: () => Promise<T>): Promise<T> {
    if (busy < size) busy++;
    // A finishing work hands its slot straight to the next one.
    else await new Promise<void>((resolve) => waiting.push(resolve));
    try {
      return await work();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else busy--;
    }
  };
}

export function createDeviceMessages(core: DevicesCore, taps: ReaderTaps, meter: SessionMeter) {
  const { db, clock, log, repo, processed, logEvent } = core;
  const { handleTap } = taps;
  const { handleStatus } = meter;
  const reportSlots = createSlots(core.statusConcurrency ?? 4);

  // Messages of one device are handled one after the other, in the order the broker sent them:
  // a switch's reports build on the one before, and a resent tap must see the first one's outcome.
  const queues = new Map<string, Promise<void>>();
  function enqueue(key: string, work: () => Promise<void>): void {
    const next = (queues.get(key) ?? Promise.resolve())
      .then(work)
      .catch((err: unknown) => log.error({ err, device: key }, 'device message failed'));
    queues.set(key, next);
    void next.then(() => {
      if (queues.get(key) === next) queues.delete(key);
    });
  }

  async function handlePresence(deviceId: string, payload: Buffer): Promise<void> {
    const text = payload.toString('utf8').trim();
    // An empty retained message clears the topic; it says nothing about the device.
    if (text !== 'true' && text !== 'false') return;
    const online = text === 'true';
    const now = clock.now();
    const row = await repo.findByDeviceId(deviceId);
    if (!row || row.online === online) return;
    await db.transaction(async (tx) => {
      await repo.setOnline(row.id, online, now, tx);
      await logEvent(tx, {
        labId: row.labId,
        machineId: row.machineId,
        deviceId,
        kind: 'presence',
        ok: online,
        code: online ? 'ONLINE' : 'OFFLINE',
      });
    });
  }

  function onMessage(topic: string, payload: Buffer): void {
    const tap = /^fablab\/([^/]+)\/readers\/([^/]+)\/tap$/.exec(topic);
    if (tap) {
      const [, labSlug, readerId] = tap as unknown as [string, string, string];
      enqueue(`reader:${readerId}`, async () => {
        let answer: ReaderReply | undefined;
        try {
          answer = await handleTap(labSlug, readerId, payload);
        } finally {
          processed.emit('message', { kind: 'tap', deviceId: readerId, reply: answer } satisfies ProcessedMessage);
        }
      });
      return;
    }
    for (const [suffix, kind] of [
      [STATUS_SUFFIX, 'status'],
      [PRESENCE_SUFFIX, 'presence'],
    ] as const) {
      if (!topic.endsWith(suffix)) continue;
      const deviceId = topic.slice(0, -suffix.length);
      enqueue(deviceId, async () => {
        try {
          await reportSlots(() =>
            kind === 'status' ? handleStatus(deviceId, payload) : handlePresence(deviceId, payload),
          );
        } finally {
          processed.emit('message', { kind, deviceId } satisfies ProcessedMessage);
        }
      });
      return;
    }
  }

  return {
    onMessage,
    /** For tests and shutdown: every message handed over so far has been handled. */
    async idle(): Promise<void> {
      while (queues.size > 0) await Promise.all([...queues.values()]);
    },
    onProcessed(listener: (message: ProcessedMessage) => void): () => void {
      processed.on('message', listener);
      return () => processed.off('message', listener);
    },
  };
}

// scrypt from node:crypto: memory-hard, no native add-on to build.
import { randomBytes, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

const N = 16384;
const r = 8;
const p = 1;
const KEYLEN = 32;

// Each hash holds 128·N·r bytes (16 MB) for ~25 ms of pure CPU. On libuv's pool, a burst of sign-ins
// would run four at once, busy every core while bookings and the database wait, and leave each of
// the four threads' malloc arenas holding its 16 MB for good (64 MB). Hashes run instead on worker
// threads of their own, one hash at a time each, as many workers as there are cores but one (one
// on two cores): 16 MB held, one core left to the rest, and the pool free for files and DNS.
const WORKERS = Math.max(1, Math.min(4, availableParallelism() - 1));

const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { scryptSync } = require('node:crypto');
parentPort.on('message', ({ id, password, salt, keylen, options }) => {
  try {
    const key = scryptSync(password, Buffer.from(salt), keylen, options);
    parentPort.postMessage({ id, key });
  } catch (err) {
    parentPort.postMessage({ id, error: err instanceof Error ? err.message : String(err) });
  }
});
`;

interface Job {
  resolve(key: Buffer): void;
  reject(err: Error): void;
}
interface HashWorker {
  worker: Worker;
  jobs: Map<number, Job>;
}

const workers: HashWorker[] = [];
let nextJobId = 0;

function startWorker(): HashWorker {
  const worker = new Worker(WORKER_SOURCE, { eval: true });
  const entry: HashWorker = { worker, jobs: new Map() };
  // Idle workers must not keep a script (seed, tests) alive; busy ones must.
  worker.unref();
  worker.on('message', (msg: { id: number; key?: Uint8Array; error?: string }) => {
    const job = entry.jobs.get(msg.id);
    if (!job) return;
    entry.jobs.delete(msg.id);
    if (entry.jobs.size === 0) worker.unref();
    if (msg.key) job.resolve(Buffer.from(msg.key));
    else job.reject(new Error(msg.error ?? 'scrypt failed'));
  });
  const fail = (err: Error) => {
    const at = workers.indexOf(entry);
    if (at >= 0) workers.splice(at, 1);
    for (const job of entry.jobs.values()) job.reject(err);
    entry.jobs.clear();
  };
  worker.on('error', fail);
  worker.on('exit', (code) => {
    if (workers.includes(entry)) fail(new Error(`password worker exited with ${code}`));
  });
  workers.push(entry);
  return entry;
}

function scrypt(password: string, salt: Buffer, keylen: number, options: ScryptOptions): Promise<Buffer> {
  // The least busy worker, or a new one while there are fewer than WORKERS.
  let target = workers.reduce<HashWorker | undefined>((best, w) => (!best || w.jobs.size < best.jobs.size ? w : best), undefined);
  if (!target || (target.jobs.size > 0 && workers.length < WORKERS)) target = startWorker();
  const id = nextJobId++;
  const chosen = target;
  return new Promise<Buffer>((resolve, reject) => {
    chosen.jobs.set(id, { resolve, reject });
    chosen.worker.ref();
    chosen.worker.postMessage({ id, password, salt, keylen, options });
  });
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, KEYLEN, { N, r, p, maxmem: 64 * 1024 * 1024 });
  return `scrypt$${N}$${r}$${p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, rr, pp, saltB64, keyB64] = stored.split('$');
  if (scheme !== 'scrypt' || !saltB64 || !keyB64) return false;
  const expected = Buffer.from(keyB64, 'base64');
  const key = await scrypt(password, Buffer.from(saltB64, 'base64'), expected.length, {
    N: Number(n),
    r: Number(rr),
    p: Number(pp),
    maxmem: 64 * 1024 * 1024,
  });
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/** Verifying against this spends a hash's time when the email is unknown, so timing tells nothing. */
export const DUMMY_HASH =
  'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';

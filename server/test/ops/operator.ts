// The built server and the operator scripts, run as an operator runs them: real processes on a
// real DATA_DIR with the embedded PostgreSQL, killed with -9 where the test says so.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { repoRoot } from '../../src/config.js';
import { embeddedConnection } from '../../src/db/embedded.js';

export const serverJs = path.join(repoRoot, 'server', 'dist', 'server.js');
const tsx = path.join(repoRoot, 'node_modules', '.bin', 'tsx');

/** Builds the server once per file, as `npm start` would. */
export function buildServer(): void {
  const build = spawnSync('npx', ['tsc', '-b', 'server'], { cwd: repoRoot, encoding: 'utf8', timeout: 240_000 });
  if (!existsSync(serverJs)) throw new Error(`tsc -b server did not emit ${serverJs}:\n${build.stdout}${build.stderr}`);
}

export function tempDataDir(prefix = 'fablab-ops-'): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), prefix));
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface RunningServer {
  child: ChildProcess;
  port: number;
  base: string;
  output(): string;
  /** SIGTERM and wait: the graceful path. */
  stop(): Promise<number | null>;
  /** SIGKILL: the crash. */
  kill9(): Promise<void>;
  exited: Promise<number | null>;
}

function env(dataDir: string, port: number, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    DATABASE_URL: '',
    DATA_DIR: dataDir,
    PORT: String(port),
    HOST: '127.0.0.1',
    JOBS_INTERVAL_MS: '0',
    LOG_LEVEL: 'warn',
    WEB_DIST: '/nonexistent',
    RATE_BOOKINGS_PER_MINUTE: '100000',
    RATE_AUTH_PER_MINUTE: '100000',
    ...extra,
  };
}

/** Starts `node server/dist/server.js`; resolves once it answers /api/health, or when it exits. */
export async function startServer(dataDir: string, options: { port?: number; env?: Record<string, string>; waitHealthy?: boolean } = {}): Promise<RunningServer> {
  const port = options.port ?? (await freePort());
  const child = spawn(process.execPath, [serverJs], { cwd: repoRoot, env: env(dataDir, port, options.env), stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const server: RunningServer = {
    child,
    port,
    base: `http://127.0.0.1:${port}`,
    output: () => out,
    exited,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
    async kill9() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
  if (options.waitHealthy === false) return server;
  const deadline = Date.now() + 90_000;
  let done = false;
  void exited.then(() => (done = true));
  while (!done && Date.now() < deadline) {
    try {
      const res = await fetch(`${server.base}/api/health`);
      if (res.ok) return server;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  if (done) throw new Error(`The server exited before it was healthy:\n${out}`);
  await server.kill9();
  throw new Error(`The server did not become healthy:\n${out}`);
}

/** Runs an npm script's entry (server/src/scripts/<name>.ts) and returns its exit code and output. */
export function runScript(name: 'backup' | 'restore' | 'migrate' | 'seed', dataDir: string, args: string[] = []) {
  const result = spawnSync(tsx, [path.join(repoRoot, 'server', 'src', 'scripts', `${name}.ts`), ...args], {
    cwd: repoRoot,
    env: env(dataDir, 0),
    encoding: 'utf8',
    timeout: 180_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, output: result.stdout + result.stderr };
}

/** Reads the embedded database directly (a client of the running PostgreSQL, not a second opener). */
export async function sql<T extends pg.QueryResultRow>(dataDir: string, text: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client(embeddedConnection(dataDir));
  await client.connect();
  try {
    return (await client.query<T>(text, params)).rows;
  } finally {
    await client.end();
  }
}

export async function api<T = unknown>(base: string, method: string, url: string, body?: unknown, token?: string): Promise<{ status: number; body: T }> {
  const res = await fetch(`${base}/api${url}`, {
    method,
    headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Not JSON.
  }
  return { status: res.status, body: parsed as T };
}

export async function signIn(base: string, email: string): Promise<string> {
  const res = await api<{ token: string }>(base, 'POST', '/auth/login', { email, password: 'fablab-demo' });
  if (res.status !== 200) throw new Error(`sign-in of ${email}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.token;
}

const ALL_DAY: [string, string][] = [['00:00', '24:00']];

export interface BookingTarget {
  /** The demo makers, taken in turn so that no one reaches the weekly quota. */
  tokens: string[];
  machineIds: string[];
}

/**
 * Opens one demo lab around the clock, every day, with no quota and a long horizon, and finds its
 * machines a member books without approval or certification: room for many bookings at any date.
 */
export async function prepareBookingLoad(base: string): Promise<BookingTarget> {
  const admin = await signIn(base, 'admin@fablab.local');
  const labs = await api<{ items: Array<{ id: string; slug: string }> }>(base, 'GET', '/labs');
  const lab = labs.body.items.find((l) => l.slug === 'mechatronics')!;
  const hours = { mon: ALL_DAY, tue: ALL_DAY, wed: ALL_DAY, thu: ALL_DAY, fri: ALL_DAY, sat: ALL_DAY, sun: ALL_DAY };
  const patched = await api(base, 'PATCH', `/labs/${lab.id}`, { openingHours: hours, settings: { maxAdvanceDays: 730, weeklyQuotaHours: 168 } }, admin);
  if (patched.status !== 200) throw new Error(`PATCH lab: ${patched.status} ${JSON.stringify(patched.body)}`);
  const machines = await api<{ items: Array<{ id: string; requiresApproval: boolean; requiresCertification: boolean; status: string; minMinutes: number; slotMinutes: number; maxMinutes: number }> }>(base, 'GET', `/labs/${lab.id}/machines`);
  const free = machines.body.items.filter((m) => !m.requiresApproval && !m.requiresCertification && m.status === 'available' && 60 % m.slotMinutes === 0 && m.minMinutes <= 60 && m.maxMinutes >= 60);
  if (free.length === 0) throw new Error('no demo machine without approval and certification');
  const tokens = await Promise.all([1, 2, 3, 4, 5].map((i) => signIn(base, `maker${i}@fablab.local`)));
  return { tokens, machineIds: free.map((m) => m.id) };
}

/** The n-th one-hour slot from `daysAhead` on (past the demo's weeks and closures), spread over the machines. */
export function slot(target: BookingTarget, n: number, daysAhead = 400) {
  const machineId = target.machineIds[n % target.machineIds.length]!;
  const hour = Math.floor(n / target.machineIds.length);
  const base = Math.floor(Date.now() / 86_400_000 + daysAhead) * 86_400_000;
  const start = new Date(base + hour * 3_600_000);
  return { machineId, start: start.toISOString(), end: new Date(start.getTime() + 3_600_000).toISOString(), purpose: 'research' };
}

export const tokenFor = (target: BookingTarget, n: number) => target.tokens[n % target.tokens.length]!;

/**
 * Books continuously with `concurrency` requests at a time until `stop()` is called (or `max`
 * bookings were tried); every booking answered 201 is recorded as acknowledged.
 */
export function bookingLoad(base: string, target: BookingTarget, first: number, options: { concurrency?: number; max?: number } = {}) {
  const acknowledged: string[] = [];
  const failures: number[] = [];
  let next = first;
  let stopped = false;
  const limit = first + (options.max ?? 100_000);
  const worker = async () => {
    while (!stopped && next < limit) {
      const n = next++;
      try {
        const res = await api<{ id: string }>(base, 'POST', '/bookings', slot(target, n), tokenFor(target, n));
        if (res.status === 201) acknowledged.push(res.body.id);
        else failures.push(res.status);
      } catch {
        // The server died under us: this one was never acknowledged.
        return;
      }
    }
  };
  const workers = Array.from({ length: options.concurrency ?? 8 }, worker);
  return {
    acknowledged,
    failures,
    get next() {
      return next;
    },
    async waitFor(count: number) {
      const deadline = Date.now() + 60_000;
      while (acknowledged.length < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    },
    async stop() {
      stopped = true;
      await Promise.all(workers);
    },
  };
}

/** The postgres processes running on a cluster folder (the postmaster and its children). */
export function postgresPids(dataDir: string): number[] {
  const pidFile = path.join(dataDir, 'postgres', 'postmaster.pid');
  if (!existsSync(pidFile)) return [];
  const master = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  const all = spawnSync('ps', ['-o', 'pid=,ppid=', '-e'], { encoding: 'utf8' }).stdout.trim().split('\n');
  const pids = [master];
  for (const line of all) {
    const [pid, ppid] = line.trim().split(/\s+/).map(Number);
    if (ppid === master) pids.push(pid!);
  }
  return pids.filter((p) => {
    try {
      process.kill(p, 0);
      return true;
    } catch {
      return false;
    }
  });
}

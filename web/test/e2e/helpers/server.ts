// Starts the BUILT app (server/dist + web/dist) on a throwaway embedded database, as a person
// would run it, and removes everything afterwards.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');

export interface RunningApp {
  baseUrl: string;
  dataDir: string;
  stop: () => Promise<void>;
  /** What the server printed, for a failing test's message. */
  output: () => string;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
  });
}

/** `env`: more of the server's environment (MQTT_URL for the devices tests). */
export async function startApp(options: { env?: Record<string, string> } = {}): Promise<RunningApp> {
  const serverEntry = path.join(repoRoot, 'server/dist/server.js');
  const webIndex = path.join(repoRoot, 'web/dist/index.html');
  const missing = [serverEntry, webIndex].filter((f) => !existsSync(f));
  if (missing.length > 0) {
    throw new Error(
      `The built app is missing (${missing.map((f) => path.relative(repoRoot, f)).join(', ')}). ` +
        'Run `npm run build` at the repository root first: the browser tests drive the built app.',
    );
  }
  const dataDir = await mkdtemp(path.join(tmpdir(), 'fablab-e2e-'));
  const port = await freePort();
  let log = '';
  const child = spawn(process.execPath, [serverEntry], {
    cwd: repoRoot,
    env: {
      ...process.env,
      DATA_DIR: dataDir,
      PORT: String(port),
      HOST: '127.0.0.1',
      JOBS_INTERVAL_MS: '0',
      LOG_LEVEL: 'warn',
      DATABASE_URL: '',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => (log += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString()));

  const baseUrl = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited(child);
      clearTimeout(timer);
    }
    await rm(dataDir, { recursive: true, force: true });
  };

  // First start migrates and seeds the demo data: allow it time on a slow machine.
  const deadline = Date.now() + 180_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`The server exited with code ${child.exitCode} before it was ready:\n${log}`);
    }
    try {
      const response = await fetch(`${baseUrl}/api/health`);
      if (response.ok) return { baseUrl, dataDir, stop, output: () => log };
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  await stop();
  throw new Error(`The server did not answer /api/health within 180 s:\n${log}`);
}

// Opening the configured database: DATABASE_URL (retried while it cannot be reached), or the
// embedded PostgreSQL under DATA_DIR, owned by this process for as long as it runs.
import path from 'node:path';
import { existsSync } from 'node:fs';
import type { AppConfig } from '../config.js';
import { connect, type Database } from '../db/client.js';
import { embeddedConnection, startEmbedded } from '../db/embedded.js';
import { claimDataDir, currentOwner, type OwnerRole } from './data-dir.js';
import { importPgliteIfPresent } from './pglite-import.js';
import { StartupError } from './startup-error.js';

/** The first words of a connection failure that tell an operator what to fix. */
export function plainCause(err: unknown): string {
  const e = err as { code?: string; message?: string; cause?: unknown; errors?: unknown[] };
  if (Array.isArray(e.errors) && e.errors.length > 0) return plainCause(e.errors[0]);
  const message = (e.message ?? String(err)).split('\n')[0]!;
  if (e.code && !message.includes(e.code)) return `${e.code}: ${message}`;
  return message;
}

export interface OpenOptions {
  role?: OwnerRole;
  /** How long DATABASE_URL may stay unreachable at start before giving up. */
  retryForMs?: number;
  log?: (line: string) => void;
}

async function openUrl(config: AppConfig, options: OpenOptions): Promise<Database> {
  const log = options.log ?? ((line) => console.error(line));
  const deadline = Date.now() + (options.retryForMs ?? config.dbConnectRetryMs ?? 30_000);
  for (let attempt = 1; ; attempt++) {
    const database = await connect({ databaseUrl: config.databaseUrl, poolSize: config.dbPoolSize, queryTimeoutMs: config.dbQueryTimeoutMs, kind: 'postgres' });
    try {
      await database.query('select 1');
      return database;
    } catch (err) {
      await database.close().catch(() => {});
      const cause = plainCause(err);
      // A wrong password or database name does not mend itself: no point waiting.
      const permanent = /password authentication failed|does not exist|no pg_hba.conf entry|ENOTFOUND/.test(cause);
      const left = Math.max(0, Math.round((deadline - Date.now()) / 1000));
      if (permanent || Date.now() >= deadline) {
        throw new StartupError(`Cannot reach the database at DATABASE_URL (${cause}); giving up after ${attempt} attempt${attempt > 1 ? 's' : ''}.`);
      }
      log(`Cannot reach the database at DATABASE_URL (${cause}); attempt ${attempt}, retrying for ${left} s more`);
      await new Promise((r) => setTimeout(r, 2_000));
    }
  }
}

/**
 * Opens the database for this process. With no DATABASE_URL it takes DATA_DIR (refusing when a
 * server or a script owns it), imports a PGlite folder of the previous release once, and starts
 * the embedded PostgreSQL; close() stops it and gives DATA_DIR up.
 */
export async function openDatabase(config: AppConfig, options: OpenOptions = {}): Promise<Database> {
  if (config.databaseUrl) return openUrl(config, options);
  const lock = claimDataDir(config.dataDir, options.role ?? 'server');
  try {
    await importPgliteIfPresent(config.dataDir, options.log);
    const server = await startEmbedded({ dataDir: config.dataDir });
    return await connect({
      connection: server.connection,
      poolSize: config.dbPoolSize,
      queryTimeoutMs: config.dbQueryTimeoutMs,
      kind: 'embedded',
      storageDir: config.dataDir,
      onClose: async () => {
        await server.stop();
        lock.release();
      },
    });
  } catch (err) {
    lock.release();
    throw err;
  }
}

/**
 * For scripts that work on the data (migrate, seed, backup): the running server's embedded
 * PostgreSQL when a server owns DATA_DIR, never a second opener of its folder; otherwise the
 * script opens it itself, as its owner.
 */
export async function openForScript(config: AppConfig, role: OwnerRole): Promise<Database> {
  if (config.databaseUrl) return openUrl(config, { role, retryForMs: 0 });
  const owner = currentOwner(config.dataDir);
  if (owner) {
    if (owner.role !== 'server') throw new StartupError(`DATA_DIR ${config.dataDir} is in use by "${owner.role}" (pid ${owner.pid}); try again when it is done.`);
    if (!existsSync(path.join(config.dataDir, 'postgres-password'))) throw new StartupError(`The server (pid ${owner.pid}) owns DATA_DIR ${config.dataDir} but its database is not ready yet.`);
    const database = await connect({ connection: embeddedConnection(config.dataDir), poolSize: 2, kind: 'embedded', storageDir: config.dataDir });
    try {
      await database.query('select 1');
    } catch (err) {
      await database.close().catch(() => {});
      throw new StartupError(`The server (pid ${owner.pid}) owns DATA_DIR ${config.dataDir} but its database does not answer (${plainCause(err)}).`);
    }
    return database;
  }
  return openDatabase(config, { role });
}

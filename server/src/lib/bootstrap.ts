import type { AppConfig } from '../config.js';
import { connect, type Database } from '../db/client.js';
import path from 'node:path';

/** Opens the configured database (embedded PGlite under dataDir unless DATABASE_URL is set). */
export async function openDatabase(config: AppConfig): Promise<Database> {
  return connect({
    databaseUrl: config.databaseUrl,
    dataDir: config.databaseUrl ? undefined : path.join(config.dataDir, 'pglite'),
    poolSize: config.dbPoolSize,
  });
}

// npm run restore -- <file>: replaces the embedded database with a backup. Refused while a server
// owns DATA_DIR. The whole file is checked and loaded into a scratch cluster first; the current
// database is replaced only once that succeeded, and is kept aside.
import path from 'node:path';
import { readBackup, restoreInto } from '../lib/backup.js';
import { claimDataDir, currentOwner } from '../lib/data-dir.js';
import { StartupError } from '../lib/startup-error.js';
import { runScript } from './run-script.js';

await runScript(async (config) => {
  const file = process.argv[2];
  if (!file) throw new StartupError('Usage: npm run restore -- <backup file>');
  if (config.databaseUrl) throw new StartupError('DATABASE_URL is set: restore that PostgreSQL with pg_restore / psql (see the README).');
  const owner = currentOwner(config.dataDir);
  if (owner) {
    throw new StartupError(
      `DATA_DIR ${config.dataDir} is in use by ${owner.role === 'server' ? 'server' : `"${owner.role}"`} pid ${owner.pid}: stop it before restoring; nothing was changed.`,
    );
  }
  const backup = await readBackup(path.resolve(file));
  const lock = claimDataDir(config.dataDir, 'restore');
  try {
    const result = await restoreInto(config.dataDir, backup);
    const rows = backup.tables.reduce((n, t) => n + t.rows.length, 0);
    console.log(`Restored ${file} (${rows} rows, taken ${backup.header.createdAt})${result.keptAside ? `; the previous database is kept at ${result.keptAside}` : ''}`);
  } finally {
    lock.release();
  }
});

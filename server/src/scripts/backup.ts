// npm run backup [-- <file>]: a copy of the embedded database (stop the server first: PGlite is
// one process's database). For PostgreSQL use pg_dump (see the README).
import path from 'node:path';
import { loadConfig } from '../config.js';
import { backupEmbedded } from '../lib/backup.js';

const config = loadConfig();
if (config.databaseUrl) {
  console.error('DATABASE_URL is set: back up PostgreSQL with pg_dump (see the README).');
  process.exit(1);
}
const stamp = new Date().toISOString().replace(/[:.]/g, '-');
const file = path.resolve(process.argv[2] ?? path.join(config.dataDir, '..', 'backups', `fablab-${stamp}.tar.gz`));
const result = await backupEmbedded(path.join(config.dataDir, 'pglite'), file);
console.log(`Backup written to ${result.file} (${(result.bytes / 1024 / 1024).toFixed(1)} MB)`);

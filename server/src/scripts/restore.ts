// npm run restore -- <file>: loads a backup into the embedded database (stop the server first).
import path from 'node:path';
import { loadConfig } from '../config.js';
import { restoreEmbedded } from '../lib/backup.js';

const file = process.argv[2];
if (!file) {
  console.error('Usage: npm run restore -- <backup file>');
  process.exit(1);
}
const config = loadConfig();
if (config.databaseUrl) {
  console.error('DATABASE_URL is set: restore PostgreSQL with pg_restore / psql (see the README).');
  process.exit(1);
}
const result = await restoreEmbedded(path.resolve(file), path.join(config.dataDir, 'pglite'));
console.log(`Restored ${file}${result.keptAside ? `; the previous database was kept at ${result.keptAside}` : ''}`);

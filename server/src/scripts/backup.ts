// npm run backup [-- <file>]: a consistent copy of the embedded database, taken while the server
// runs (from its PostgreSQL, in one snapshot) or, with no server, by starting it for the backup.
// For a PostgreSQL named by DATABASE_URL use pg_dump (see the README).
import path from 'node:path';
import { backupFrom } from '../lib/backup.js';
import { openForScript } from '../lib/bootstrap.js';
import { runScript } from './run-script.js';

await runScript(async (config) => {
  if (config.databaseUrl) {
    console.error('DATABASE_URL is set: back up that PostgreSQL with pg_dump (see the README).');
    process.exit(1);
  }
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const file = path.resolve(process.argv[2] ?? path.join(config.dataDir, '..', 'backups', `fablab-${stamp}.backup.gz`));
  const database = await openForScript(config, 'backup');
  try {
    const result = await backupFrom(database.pool.options, file);
    const rows = Object.values(result.counts).reduce((a, b) => a + b, 0);
    console.log(`Backup written to ${result.file} (${(result.bytes / 1024 / 1024).toFixed(1)} MB, ${rows} rows)`);
  } finally {
    await database.close();
  }
});

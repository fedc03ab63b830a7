// npm run db:migrate: applies migrations/ to the configured database — through the running
// server's embedded PostgreSQL when a server owns DATA_DIR, never as a second opener of it.
import { openForScript } from '../lib/bootstrap.js';
import { runScript } from './run-script.js';

await runScript(async (config) => {
  const database = await openForScript(config, 'migrate');
  try {
    await database.migrate();
    console.log(`Migrations applied (${database.kind === 'embedded' ? `embedded PostgreSQL in ${config.dataDir}` : 'DATABASE_URL'}).`);
  } finally {
    await database.close();
  }
});

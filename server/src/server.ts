// Starts the server: logger options, database, listen, graceful close. Nothing else.
import { buildApp } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { isDemoSeeded, seedDemo } from './db/seed/demo.js';
import { DEMO_ACCOUNTS } from './db/seed/catalogue.js';
import { openDatabase } from './lib/bootstrap.js';

async function main() {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`Configuration error: ${err.message}`);
      process.exit(1);
    }
    throw err;
  }
  const database = await openDatabase(config);
  await database.migrate();

  // The embedded database is the demo: it is seeded on first start. A real PostgreSQL never is.
  let seeded = false;
  if (database.kind === 'pglite' && !(await isDemoSeeded(database.db))) {
    await seedDemo(database.db, { password: config.demoPassword });
    seeded = true;
  }

  const app = await buildApp({
    config,
    database,
    logger: { level: config.logLevel, redact: ['req.headers.authorization'] },
  });

  let closing = false;
  const close = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'closing: finishing in-flight requests');
    const force = setTimeout(() => process.exit(1), 15_000);
    force.unref();
    try {
      await app.close();
      await database.close();
    } finally {
      process.exit(0);
    }
  };
  process.on('SIGTERM', () => void close('SIGTERM'));
  process.on('SIGINT', () => void close('SIGINT'));

  await app.listen({ port: config.port, host: config.host });
  const url = `http://localhost:${config.port}`;
  const lines = [
    '',
    `  FabLab booking is running at ${url}`,
    `  API docs: ${url}/api/docs`,
    `  Database: ${database.kind === 'pglite' ? `embedded (${config.dataDir})` : 'PostgreSQL (DATABASE_URL)'}${seeded ? ', demo data seeded' : ''}`,
  ];
  if (database.kind === 'pglite') {
    lines.push(`  Demo accounts (password "${config.demoPassword}"):`);
    for (const a of DEMO_ACCOUNTS) lines.push(`    ${a.role.padEnd(10)} ${a.email}`);
  }
  console.log(lines.join('\n') + '\n');
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

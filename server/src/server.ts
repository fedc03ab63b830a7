// Starts the server: logger options, database, listen, graceful close. Nothing else.
import { createServer } from 'node:net';
import { buildApp } from './app.js';
import { ConfigError, loadConfig, type AppConfig } from './config.js';
import { isDemoSeeded, seedDemo, seedDemoDevices } from './db/seed/demo.js';
import { DEMO_ACCOUNTS } from './db/seed/catalogue.js';
import { openDatabase } from './lib/bootstrap.js';
import { StartupError } from './lib/startup-error.js';

/** The port is checked before the database is opened: a second `npm start` touches nothing. */
function checkPort(config: AppConfig): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (err: NodeJS.ErrnoException) => {
      reject(
        new StartupError(
          err.code === 'EADDRINUSE'
            ? `Port ${config.port} is already in use (another server running?); set PORT to choose another.`
            : `Cannot listen on ${config.host}:${config.port} (${err.code ?? err.message}).`,
        ),
      );
    });
    probe.listen({ port: config.port, host: config.host, exclusive: true }, () => probe.close(() => resolve()));
  });
}

async function main() {
  const config = loadConfig();
  if (config.port !== 0) await checkPort(config);
  const database = await openDatabase(config);
  let app: Awaited<ReturnType<typeof buildApp>> | undefined;
  try {
    await database.migrate();
    // The embedded database is the demo: it is seeded on first start. A real PostgreSQL never is.
    let seeded = false;
    if (database.kind === 'embedded' && !(await isDemoSeeded(database.db))) {
      await seedDemo(database.db, { password: config.demoPassword });
      seeded = true;
    }
    // With devices on, the demo gets its switches and readers (once; README "Devices").
    if (database.kind === 'embedded' && config.mqtt) await seedDemoDevices(database.db);

    app = await buildApp({
      config,
      database,
      logger: { level: config.logLevel, redact: ['req.headers.authorization'] },
    });

    let closing = false;
    const close = async (signal: string) => {
      if (closing) return;
      closing = true;
      app!.log.info({ signal }, 'closing: finishing in-flight requests');
      const force = setTimeout(() => process.exit(1), 15_000);
      force.unref();
      try {
        await app!.close();
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
      `  Database: ${database.kind === 'embedded' ? `embedded PostgreSQL (${config.dataDir})` : 'PostgreSQL (DATABASE_URL)'}${seeded ? ', demo data seeded' : ''}`,
    ];
    if (database.kind === 'embedded') {
      lines.push(`  Demo accounts (password "${config.demoPassword}"):`);
      for (const a of DEMO_ACCOUNTS) lines.push(`    ${a.role.padEnd(10)} ${a.email}`);
    }
    console.log(lines.join('\n') + '\n');
  } catch (err) {
    // Whatever failed after the database was opened, the embedded PostgreSQL stops with us.
    await app?.close().catch(() => {});
    await database.close().catch(() => {});
    throw err;
  }
}

function plainStartupFailure(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  if (e.code === 'ENOSPC') return 'The disk is full: the server cannot start.';
  if (e.code === 'EACCES' || e.code === 'EPERM') return `Permission denied: ${e.path ?? e.message}.`;
  if (e.code === 'EADDRINUSE') return 'The port is already in use.';
  return `The server could not start: ${e.message?.split('\n')[0] ?? String(err)}`;
}

main().catch((err) => {
  if (err instanceof StartupError || err instanceof ConfigError) {
    console.error(err instanceof ConfigError ? `Configuration error: ${err.message}` : err.message);
    process.exit(err instanceof StartupError ? err.exitCode : 1);
  }
  // One plain line first; the details for whoever debugs it after.
  console.error(plainStartupFailure(err));
  console.error(err);
  process.exit(1);
});

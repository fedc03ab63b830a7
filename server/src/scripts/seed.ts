// npm run seed: the demo data, on request, into the configured database (idempotent); through the
// running server's embedded PostgreSQL when a server owns DATA_DIR. With MQTT_URL, the demo's devices too.
import { seedDemo, seedDemoDevices } from '../db/seed/demo.js';
import { openForScript } from '../lib/bootstrap.js';
import { runScript } from './run-script.js';

await runScript(async (config) => {
  const database = await openForScript(config, 'seed');
  try {
    await database.migrate();
    const result = await seedDemo(database.db, { password: config.demoPassword });
    console.log(result.seeded ? `Demo data seeded: ${JSON.stringify(result.counts)}` : 'Demo data already present; nothing changed.');
    for (const a of result.accounts) console.log(`  ${a.role.padEnd(10)} ${a.email}`);
    if (config.mqtt) {
      const registered = await seedDemoDevices(database.db);
      if (registered.switches > 0)
        console.log(`Demo devices registered: ${JSON.stringify(registered)} (play them: npm run devices:sim -- --demo)`);
    }
  } finally {
    await database.close();
  }
});

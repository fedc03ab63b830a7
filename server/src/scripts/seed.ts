// npm run seed: the demo data, on request, into the configured database (idempotent).
import { loadConfig } from '../config.js';
import { seedDemo } from '../db/seed/demo.js';
import { openDatabase } from '../lib/bootstrap.js';

const config = loadConfig();
const database = await openDatabase(config);
await database.migrate();
const result = await seedDemo(database.db, { password: config.demoPassword });
console.log(result.seeded ? `Demo data seeded: ${JSON.stringify(result.counts)}` : 'Demo data already present; nothing changed.');
for (const a of result.accounts) console.log(`  ${a.role.padEnd(10)} ${a.email}`);
await database.close();

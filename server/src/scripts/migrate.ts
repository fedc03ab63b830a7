// npm run db:migrate: applies migrations/ to the configured database.
import { loadConfig } from '../config.js';
import { openDatabase } from '../lib/bootstrap.js';

const config = loadConfig();
const database = await openDatabase(config);
await database.migrate();
console.log(`Migrations applied (${database.kind}).`);
await database.close();

// The upgrade from the previous release, whose embedded database was PGlite in DATA_DIR/pglite:
// on the first start of this one, its rows are exported through PGlite itself and loaded into the
// new embedded PostgreSQL, every row kept; the old folder stays aside, untouched. PGlite is loaded
// only here, and only when such a folder exists.
import { existsSync } from 'node:fs';
import { rename } from 'node:fs/promises';
import path from 'node:path';
import { exportTables, readBackup, restoreInto, writeBackup } from './backup.js';
import { StartupError } from './startup-error.js';

export async function importPgliteIfPresent(dataDir: string, log: (line: string) => void = (l) => console.error(l)): Promise<boolean> {
  const old = path.join(dataDir, 'pglite');
  if (!existsSync(path.join(old, 'PG_VERSION'))) return false;
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const aside = `${old}.imported-${stamp}`;
  if (existsSync(path.join(dataDir, 'postgres', 'PG_VERSION'))) {
    // Imported before, and stopped before the old folder was moved aside.
    await rename(old, aside);
    return false;
  }
  log(`Importing the previous release's embedded database (${old}) into PostgreSQL…`);
  const file = path.join(dataDir, `pglite-export-${stamp}.backup.gz`);
  const { PGlite } = await import('@electric-sql/pglite');
  const { btree_gist } = await import('@electric-sql/pglite/contrib/btree_gist');
  let client;
  try {
    client = await PGlite.create({ dataDir: old, extensions: { btree_gist } });
  } catch (err) {
    throw new StartupError(`The previous release's database in ${old} cannot be opened for import (${(err as Error).message}); it was left as it is.`);
  }
  let counts: Record<string, number>;
  try {
    ({ counts } = await writeBackup(file, (write) => exportTables(client, write, 'pglite')));
  } finally {
    await client.close();
  }
  await restoreInto(dataDir, await readBackup(file), stamp);
  await rename(old, aside);
  const rows = Object.values(counts).reduce((a, b) => a + b, 0);
  log(`Imported ${rows} rows; the old folder is kept at ${aside} and its export at ${file}.`);
  return true;
}

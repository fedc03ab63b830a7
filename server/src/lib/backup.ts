// Backup and restore of the embedded database: a gzipped tarball of PGlite's data folder, taken
// through PGlite itself (a consistent dump), which can be copied elsewhere and loaded back.
import { PGlite } from '@electric-sql/pglite';
import { btree_gist } from '@electric-sql/pglite/contrib/btree_gist';
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

export async function backupEmbedded(dataDir: string, file: string): Promise<{ file: string; bytes: number }> {
  if (!existsSync(dataDir) || readdirSync(dataDir).length === 0) throw new Error(`No embedded database at ${dataDir}`);
  const client = await PGlite.create({ dataDir, extensions: { btree_gist } });
  try {
    const dump = await client.dumpDataDir('gzip');
    const bytes = Buffer.from(await dump.arrayBuffer());
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, bytes);
    return { file, bytes: bytes.length };
  } finally {
    await client.close();
  }
}

/** Loads a backup into dataDir; an existing database there is kept aside as <dataDir>.before-restore-<time>. */
export async function restoreEmbedded(file: string, dataDir: string): Promise<{ keptAside?: string }> {
  const bytes = await readFile(file);
  let keptAside: string | undefined;
  if (existsSync(dataDir) && readdirSync(dataDir).length > 0) {
    keptAside = `${dataDir}.before-restore-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    await rename(dataDir, keptAside);
  }
  await mkdir(dataDir, { recursive: true });
  try {
    const client = await PGlite.create({
      dataDir,
      extensions: { btree_gist },
      loadDataDir: new Blob([bytes], { type: 'application/x-gzip' }),
    });
    await client.query('select 1');
    await client.close();
  } catch (err) {
    await rm(dataDir, { recursive: true, force: true });
    if (keptAside) await rename(keptAside, dataDir);
    throw err;
  }
  return { keptAside };
}

// Backups of the embedded database: a logical export of every table, read in one REPEATABLE READ
// snapshot, as gzipped JSON lines. PostgreSQL's base-backup API would copy files and need the WAL
// archive to be consistent, and pg_dump is not among the shipped binaries; a logical export is
// consistent by construction, taken while the server runs without stopping or slowing it (readers
// never block writers), portable across PostgreSQL versions (it also carries a PGlite folder over),
// and checkable line by line before anything is restored.
//
// Format: a header line, then per table a line { table, columns, rows } followed by that many
// rows, then { end: true, tables } with every table's row count.
import { closeSync, createReadStream, createWriteStream, existsSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { createGunzip, createGzip } from 'node:zlib';
import { createInterface } from 'node:readline';
import { pipeline } from 'node:stream/promises';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import pg from 'pg';
import { migrationsFolder } from '../db/client.js';
import { embeddedConnection, ensureReachable, startEmbedded, stopOrphanedServer } from '../db/embedded.js';
import { StartupError } from './startup-error.js';

export const BACKUP_FORMAT = 'fablab-backup';
const BACKUP_VERSION = 1;
const SCHEMAS = ['public', 'drizzle'];

/** Anything that answers SQL with rows: a node-postgres client, or PGlite for the upgrade import. */
export interface Queryable {
  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<{ rows: T[] }>;
}

export class BackupError extends StartupError {}

interface TableInfo {
  name: string;
  columns: string[];
}

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;
const qualified = (name: string) => name.split('.').map(ident).join('.');

async function tables(db: Queryable): Promise<TableInfo[]> {
  const { rows } = await db.query<{ schema: string; table: string; columns: string[] }>(
    `select n.nspname as schema, c.relname as table,
            array_agg(a.attname::text order by a.attnum) as columns
       from pg_class c
       join pg_namespace n on n.oid = c.relnamespace
       join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped and a.attgenerated = ''
      where c.relkind in ('r', 'p') and n.nspname = any($1)
        -- Unlogged tables hold only what the database computes again (stored statistics, whose
        -- transaction ids would mean nothing in the cluster a backup is restored into).
        and c.relpersistence <> 'u'
      group by 1, 2 order by 1, 2`,
    [SCHEMAS],
  );
  return rows.map((r) => ({ name: `${r.schema}.${r.table}`, columns: r.columns }));
}

/** Writes every table of `db` as lines; the caller provides the snapshot. */
export async function exportTables(db: Queryable, write: (line: string) => Promise<void>, source: string): Promise<Record<string, number>> {
  const version = (await db.query<{ v: string }>('show server_version')).rows[0]?.v;
  await write(JSON.stringify({ format: BACKUP_FORMAT, version: BACKUP_VERSION, createdAt: new Date().toISOString(), source, postgres: version }));
  const counts: Record<string, number> = {};
  for (const table of await tables(db)) {
    const cols = table.columns.map(ident).join(', ');
    const { rows } = await db.query<{ j: string }>(`select row_to_json(t)::text as j from (select ${cols} from ${qualified(table.name)}) t`);
    await write(JSON.stringify({ table: table.name, columns: table.columns, rows: rows.length }));
    for (const r of rows) await write(r.j);
    counts[table.name] = rows.length;
  }
  await write(JSON.stringify({ end: true, tables: counts }));
  return counts;
}

/** Writes a backup file: to a temporary name, on disk, then renamed, so a failed backup leaves no file. */
export async function writeBackup(file: string, produce: (write: (line: string) => Promise<void>) => Promise<Record<string, number>>) {
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.partial`;
  const gzip = createGzip();
  const out = createWriteStream(tmp, { mode: 0o600 });
  const done = pipeline(gzip, out);
  const write = (line: string) =>
    new Promise<void>((resolve, reject) => {
      gzip.write(line + '\n', (err) => (err ? reject(err) : resolve()));
    });
  let counts: Record<string, number>;
  try {
    counts = await produce(write);
    gzip.end();
    await done;
    const fd = openSync(tmp, 'r');
    fsyncSync(fd);
    closeSync(fd);
    renameSync(tmp, file);
  } catch (err) {
    gzip.destroy();
    await done.catch(() => {});
    rmSync(tmp, { force: true });
    throw err;
  }
  return { file, bytes: (await stat(file)).size, counts };
}

/** A consistent backup of a running PostgreSQL: one REPEATABLE READ, READ ONLY transaction. */
export async function backupFrom(connection: pg.ClientConfig, file: string) {
  const client = new pg.Client(connection);
  await client.connect();
  try {
    await client.query('begin isolation level repeatable read read only');
    const result = await writeBackup(file, (write) => exportTables(client, write, 'postgres'));
    await client.query('commit');
    return result;
  } finally {
    await client.end();
  }
}

export interface ParsedBackup {
  header: { format: string; version: number; createdAt: string; source: string; postgres?: string };
  tables: Array<{ table: string; columns: string[]; rows: string[] }>;
}

/** Reads and checks a whole backup file: every byte decompressed, every line parsed, every count matched. */
export async function readBackup(file: string): Promise<ParsedBackup> {
  let size: number;
  try {
    size = (await stat(file)).size;
  } catch {
    throw new BackupError(`The backup file ${file} does not exist.`);
  }
  if (size === 0) throw new BackupError(`The backup file ${file} is empty.`);
  const lines = createInterface({ input: createReadStream(file).pipe(createGunzip()), crlfDelay: Infinity });
  type Table = ParsedBackup['tables'][number] & { expected: number };
  const parsed: { header?: ParsedBackup['header']; tables: Table[] } = { tables: [] };
  let current: Table | undefined;
  let end: { tables: Record<string, number> } | undefined;
  let lineNo = 0;
  const damaged = (why: string) => new BackupError(`The backup file ${file} is damaged (${why}); nothing was changed.`);
  try {
    for await (const line of lines) {
      lineNo++;
      if (end) throw damaged(`data after the end marker, line ${lineNo}`);
      if (lineNo === 1) {
        let header: ParsedBackup['header'];
        try {
          header = JSON.parse(line);
        } catch {
          throw new BackupError(`${file} is not a FabLab backup.`);
        }
        if (header?.format !== BACKUP_FORMAT) throw new BackupError(`${file} is not a FabLab backup.`);
        if (header.version > BACKUP_VERSION) throw new BackupError(`${file} was written by a newer version (backup format ${header.version}).`);
        parsed.header = header;
        continue;
      }
      if (current && current.rows.length < current.expected) {
        try {
          JSON.parse(line);
        } catch {
          throw damaged(`row on line ${lineNo} is not valid`);
        }
        current.rows.push(line);
        continue;
      }
      let meta: { table?: string; columns?: string[]; rows?: number; end?: boolean; tables?: Record<string, number> };
      try {
        meta = JSON.parse(line);
      } catch {
        throw damaged(`line ${lineNo} is not valid`);
      }
      if (meta.end) {
        end = { tables: meta.tables ?? {} };
        continue;
      }
      if (!meta.table || !Array.isArray(meta.columns) || typeof meta.rows !== 'number') throw damaged(`line ${lineNo} is not a table header`);
      current = { table: meta.table, columns: meta.columns, rows: [], expected: meta.rows };
      parsed.tables.push(current);
    }
  } catch (err) {
    if (err instanceof BackupError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw damaged(code === 'Z_BUF_ERROR' ? 'it ends early: truncated' : code === 'Z_DATA_ERROR' || code === 'Z_HEADER_ERROR' ? 'not readable gzip data' : (err as Error).message);
  }
  if (!parsed.header) throw damaged('no header');
  if (!end) throw damaged('it ends early: truncated');
  for (const t of parsed.tables) {
    if (t.rows.length !== t.expected || end.tables[t.table] !== t.expected) throw damaged(`table ${t.table} is incomplete`);
  }
  return { header: parsed.header, tables: parsed.tables.map(({ table, columns, rows }) => ({ table, columns, rows })) };
}

/** Applies the migrations the backup's database had, so its rows fit the tables they came from. */
async function migrateTo(client: pg.Client, backup: ParsedBackup) {
  const applied = backup.tables.find((t) => t.table === 'drizzle.__drizzle_migrations');
  const hashes = (applied?.rows ?? []).map((r) => JSON.parse(r) as { hash: string; created_at: number }).sort((a, b) => Number(a.created_at) - Number(b.created_at));
  const known = readMigrationFiles({ migrationsFolder });
  if (hashes.length > known.length) throw new BackupError('The backup was made by a newer version of this server (it has migrations this one does not know); upgrade first.');
  await client.query('begin');
  await client.query('create schema if not exists drizzle');
  await client.query('create table if not exists drizzle.__drizzle_migrations (id serial primary key, hash text not null, created_at bigint)');
  for (let i = 0; i < hashes.length; i++) {
    for (const stmt of known[i]!.sql) if (stmt.trim()) await client.query(stmt);
  }
  await client.query('commit');
}

/** Loads a checked backup into an empty database (FK checks off while loading: rows arrive in any order). */
export async function loadBackup(client: pg.Client, backup: ParsedBackup) {
  await migrateTo(client, backup);
  await client.query('begin');
  await client.query('set local session_replication_role = replica');
  for (const t of backup.tables) {
    const cols = t.columns.map(ident).join(', ');
    // The backup is the whole truth of each table: rows the migrations seeded (the machine types)
    // give way to the backup's own, which may have renamed or added to them.
    await client.query(`delete from ${qualified(t.table)}`);
    for (let i = 0; i < t.rows.length; i += 500) {
      const batch = `[${t.rows.slice(i, i + 500).join(',')}]`;
      await client.query(`insert into ${qualified(t.table)} (${cols}) select ${cols} from json_populate_recordset(null::${qualified(t.table)}, $1::json)`, [batch]);
    }
  }
  // Serial columns continue after the loaded rows.
  const { rows: seqs } = await client.query<{ seq: string; tbl: string; col: string }>(
    `select quote_ident(n.nspname) || '.' || quote_ident(s.relname) as seq,
            quote_ident(tn.nspname) || '.' || quote_ident(t.relname) as tbl, quote_ident(a.attname) as col
       from pg_class s join pg_namespace n on n.oid = s.relnamespace
       join pg_depend d on d.objid = s.oid and d.deptype in ('a', 'i')
       join pg_class t on t.oid = d.refobjid join pg_namespace tn on tn.oid = t.relnamespace
       join pg_attribute a on a.attrelid = t.oid and a.attnum = d.refobjsubid
      where s.relkind = 'S'`,
  );
  for (const s of seqs) await client.query(`select setval('${s.seq}', coalesce((select max(${s.col}) from ${s.tbl}), 0) + 1, false)`);
  await client.query('commit');
  for (const t of backup.tables) {
    const { rows } = await client.query<{ n: number }>(`select count(*)::int as n from ${qualified(t.table)}`);
    if (rows[0]!.n !== t.rows.length) throw new BackupError(`Loading ${t.table} gave ${rows[0]!.n} rows instead of ${t.rows.length}; nothing was changed.`);
  }
}

/**
 * Builds a new cluster from a checked backup in a scratch folder beside the live one, and only
 * when it loaded completely swaps it in (the old cluster is kept aside). The caller owns DATA_DIR.
 */
export async function restoreInto(dataDir: string, backup: ParsedBackup, stamp = new Date().toISOString().replace(/[:.]/g, '-')): Promise<{ keptAside?: string }> {
  // A postgres orphaned by a killed server would go on writing into the cluster moved aside.
  await stopOrphanedServer(dataDir);
  ensureReachable(dataDir);
  const scratchDir = path.join(dataDir, `restore-${stamp}`);
  await rm(scratchDir, { recursive: true, force: true });
  mkdirSync(scratchDir, { recursive: true, mode: 0o700 });
  try {
    const scratch = await startEmbedded({ dataDir: scratchDir });
    try {
      const client = new pg.Client(scratch.connection);
      await client.connect();
      try {
        await loadBackup(client, backup);
        // The live password file stays valid: the new cluster takes the same password.
        if (existsSync(path.join(dataDir, 'postgres-password'))) {
          const { password } = embeddedConnection(dataDir);
          await client.query(`alter user postgres password '${String(password).replace(/'/g, "''")}'`);
        } else {
          renameSync(path.join(scratchDir, 'postgres-password'), path.join(dataDir, 'postgres-password'));
        }
      } finally {
        await client.end();
      }
    } finally {
      await scratch.stop();
    }
    const live = path.join(dataDir, 'postgres');
    let keptAside: string | undefined;
    if (existsSync(live)) {
      keptAside = `${live}.before-restore-${stamp}`;
      await rename(live, keptAside);
    }
    await rename(path.join(scratchDir, 'postgres'), live);
    return { keptAside };
  } finally {
    await rm(scratchDir, { recursive: true, force: true });
  }
}

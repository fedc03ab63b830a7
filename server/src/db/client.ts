// One database handle for the whole app: node-postgres when DATABASE_URL names a real
// PostgreSQL, otherwise the embedded PGlite (real Postgres in WASM, file-backed).
import { PGlite, types as pgliteTypes } from '@electric-sql/pglite';
import { btree_gist } from '@electric-sql/pglite/contrib/btree_gist';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';
import type { ExtractTablesWithRelations } from 'drizzle-orm';
import path from 'node:path';
import pg from 'pg';
import { repoRoot } from '../config.js';
import { DomainError, sqlState } from '../lib/errors.js';
import * as schema from './schema/index.js';

export type Schema = typeof schema;
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type Tx = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
/** A repository method runs on the database or inside a caller's transaction. */
export type DbOrTx = Db | Tx;

export interface Database {
  db: Db;
  kind: 'postgres' | 'pglite';
  /** Raw SQL with parameters, for the few places drizzle has no builder (advisory locks, LISTEN). */
  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  migrate(): Promise<void>;
  close(): Promise<void>;
  /** Only for PostgreSQL: the pool, for LISTEN/NOTIFY and benchmarks. */
  pool?: pg.Pool;
}

export const migrationsFolder = path.join(repoRoot, 'migrations');

export interface ConnectOptions {
  databaseUrl?: string;
  /** Folder of the embedded database; undefined keeps it in memory (tests). */
  dataDir?: string;
  poolSize?: number;
}

// timestamptz arrives as Date, numeric/bigint (counts, sums) as JS numbers rather than strings.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (v) => Number(v));

export async function connect(options: ConnectOptions): Promise<Database> {
  if (options.databaseUrl) {
    const pool = new pg.Pool({
      connectionString: options.databaseUrl,
      max: options.poolSize ?? 10,
      connectionTimeoutMillis: 5_000,
      // A connection that dies silently mid-query (a network cut) must not hold its pool client
      // forever: the query fails after this long and the client goes back to the pool.
      query_timeout: 15_000,
      idleTimeoutMillis: 30_000,
    });
    // A client that loses its server (idle in the pool, or checked out between two statements of
    // a transaction) must not crash the process: the query in progress or the next one reports it.
    pool.on('error', () => {});
    pool.on('connect', (client) => {
      client.on('error', () => {});
    });
    const db = drizzlePg(pool, { schema }) as unknown as Db;
    db.transaction = transactionsOnOwnClients(pool);
    return {
      db,
      kind: 'postgres',
      pool,
      async query<T>(text: string, params: unknown[] = []) {
        const res = await pool.query(text, params);
        return res.rows as T[];
      },
      migrate: () => migratePg(drizzlePg(pool), { migrationsFolder }),
      close: () => pool.end(),
    };
  }
  const client = await PGlite.create({
    dataDir: options.dataDir,
    extensions: { btree_gist },
    parsers: { [pgliteTypes.NUMERIC]: (v: string) => Number(v) },
  });
  const db = drizzlePglite(client, { schema }) as unknown as Db;
  return {
    db,
    kind: 'pglite',
    async query<T>(text: string, params: unknown[] = []) {
      const res = await client.query(text, params);
      return res.rows as T[];
    },
    migrate: () => migratePglite(drizzlePglite(client), { migrationsFolder }),
    close: () => client.close(),
  };
}

/**
 * db.transaction for a pool, holding its own client. Drizzle's pool transaction sends BEGIN before
 * its try/finally, so a connection cut during BEGIN never went back to the pool: each outage leaked
 * a client or two until the pool ran dry. Here the client is always released, and destroyed when
 * the failure was not an answer from the server (the connection may be dead or mid-query).
 */
function transactionsOnOwnClients(pool: pg.Pool): Db['transaction'] {
  // Given a client rather than a pool, drizzle runs the transaction on it and leaves releasing to us.
  const bound = new WeakMap<pg.PoolClient, Db>();
  return async (fn, config) => {
    const client = await pool.connect();
    let broken: Error | undefined;
    try {
      let db = bound.get(client);
      if (!db) {
        db = drizzlePg(client, { schema }) as unknown as Db;
        bound.set(client, db);
      }
      return await db.transaction(fn, config);
    } catch (err) {
      if (!(err instanceof DomainError) && sqlState(err) === undefined) {
        broken = err instanceof Error ? err : new Error(String(err));
      }
      throw err;
    } finally {
      client.release(broken);
    }
  };
}

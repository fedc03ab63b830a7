// One database handle for the whole app: node-postgres on a pool, to the PostgreSQL named by
// DATABASE_URL or to the embedded one the server starts (see embedded.ts and lib/bootstrap.ts).
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
  /** `embedded`: the server's own PostgreSQL under DATA_DIR; `postgres`: DATABASE_URL. */
  kind: 'postgres' | 'embedded';
  /** Raw SQL with parameters, for the few places drizzle has no builder (advisory locks, LISTEN). */
  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  migrate(): Promise<void>;
  close(): Promise<void>;
  /** The pool, for LISTEN/NOTIFY, snapshots and benchmarks. */
  pool: pg.Pool;
  /** Folder whose free space decides whether writes can succeed (the embedded DATA_DIR). */
  storageDir?: string;
}

export const migrationsFolder = path.join(repoRoot, 'migrations');

export interface ConnectOptions {
  /** A connection string, or explicit settings (the embedded server's socket). */
  databaseUrl?: string;
  connection?: pg.ClientConfig;
  poolSize?: number;
  kind?: Database['kind'];
  /** Longest a statement may wait for its answer before the request gets 503. */
  queryTimeoutMs?: number;
  /** Longest a request waits for a free pooled connection before it gets 503. */
  connectionTimeoutMs?: number;
  onClose?: () => Promise<void>;
  storageDir?: string;
}

// timestamptz arrives as Date, numeric/bigint (counts, sums) as JS numbers rather than strings.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (v) => Number(v));

export async function connect(options: ConnectOptions): Promise<Database> {
  if (!options.databaseUrl && !options.connection) throw new Error('connect needs a databaseUrl or connection settings');
  const pool = new pg.Pool({
    ...(options.connection ?? {}),
    ...(options.databaseUrl ? { connectionString: options.databaseUrl } : {}),
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: options.connectionTimeoutMs ?? 5_000,
    // A connection that stalls or dies silently mid-query (a network cut, a frozen server) must
    // not hold its request or its pool client for long: the query fails (503) and the client goes.
    query_timeout: options.queryTimeoutMs ?? 10_000,
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
    kind: options.kind ?? 'postgres',
    pool,
    storageDir: options.storageDir,
    async query<T>(text: string, params: unknown[] = []) {
      const res = await pool.query(text, params);
      return res.rows as T[];
    },
    migrate: () => migratePg(drizzlePg(pool), { migrationsFolder }),
    async close() {
      await pool.end();
      await options.onClose?.();
    },
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

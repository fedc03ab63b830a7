// Stored totals of closed months (migration 0014 explains the notes that keep them exact). A
// stored row is read only if no change was noted since, for its labs and its stretch of time, by
// a transaction its computation may not have seen: one not visible in the snapshot taken before
// that computation began. Its own queries ran later, so they saw at least that snapshot's commits.
import type { StatsFigures } from '@fablab/shared';
import type { Database } from '../../db/client.js';

/**
 * How long after a month's end (by both the server's and the database's clock) it may be stored.
 * Writes that touch only the last 6 hours or later are not noted (stats_note in migration 0014),
 * so a month must have ended longer ago than that, plus an hour for the writer's transaction.
 */
export const STORE_AFTER_MS = 7 * 3_600_000;

export interface StoredMonth {
  month: string;
  totals: StatsFigures;
}

export interface MonthToStore extends StoredMonth {
  start: Date;
  end: Date;
}

export interface StoredRead {
  stored: StoredMonth[];
  /** Taken before anything missing is computed: what a stored row of that computation has seen. */
  snapshot: string;
  databaseNow: Date;
}

export function createMonthStore(database: Pick<Database, 'query' | 'pool'>) {
  return {
    /** The months of a scope still exact, with the snapshot and clock to compute the others under. */
    async read(scopeKey: string, months: readonly string[]): Promise<StoredRead> {
      const [row] = await database.query<{ stored: StoredMonth[]; snapshot: string; db_now: Date | string }>(
        `select coalesce((
            select json_agg(json_build_object('month', t.month, 'totals', t.totals))
            from stats_month_totals t
            where t.scope_key = $1 and t.month = any($2::text[])
              and t.postmaster_started = pg_postmaster_start_time()
              and not exists (
                select 1 from stats_changes d
                where (d.lab_id is null or d.lab_id = any(t.lab_ids))
                  and d.during && t.span
                  and not pg_visible_in_snapshot(d.xid, t.snapshot)
              )
          ), '[]'::json) as stored,
          pg_current_snapshot()::text as snapshot, statement_timestamp() as db_now`,
        [scopeKey, months],
      );
      return { stored: row!.stored, snapshot: row!.snapshot, databaseNow: new Date(row!.db_now) };
    },

    /**
     * Stores months computed after `snapshot` was taken. Refused (nothing stored) when a pruning
     * since then removed notes that snapshot may not see; the next trend computes them again.
     */
    async store(scopeKey: string, labIds: readonly string[], snapshot: string, months: readonly MonthToStore[]) {
      if (months.length === 0) return;
      const rows = months.map((m) => ({
        month: m.month,
        ms: m.start.toISOString(),
        me: m.end.toISOString(),
        totals: m.totals,
      }));
      await database.query(
        `insert into stats_month_totals (scope_key, month, lab_ids, span, snapshot, postmaster_started, totals)
         select $1, m.month, $2::uuid[], tstzrange(m.ms, m.me, '[)'), $3::pg_snapshot, pg_postmaster_start_time(), m.totals
         from jsonb_to_recordset($4::jsonb) as m(month text, ms timestamptz, me timestamptz, totals jsonb)
         where pg_snapshot_xmin($3::pg_snapshot) >=
           coalesce((select p.horizon from stats_prune p where p.id = 1 for share), '0'::xid8)
         on conflict (scope_key, month) do update set lab_ids = excluded.lab_ids, span = excluded.span,
           snapshot = excluded.snapshot, postmaster_started = excluded.postmaster_started, totals = excluded.totals`,
        [scopeKey, labIds, snapshot, JSON.stringify(rows)],
      );
    },

    /**
     * Drops the notes older than the previous pruning's horizon, and first the stored rows they
     * void; stored rows of other postmasters go too. Every transaction older than that horizon
     * had ended when it was taken, and rows are stored only from snapshots that see all of them.
     */
    async prune(): Promise<{ notes: number; stored: number }> {
      const client = await database.pool.connect();
      let broken: Error | undefined;
      try {
        await client.query('begin');
        await client.query(
          `insert into stats_prune (id, horizon) values (1, pg_snapshot_xmin(pg_current_snapshot())) on conflict (id) do nothing`,
        );
        const { rows } = await client.query<{ horizon: string }>(
          'select horizon::text as horizon from stats_prune where id = 1 for update',
        );
        const horizon = rows[0]!.horizon;
        const stored = await client.query(
          `delete from stats_month_totals t
           where t.postmaster_started <> pg_postmaster_start_time()
             or exists (
               select 1 from stats_changes d
               where d.xid < $1::xid8
                 and (d.lab_id is null or d.lab_id = any(t.lab_ids))
                 and d.during && t.span
                 and not pg_visible_in_snapshot(d.xid, t.snapshot)
             )`,
          [horizon],
        );
        const notes = await client.query('delete from stats_changes where xid < $1::xid8', [horizon]);
        await client.query('update stats_prune set horizon = pg_snapshot_xmin(pg_current_snapshot()) where id = 1');
        await client.query('commit');
        return { notes: notes.rowCount ?? 0, stored: stored.rowCount ?? 0 };
      } catch (err) {
        await client.query('rollback').catch((e: Error) => (broken = e));
        throw err;
      } finally {
        client.release(broken);
      }
    },
  };
}

export type MonthStore = ReturnType<typeof createMonthStore>;

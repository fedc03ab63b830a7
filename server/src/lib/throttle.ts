// Sliding-window counters behind every throttle. A store keeps the instants of recent events per
// key; the budget (how many within how long) is the caller's, so one store serves every throttle.
import { and, desc, eq, gt, lt, lte, sql } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.js';
import { throttleEvents } from '../db/schema/index.js';

export interface ThrottleStore {
  /**
   * Counts an event for key unless `max` already fell within the window ending at `now`.
   * Answers 0 when counted, else the seconds until the oldest of them leaves the window.
   */
  hit(key: string, max: number, windowMs: number, now: Date): Promise<number>;
  /** The seconds to wait before an event would be counted, or 0; counts nothing. */
  retryAfter(key: string, max: number, windowMs: number, now: Date): Promise<number>;
  /** Counts an event whatever the count. */
  record(key: string, windowMs: number, now: Date): Promise<void>;
  /** Forgets every event of key. */
  reset(key: string): Promise<void>;
  close?(): Promise<void>;
}

export function waitSeconds(oldestMs: number, windowMs: number, nowMs: number): number {
  return Math.max(1, Math.ceil((windowMs - (nowMs - oldestMs)) / 1000));
}

/**
 * The database's table, shared by every server process on it: a budget holds however many
 * replicas serve the API. Each key's events are counted and written under a transaction-scoped
 * advisory lock on the key, so two processes never both take the last place of a budget.
 */
export function createDatabaseThrottleStore(db: Db): ThrottleStore {
  async function inLock<T>(key: string, fn: (tx: Tx) => Promise<T>): Promise<T> {
    return db.transaction(async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${key}, 7))`);
      return fn(tx);
    });
  }
  /** Seconds until a place frees up among the last `max` events of the window, or 0. */
  async function waitIn(tx: Tx, key: string, max: number, windowMs: number, now: Date): Promise<number> {
    const since = new Date(now.getTime() - windowMs);
    const rows = await tx
      .select({ at: throttleEvents.at })
      .from(throttleEvents)
      .where(and(eq(throttleEvents.key, key), gt(throttleEvents.at, since), lte(throttleEvents.at, now)))
      .orderBy(desc(throttleEvents.at))
      .offset(max - 1)
      .limit(1);
    const oldest = rows[0]?.at;
    return oldest ? waitSeconds(oldest.getTime(), windowMs, now.getTime()) : 0;
  }
  async function forget(tx: Tx, key: string, windowMs: number, now: Date) {
    await tx
      .delete(throttleEvents)
      .where(and(eq(throttleEvents.key, key), lte(throttleEvents.at, new Date(now.getTime() - windowMs))));
  }

  return {
    hit(key, max, windowMs, now) {
      return inLock(key, async (tx) => {
        await forget(tx, key, windowMs, now);
        const wait = await waitIn(tx, key, max, windowMs, now);
        if (wait === 0) await tx.insert(throttleEvents).values({ key, at: now });
        return wait;
      });
    },
    async retryAfter(key, max, windowMs, now) {
      return inLock(key, (tx) => waitIn(tx, key, max, windowMs, now));
    },
    async record(key, windowMs, now) {
      await inLock(key, async (tx) => {
        await forget(tx, key, windowMs, now);
        await tx.insert(throttleEvents).values({ key, at: now });
      });
    },
    async reset(key) {
      await inLock(key, (tx) => tx.delete(throttleEvents).where(eq(throttleEvents.key, key)));
    },
  };
}

/** Removes the events of keys under `prefix` that left their window; keys never seen again would keep them. */
export async function purgeThrottleEvents(db: Db, prefix: string, olderThan: Date): Promise<number> {
  const gone = await db
    .delete(throttleEvents)
    .where(and(sql`starts_with(${throttleEvents.key}, ${prefix})`, lt(throttleEvents.at, olderThan)))
    .returning({ key: throttleEvents.key });
  return gone.length;
}

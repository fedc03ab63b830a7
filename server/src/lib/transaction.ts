// A transaction with work to do once it has committed (telling live calendars of a change): a
// change announced before its commit could be fetched before it is visible.
import type { Db, DbOrTx, Tx } from '../db/client.js';

const afterCommitQueues = new WeakMap<object, Array<() => void>>();

/** Runs fn in a transaction; what fn queued with afterCommit runs once it committed, not on rollback. */
export async function inTransaction<T>(db: Db, fn: (tx: Tx) => Promise<T>): Promise<T> {
  let queue: Array<() => void> = [];
  const result = await db.transaction(async (tx) => {
    // A fresh queue per attempt: a caller that retries a failed transaction runs this again.
    queue = [];
    afterCommitQueues.set(tx, queue);
    return fn(tx);
  });
  for (const run of queue) run();
  return result;
}

/**
 * Queues work for after the commit of tx's transaction. Outside inTransaction (a plain
 * db.transaction, or no transaction at all) the work runs at once.
 */
export function afterCommit(tx: DbOrTx, run: () => void): void {
  const queue = afterCommitQueues.get(tx);
  if (queue) queue.push(run);
  else run();
}

// Values derived from one lab's data, kept between requests and dropped the moment any change of
// that lab is published (bookings, maintenance, usage, machines, opening hours, closures), whether
// in this process or, through the live plugin's relay, in another one. Two uses: calendars ask for
// the same few lab-weeks over and over (the serialized availability answers), and every booking
// needs its lab's opening hours, closures and settings (the lab context).
//
// A change counter makes the race safe: a value is stored only if its lab did not change while it
// was being computed, so a value read before a commit and finished after the commit's publish()
// is never kept. Between a commit in another process and the arrival of its NOTIFY (milliseconds)
// a reader may still get the previous value, as it would have had it read a moment earlier; an
// overlap is decided by the database, never by this cache, and a booking keys the lab's context by
// the lab's version, read under a lock in its transaction (bookings/booking-core.ts). When the
// relay was down, resync() empties the whole cache. Entries also expire after a while, as a last
// safety net.
import type { LabChange, LabEvents } from './events.js';

interface Entry<T> {
  labId: string;
  /** The change counter when its computing began. */
  since: number;
  expiresAt: number;
  value: T;
}

export interface LabCache<T> {
  /**
   * The value for key (a value of labId's data), computed and kept when absent or outdated. With
   * `share`, requests that miss together wait for one computation (never across a change of the
   * lab); a computation that runs inside a caller's transaction must not be shared.
   */
  get(labId: string, key: string, compute: () => Promise<T>, options?: { share?: boolean }): Promise<T>;
  readonly size: number;
  close(): void;
}

export function createLabCache<T>(options: {
  events: LabEvents;
  /** How many values to keep; 0 keeps none. */
  maxEntries: number;
  ttlMs: number;
  now?: () => number;
  /** Which changes make a lab's values outdated; by default every change. */
  changedBy?: (change: LabChange) => boolean;
}): LabCache<T> {
  const now = options.now ?? Date.now;
  // Map keeps insertion order: re-inserting on a hit makes the first key the least recently used.
  const entries = new Map<string, Entry<T>>();
  const inflight = new Map<string, { since: number; value: Promise<T> }>();
  let changes = 0;
  const labChangedAt = new Map<string, number>();
  let resyncedAt = 0;
  const unchangedSince = (labId: string, since: number) =>
    (labChangedAt.get(labId) ?? 0) <= since && resyncedAt <= since;

  const stopChanges = options.events.subscribe((change) => {
    if (options.changedBy && !options.changedBy(change)) return;
    labChangedAt.set(change.labId, ++changes);
    for (const [key, entry] of entries) if (entry.labId === change.labId) entries.delete(key);
  });
  const stopResync = options.events.onResync(() => {
    resyncedAt = ++changes;
    entries.clear();
  });

  return {
    async get(labId, key, compute, { share = true } = {}) {
      const hit = entries.get(key);
      if (hit && unchangedSince(labId, hit.since) && hit.expiresAt > now()) {
        entries.delete(key);
        entries.set(key, hit);
        return hit.value;
      }
      if (hit) entries.delete(key);
      const pending = share ? inflight.get(key) : undefined;
      if (pending && unchangedSince(labId, pending.since)) return pending.value;
      const since = changes;
      const value = compute();
      const mine = { since, value };
      if (share) inflight.set(key, mine);
      try {
        const result = await value;
        if (options.maxEntries > 0 && unchangedSince(labId, since)) {
          entries.set(key, { labId, since, expiresAt: now() + options.ttlMs, value: result });
          while (entries.size > options.maxEntries) entries.delete(entries.keys().next().value as string);
        }
        return result;
      } finally {
        if (inflight.get(key) === mine) inflight.delete(key);
      }
    },
    get size() {
      return entries.size;
    },
    close() {
      stopChanges();
      stopResync();
      entries.clear();
    },
  };
}

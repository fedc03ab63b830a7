// Counts events per key within a sliding window, in this process's memory: for budgets that only
// protect this process (how often a flood of unknown card taps is written to the log). Throttles
// that must hold across server processes are the throttle plugin's, counted in the database.
export function createSlidingWindow(max: number, windowMs: number, maxKeys = 100_000) {
  const events = new Map<string, number[]>();

  function recent(key: string, now: number): number[] {
    const list = (events.get(key) ?? []).filter((t) => now - t < windowMs);
    if (list.length) events.set(key, list);
    else events.delete(key);
    return list;
  }

  return {
    /** Seconds to wait before the next event is allowed, or 0. */
    retryAfter(key: string, now = Date.now()): number {
      const list = recent(key, now);
      if (list.length < max) return 0;
      return Math.max(1, Math.ceil((windowMs - (now - (list[0] ?? now))) / 1000));
    },
    record(key: string, now = Date.now()): void {
      const list = recent(key, now);
      list.push(now);
      events.set(key, list);
      if (events.size > maxKeys) events.delete(events.keys().next().value as string);
    },
    /** Records the event when allowed; returns the seconds to wait when not. */
    hit(key: string, now = Date.now()): number {
      const wait = this.retryAfter(key, now);
      if (wait === 0) this.record(key, now);
      return wait;
    },
    reset(key: string): void {
      events.delete(key);
    },
  };
}

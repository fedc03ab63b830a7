// The time-rule and booking suites run a second time with the process in another zone
// (TZ=America/Los_Angeles): this makes sure that run really is in that zone, so it tests something.
import { describe, expect, it } from 'vitest';

describe('the process time zone', () => {
  it.runIf(Boolean(process.env.TZ))('is the one TZ names', () => {
    expect(Intl.DateTimeFormat().resolvedOptions().timeZone).toBe(process.env.TZ);
  });
});

// @vitest-environment node
import './force-new-york.js';
import { describe, expect, it } from 'vitest';
import { timeZoneCases } from './time-zone-cases.js';

describe('the process time zone', () => {
  it('is America/New_York in this file', () => {
    expect(new Date('2026-06-02T00:00:00Z').getTimezoneOffset()).toBe(240);
    expect(Intl.DateTimeFormat().resolvedOptions().timeZone).toBe('America/New_York');
  });
});

timeZoneCases('server in America/New_York');

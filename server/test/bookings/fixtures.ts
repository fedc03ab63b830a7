// Shared set-up for the booking tests: a fixed "now" (Monday 1 June 2026, 08:00 in Ho Chi Minh
// City), local-time helpers and a lab with a manager, members and machines.
import type { LabSettings, OpeningHours } from '@fablab/shared';
import { DateTime } from 'luxon';
import type { InjectOptions } from 'fastify';
import { WEEKDAY_HOURS, type TestContext, type TestUser } from '../helpers/app.js';

export const HCM = 'Asia/Ho_Chi_Minh';
export const NOW = '2026-06-01T08:00:00+07:00';

/** An ISO instant (UTC) for a wall-clock time in the zone, e.g. local('2026-06-02T09:00'). */
export function local(wallClock: string, zone = HCM): string {
  return DateTime.fromISO(wallClock, { zone }).toUTC().toISO()!;
}

export const LUNCH_HOURS: OpeningHours = {
  ...WEEKDAY_HOURS,
  tue: [
    ['08:00', '11:30'],
    ['13:00', '17:00'],
  ],
};

export interface LabSetup {
  lab: { id: string; slug: string; timezone: string };
  manager: TestUser;
  member: TestUser;
  other: TestUser;
  machine: Awaited<ReturnType<TestContext['createMachine']>>;
}

export async function setupLab(
  ctx: TestContext,
  opts: {
    timezone?: string;
    openingHours?: OpeningHours;
    settings?: Partial<LabSettings>;
    machine?: Parameters<TestContext['createMachine']>[1];
  } = {},
): Promise<LabSetup> {
  const lab = await ctx.createLab({
    timezone: opts.timezone,
    openingHours: opts.openingHours,
    settings: opts.settings,
  });
  const manager = await ctx.createUser({ role: 'manager', manages: [lab.id], fullName: 'Lab Manager' });
  const member = await ctx.createUser({ fullName: 'Nguyễn Văn An' });
  const other = await ctx.createUser({ fullName: 'Trần Thị Bình' });
  const machine = await ctx.createMachine(lab.id, opts.machine);
  return { lab, manager, member, other, machine };
}

export function book(
  ctx: TestContext,
  user: TestUser,
  body: { machineId: string; start: string; end: string; purpose?: string; note?: string; userId?: string },
) {
  return ctx.injectAs(user, {
    method: 'POST',
    url: '/api/bookings',
    payload: { purpose: 'personal_project', ...body },
  });
}

export function act(
  ctx: TestContext,
  user: TestUser | null,
  method: InjectOptions['method'],
  url: string,
  payload?: unknown,
) {
  return ctx.injectAs(user, {
    method,
    url,
    ...(payload === undefined ? {} : { payload: payload as InjectOptions['payload'] }),
  });
}

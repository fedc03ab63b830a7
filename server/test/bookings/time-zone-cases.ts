// The local-time rules, written once and run twice: in the server's own zone and with the
// process in America/New_York (time-zones-new-york.test.ts), where they must answer the same.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WEEKDAY_HOURS, createTestContext, fixedClock, type TestContext } from '../helpers/app.js';
import { LUNCH_HOURS, NOW, book, local, setupLab } from './fixtures.js';

export function timeZoneCases(label: string): void {
  describe(`local time rules (${label})`, () => {
    let ctx: TestContext;
    beforeAll(async () => {
      ctx = await createTestContext({ clock: fixedClock(NOW) });
    });
    afterAll(() => ctx.close());

    it('refuses 07:30–08:30 at a lab in Asia/Ho_Chi_Minh that opens at 08:00', async () => {
      const s = await setupLab(ctx);
      const early = await book(ctx, s.member, {
        machineId: s.machine.id,
        start: '2026-06-02T07:30:00+07:00',
        end: '2026-06-02T08:30:00+07:00',
      });
      expect(early.statusCode).toBe(422);
      expect(early.json().code).toBe('OUTSIDE_OPENING_HOURS');
      const open = await book(ctx, s.member, {
        machineId: s.machine.id,
        start: '2026-06-02T08:00:00+07:00',
        end: '2026-06-02T09:00:00+07:00',
      });
      expect(open.statusCode).toBe(201);
      expect(open.json().start).toBe('2026-06-02T01:00:00.000Z');
      // 16:30–17:00 local is the last half hour; 17:00 local is 10:00Z.
      expect(
        (
          await book(ctx, s.member, {
            machineId: s.machine.id,
            start: '2026-06-02T09:30:00Z',
            end: '2026-06-02T10:00:00Z',
          })
        ).statusCode,
      ).toBe(201);
      expect(
        (
          await book(ctx, s.member, {
            machineId: s.machine.id,
            start: '2026-06-02T10:00:00Z',
            end: '2026-06-02T10:30:00Z',
          })
        ).json().code,
      ).toBe('OUTSIDE_OPENING_HOURS');
    });

    it('refuses a booking across the lunch break, and takes each half', async () => {
      const s = await setupLab(ctx, { openingHours: LUNCH_HOURS });
      const across = await book(ctx, s.member, {
        machineId: s.machine.id,
        start: local('2026-06-02T11:00'),
        end: local('2026-06-02T13:30'),
      });
      expect(across.statusCode).toBe(422);
      expect(across.json().code).toBe('OUTSIDE_OPENING_HOURS');
      const inLunch = await book(ctx, s.member, {
        machineId: s.machine.id,
        start: local('2026-06-02T12:00'),
        end: local('2026-06-02T12:30'),
      });
      expect(inLunch.json().code).toBe('OUTSIDE_OPENING_HOURS');
      expect(
        (
          await book(ctx, s.member, {
            machineId: s.machine.id,
            start: local('2026-06-02T11:00'),
            end: local('2026-06-02T11:30'),
          })
        ).statusCode,
      ).toBe(201);
      expect(
        (
          await book(ctx, s.member, {
            machineId: s.machine.id,
            start: local('2026-06-02T13:00'),
            end: local('2026-06-02T14:00'),
          })
        ).statusCode,
      ).toBe(201);
      // An unattended printer may start before lunch and run through it.
      const printer = await ctx.createMachine(s.lab.id, { type: 'fdm_printer', mayRunUnattended: true });
      expect(
        (
          await book(ctx, s.member, {
            machineId: printer.id,
            start: local('2026-06-02T11:00'),
            end: local('2026-06-02T14:00'),
          })
        ).statusCode,
      ).toBe(201);
    });

    it('refuses a booking on a closure day', async () => {
      const s = await setupLab(ctx);
      const closure = await ctx.injectAs(s.manager, {
        method: 'POST',
        url: `/api/labs/${s.lab.id}/closures`,
        payload: { from: '2026-06-03', to: '2026-06-03', reason: 'Ngày hội khoa học' },
      });
      expect(closure.statusCode).toBe(201);
      const closed = await book(ctx, s.member, {
        machineId: s.machine.id,
        start: local('2026-06-03T09:00'),
        end: local('2026-06-03T10:00'),
      });
      expect(closed.statusCode).toBe(422);
      expect(closed.json().code).toBe('OUTSIDE_OPENING_HOURS');
      // The days around it are open: the closure is a local date, not a UTC one.
      expect(
        (
          await book(ctx, s.member, {
            machineId: s.machine.id,
            start: local('2026-06-02T16:00'),
            end: local('2026-06-02T17:00'),
          })
        ).statusCode,
      ).toBe(201);
      expect(
        (
          await book(ctx, s.member, {
            machineId: s.machine.id,
            start: local('2026-06-04T08:00'),
            end: local('2026-06-04T09:00'),
          })
        ).statusCode,
      ).toBe(201);
    });

    it('counts the weekly quota per ISO week in the lab’s zone', async () => {
      const allDay: [string, string][] = [['00:00', '24:00']];
      const s = await setupLab(ctx, {
        openingHours: { ...WEEKDAY_HOURS, sun: allDay, mon: allDay },
        settings: { weeklyQuotaHours: 1 },
      });
      // Sunday 22:00 and Monday 00:00 local are both Sunday in UTC, yet in two local ISO weeks.
      const sunday = await book(ctx, s.member, {
        machineId: s.machine.id,
        start: local('2026-06-07T22:00'),
        end: local('2026-06-07T23:00'),
      });
      expect(sunday.statusCode).toBe(201);
      const monday = await book(ctx, s.member, {
        machineId: s.machine.id,
        start: local('2026-06-08T00:00'),
        end: local('2026-06-08T01:00'),
      });
      expect(monday.statusCode).toBe(201);
      expect(monday.json().start).toBe('2026-06-07T17:00:00.000Z');
      expect(
        (
          await book(ctx, s.member, {
            machineId: s.machine.id,
            start: local('2026-06-07T20:00'),
            end: local('2026-06-07T21:00'),
          })
        ).json().code,
      ).toBe('QUOTA_EXCEEDED');
    });

    it('anchors the slot grid at local midnight in a zone with a half-hour offset', async () => {
      const zone = 'Asia/Kolkata';
      const s = await setupLab(ctx, { timezone: zone, machine: { slotMinutes: 60, minMinutes: 60, maxMinutes: 120 } });
      // 09:00 in Kolkata is 03:30Z: on the local hourly grid although not on a UTC one.
      const ok = await book(ctx, s.member, {
        machineId: s.machine.id,
        start: local('2026-06-02T09:00', zone),
        end: local('2026-06-02T10:00', zone),
      });
      expect(ok.statusCode).toBe(201);
      expect(ok.json().start).toBe('2026-06-02T03:30:00.000Z');
      const utcHour = await book(ctx, s.member, {
        machineId: s.machine.id,
        start: '2026-06-02T05:00:00Z',
        end: '2026-06-02T06:00:00Z',
      });
      expect(utcHour.json().code).toBe('INVALID_DURATION');
    });
  });
}

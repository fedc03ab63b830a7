import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_LAB_SETTINGS } from '@fablab/shared';
import { bookingSeries, bookings, classSessions, labs, machines } from '../../src/db/schema/index.js';
import { createTestContext, fixedClock, type TestContext } from '../helpers/app.js';
import { NOW, act, book, local, setupLab } from './fixtures.js';

describe('class sessions and series', () => {
  let ctx: TestContext;
  const clock = fixedClock(NOW);
  beforeAll(async () => {
    ctx = await createTestContext({ clock });
  });
  afterAll(() => ctx.close());
  beforeEach(() => clock.set(NOW));

  const classBody = (labId: string, machineIds: string[]) => ({
    labId,
    machineIds,
    start: local('2026-06-03T08:00'),
    end: local('2026-06-03T10:00'),
    title: 'STEM: thiết kế móc khóa — THCS Chánh Nghĩa',
    participants: 24,
  });

  describe('POST /api/bookings/class', () => {
    it('books several machines at once for a class, approved, owned by the manager', async () => {
      const s = await setupLab(ctx, { machine: { requiresApproval: true, requiresCertification: true } });
      const second = await ctx.createMachine(s.lab.id, { type: 'fdm_printer' });
      const res = await act(
        ctx,
        s.manager,
        'POST',
        '/api/bookings/class',
        classBody(s.lab.id, [s.machine.id, second.id]),
      );
      expect(res.statusCode).toBe(201);
      const { classSessionId, bookings: created } = res.json();
      expect(created).toHaveLength(2);
      for (const b of created) {
        expect(b).toMatchObject({
          status: 'approved',
          purpose: 'stem_class',
          userId: s.manager.id,
          classSessionId,
          labId: s.lab.id,
        });
      }
      const [session] = await ctx.db.select().from(classSessions).where(eq(classSessions.id, classSessionId));
      expect(session).toMatchObject({ labId: s.lab.id, participants: 24, createdBy: s.manager.id });
      expect(
        (
          await book(ctx, s.member, {
            machineId: second.id,
            start: local('2026-06-03T09:00'),
            end: local('2026-06-03T10:00'),
          })
        ).json().code,
      ).toBe('BOOKING_CONFLICT');
    });

    it('is all or nothing: one busy or unavailable machine books none and records no class', async () => {
      const s = await setupLab(ctx);
      const free = await ctx.createMachine(s.lab.id);
      const busy = await ctx.createMachine(s.lab.id);
      expect(
        (
          await book(ctx, s.member, {
            machineId: busy.id,
            start: local('2026-06-03T09:00'),
            end: local('2026-06-03T09:30'),
          })
        ).statusCode,
      ).toBe(201);
      const res = await act(ctx, s.manager, 'POST', '/api/bookings/class', classBody(s.lab.id, [free.id, busy.id]));
      expect(res.statusCode).toBe(409);
      expect(res.json().code).toBe('BOOKING_CONFLICT');
      expect(await ctx.db.select().from(bookings).where(eq(bookings.machineId, free.id))).toEqual([]);
      expect(await ctx.db.select().from(classSessions).where(eq(classSessions.labId, s.lab.id))).toEqual([]);

      await ctx.db.update(machines).set({ status: 'out_of_service' }).where(eq(machines.id, busy.id));
      const broken = await act(ctx, s.manager, 'POST', '/api/bookings/class', classBody(s.lab.id, [free.id, busy.id]));
      expect(broken.statusCode).toBe(422);
      expect(broken.json().code).toBe('MACHINE_UNAVAILABLE');
      expect(await ctx.db.select().from(bookings).where(eq(bookings.machineId, free.id))).toEqual([]);
      expect(await ctx.db.select().from(classSessions).where(eq(classSessions.labId, s.lab.id))).toEqual([]);
    });

    it('is for the lab’s managers only, with that lab’s machines', async () => {
      const s = await setupLab(ctx);
      expect(
        (await act(ctx, s.member, 'POST', '/api/bookings/class', classBody(s.lab.id, [s.machine.id]))).statusCode,
      ).toBe(403);
      const otherLab = await ctx.createLab();
      const foreign = await ctx.createMachine(otherLab.id);
      expect(
        (await act(ctx, s.manager, 'POST', '/api/bookings/class', classBody(s.lab.id, [foreign.id]))).statusCode,
      ).toBe(400);
      expect(
        (
          await act(ctx, s.manager, 'POST', '/api/bookings/class', {
            ...classBody(s.lab.id, [s.machine.id]),
            participants: 0,
          })
        ).statusCode,
      ).toBe(400);
      expect(
        (
          await act(ctx, s.manager, 'POST', '/api/bookings/class', {
            ...classBody(s.lab.id, [s.machine.id]),
            title: 'x'.repeat(201),
          })
        ).statusCode,
      ).toBe(400);
      expect(
        (
          await act(
            ctx,
            s.manager,
            'POST',
            '/api/bookings/class',
            classBody('00000000-0000-4000-8000-000000000000', [s.machine.id]),
          )
        ).statusCode,
      ).toBe(404);
    });
  });

  describe('POST /api/bookings/series', () => {
    const seriesBody = (machineIds: string[], onConflict: 'skip' | 'fail', count = 4) => ({
      machineIds,
      firstStart: local('2026-06-02T13:00'),
      firstEnd: local('2026-06-02T15:00'),
      repeat: { every: 'week', count },
      title: 'Robotics club',
      purpose: 'training',
      onConflict,
    });

    it('books a 10-week series past the members’ 60-day horizon, up to the lab’s groupAdvanceDays', async () => {
      const s = await setupLab(ctx);
      // From 9 July (38 days ahead): weeks 4–10 lie past the members' 60 days.
      const body = { ...seriesBody([s.machine.id], 'fail', 10), firstStart: local('2026-07-09T13:00'), firstEnd: local('2026-07-09T15:00') };
      const res = await act(ctx, s.manager, 'POST', '/api/bookings/series', body);
      expect(res.statusCode).toBe(201);
      expect(res.json().created).toHaveLength(10);
      // A member's own booking still stops at 60 days.
      const far = await book(ctx, s.member, { machineId: s.machine.id, start: local('2026-09-08T09:00'), end: local('2026-09-08T10:00') });
      expect(far.json().code).toBe('TOO_FAR_AHEAD');
      // And the lab sets how far its classes and series go.
      await ctx.db.update(labs).set({ settings: { ...DEFAULT_LAB_SETTINGS, groupAdvanceDays: 30 } }).where(eq(labs.id, s.lab.id));
      await ctx.app.labEvents.publish({ labId: s.lab.id, kind: 'lab' });
      const capped = await act(ctx, s.manager, 'POST', '/api/bookings/series', { ...body, title: 'Capped', onConflict: 'skip' });
      expect(capped.statusCode).toBe(201);
      expect(capped.json().created).toHaveLength(0);
      expect(capped.json().skipped.map((o: { code: string }) => o.code)).toEqual(Array(10).fill('TOO_FAR_AHEAD'));
    });

    it('books every week, skipping occurrences that collide or fall on a closure, and reports them', async () => {
      const s = await setupLab(ctx);
      const second = await ctx.createMachine(s.lab.id);
      // The second Tuesday is taken on one machine; the third is a closure.
      expect(
        (
          await book(ctx, s.member, {
            machineId: s.machine.id,
            start: local('2026-06-09T14:00'),
            end: local('2026-06-09T15:00'),
          })
        ).statusCode,
      ).toBe(201);
      await act(ctx, s.manager, 'POST', `/api/labs/${s.lab.id}/closures`, {
        from: '2026-06-16',
        to: '2026-06-16',
        reason: 'Holiday',
      });
      const res = await act(
        ctx,
        s.manager,
        'POST',
        '/api/bookings/series',
        seriesBody([s.machine.id, second.id], 'skip'),
      );
      expect(res.statusCode).toBe(201);
      const { seriesId, created, skipped } = res.json();
      expect(created).toHaveLength(5);
      for (const b of created)
        expect(b).toMatchObject({ seriesId, status: 'approved', purpose: 'training', userId: s.manager.id });
      expect(skipped).toEqual([
        {
          machineId: s.machine.id,
          start: local('2026-06-09T13:00'),
          end: local('2026-06-09T15:00'),
          code: 'BOOKING_CONFLICT',
        },
        {
          machineId: s.machine.id,
          start: local('2026-06-16T13:00'),
          end: local('2026-06-16T15:00'),
          code: 'OUTSIDE_OPENING_HOURS',
        },
        {
          machineId: second.id,
          start: local('2026-06-16T13:00'),
          end: local('2026-06-16T15:00'),
          code: 'OUTSIDE_OPENING_HOURS',
        },
      ]);
      const starts = created
        .filter((b: { machineId: string }) => b.machineId === second.id)
        .map((b: { start: string }) => b.start);
      expect(starts).toEqual([local('2026-06-02T13:00'), local('2026-06-09T13:00'), local('2026-06-23T13:00')]);
      expect(await ctx.db.select().from(bookingSeries).where(eq(bookingSeries.id, seriesId))).toHaveLength(1);
    });

    it('books nothing with onConflict fail when any occurrence collides', async () => {
      const s = await setupLab(ctx);
      expect(
        (
          await book(ctx, s.member, {
            machineId: s.machine.id,
            start: local('2026-06-16T13:00'),
            end: local('2026-06-16T13:30'),
          })
        ).statusCode,
      ).toBe(201);
      const res = await act(ctx, s.manager, 'POST', '/api/bookings/series', seriesBody([s.machine.id], 'fail'));
      expect(res.statusCode).toBe(409);
      expect(res.json().code).toBe('BOOKING_CONFLICT');
      const rows = await ctx.db.select().from(bookings).where(eq(bookings.machineId, s.machine.id));
      expect(rows).toHaveLength(1);
      expect(await ctx.db.select().from(bookingSeries).where(eq(bookingSeries.labId, s.lab.id))).toEqual([]);
      // Without the collision the same request books all four.
      const ok = await act(ctx, s.manager, 'POST', '/api/bookings/series', {
        ...seriesBody([s.machine.id], 'fail'),
        firstStart: local('2026-06-02T15:00'),
        firstEnd: local('2026-06-02T16:00'),
      });
      expect(ok.statusCode).toBe(201);
      expect(ok.json().created).toHaveLength(4);
      expect(ok.json().skipped).toEqual([]);
    });

    it('repeats at the same local time across a change of daylight saving time', async () => {
      const zone = 'Europe/Berlin';
      const s = await setupLab(ctx, { timezone: zone, settings: { maxAdvanceDays: 365 } });
      const res = await act(ctx, s.manager, 'POST', '/api/bookings/series', {
        ...seriesBody([s.machine.id], 'fail', 2),
        firstStart: local('2026-10-20T09:00', zone),
        firstEnd: local('2026-10-20T10:00', zone),
      });
      expect(res.statusCode).toBe(201);
      // 09:00 in Berlin is 07:00Z in summer time and 08:00Z after 25 October.
      expect(res.json().created.map((b: { start: string }) => b.start)).toEqual([
        '2026-10-20T07:00:00.000Z',
        '2026-10-27T08:00:00.000Z',
      ]);
    });

    it('is for the lab’s managers; checks its body', async () => {
      const s = await setupLab(ctx);
      expect(
        (await act(ctx, s.member, 'POST', '/api/bookings/series', seriesBody([s.machine.id], 'skip'))).statusCode,
      ).toBe(403);
      expect(
        (await act(ctx, s.manager, 'POST', '/api/bookings/series', seriesBody([s.machine.id], 'skip', 53))).statusCode,
      ).toBe(400);
      expect(
        (
          await act(ctx, s.manager, 'POST', '/api/bookings/series', {
            ...seriesBody([s.machine.id], 'skip'),
            repeat: { every: 'day', count: 2 },
          })
        ).statusCode,
      ).toBe(400);
      expect(
        (
          await act(ctx, s.manager, 'POST', '/api/bookings/series', {
            ...seriesBody([s.machine.id], 'skip'),
            onConflict: 'ignore',
          })
        ).statusCode,
      ).toBe(400);
      const otherLab = await ctx.createLab();
      const foreign = await ctx.createMachine(otherLab.id);
      expect(
        (await act(ctx, s.manager, 'POST', '/api/bookings/series', seriesBody([s.machine.id, foreign.id], 'skip')))
          .statusCode,
      ).toBe(400);
    });
  });

  describe('POST /api/bookings/series/:seriesId/cancel', () => {
    const series = async (s: Awaited<ReturnType<typeof setupLab>>) => {
      const res = await act(ctx, s.manager, 'POST', '/api/bookings/series', {
        machineIds: [s.machine.id],
        firstStart: local('2026-06-02T09:00'),
        firstEnd: local('2026-06-02T10:00'),
        repeat: { every: 'week', count: 4 },
        title: 'Arduino workshop',
        purpose: 'training',
        onConflict: 'fail',
      });
      expect(res.statusCode).toBe(201);
      return res.json() as { seriesId: string; created: Array<{ id: string; start: string }> };
    };

    it('cancels from one occurrence on, and by default every future one', async () => {
      const s = await setupLab(ctx);
      const { seriesId, created } = await series(s);
      const res = await act(ctx, s.manager, 'POST', `/api/bookings/series/${seriesId}/cancel`, {
        from: created[2]!.start,
      });
      expect(res.statusCode).toBe(200);
      expect(res.json().cancelled.map((b: { id: string }) => b.id)).toEqual([created[2]!.id, created[3]!.id]);
      expect(res.json().cancelled[0]).toMatchObject({ status: 'cancelled', seriesId });
      const statuses = async () =>
        (await ctx.db.select().from(bookings).where(eq(bookings.seriesId, seriesId)))
          .sort((a, b) => a.startAt.getTime() - b.startAt.getTime())
          .map((b) => b.status);
      expect(await statuses()).toEqual(['approved', 'approved', 'cancelled', 'cancelled']);
      // A week later the first occurrence is history: "all future" leaves it alone.
      clock.set(local('2026-06-08T09:00'));
      const rest = await act(ctx, s.manager, 'POST', `/api/bookings/series/${seriesId}/cancel`);
      expect(rest.json().cancelled.map((b: { id: string }) => b.id)).toEqual([created[1]!.id]);
      expect(await statuses()).toEqual(['approved', 'cancelled', 'cancelled', 'cancelled']);
    });

    it('hides a series from members (404), refuses department staff (403)', async () => {
      const s = await setupLab(ctx);
      const { seriesId } = await series(s);
      expect((await act(ctx, s.member, 'POST', `/api/bookings/series/${seriesId}/cancel`, {})).statusCode).toBe(404);
      const department = await ctx.createUser({ role: 'department' });
      expect((await act(ctx, department, 'POST', `/api/bookings/series/${seriesId}/cancel`, {})).statusCode).toBe(403);
      expect(
        (await act(ctx, s.manager, 'POST', '/api/bookings/series/00000000-0000-4000-8000-000000000000/cancel', {}))
          .statusCode,
      ).toBe(404);
    });
  });
});

import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { auditLog, bookings, notifications } from '../../src/db/schema/index.js';
import { createTestContext, fixedClock, type TestContext, type TestUser } from '../helpers/app.js';
import { NOW, act, book, local, setupLab, type LabSetup } from './fixtures.js';

const tue = (hhmm: string) => local(`2026-06-02T${hhmm}`);

describe('changing a booking', () => {
  let ctx: TestContext;
  const clock = fixedClock(NOW);
  beforeAll(async () => {
    ctx = await createTestContext({ clock });
  });
  afterAll(() => ctx.close());
  beforeEach(() => clock.set(NOW));

  async function pending(s: LabSetup, start = tue('09:00'), end = tue('10:00'), who: TestUser = s.member) {
    const res = await book(ctx, who, { machineId: s.machine.id, start, end });
    expect(res.statusCode).toBe(201);
    return res.json() as { id: string; status: string };
  }
  const setStatus = (id: string, status: 'checked_in' | 'completed' | 'no_show' | 'expired') =>
    ctx.db.update(bookings).set({ status }).where(eq(bookings.id, id));
  const notificationsOf = (userId: string, kind: string) =>
    ctx.db
      .select()
      .from(notifications)
      .where(and(eq(notifications.userId, userId), eq(notifications.kind, kind)));
  const auditOf = (bookingId: string, action: string) =>
    ctx.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.entityId, bookingId), eq(auditLog.action, action)));

  describe('approve', () => {
    it('lets the lab’s manager approve a pending booking, once, recording who and when and telling the owner', async () => {
      const s = await setupLab(ctx, { machine: { requiresApproval: true } });
      const b = await pending(s);
      expect(b.status).toBe('pending');
      clock.advance(60_000);
      const res = await act(ctx, s.manager, 'POST', `/api/bookings/${b.id}/approve`);
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({
        status: 'approved',
        decidedBy: s.manager.id,
        decidedAt: clock.now().toISOString(),
      });
      const [row] = await ctx.db.select().from(bookings).where(eq(bookings.id, b.id));
      expect(row!.approvedAt!.toISOString()).toBe(clock.now().toISOString());
      expect(row!.updatedAt.toISOString()).toBe(clock.now().toISOString());
      const told = await notificationsOf(s.member.id, 'booking_approved');
      expect(told).toHaveLength(1);
      expect(told[0]!.data).toMatchObject({
        bookingId: b.id,
        machineId: s.machine.id,
        machineName: s.machine.name,
        labId: s.lab.id,
        start: tue('09:00'),
        end: tue('10:00'),
      });
      expect(await auditOf(b.id, 'booking.approve')).toEqual([
        expect.objectContaining({ actorId: s.manager.id, labId: s.lab.id }),
      ]);

      const again = await act(ctx, s.manager, 'POST', `/api/bookings/${b.id}/approve`);
      expect(again.statusCode).toBe(409);
      expect(again.json().code).toBe('INVALID_STATE');
    });

    it('refuses members (403 for the owner, 404 for anyone else), department (403) and other labs’ managers (404)', async () => {
      const s = await setupLab(ctx, { machine: { requiresApproval: true } });
      const b = await pending(s);
      expect((await act(ctx, s.member, 'POST', `/api/bookings/${b.id}/approve`)).statusCode).toBe(403);
      expect((await act(ctx, s.other, 'POST', `/api/bookings/${b.id}/approve`)).statusCode).toBe(404);
      const department = await ctx.createUser({ role: 'department' });
      expect((await act(ctx, department, 'POST', `/api/bookings/${b.id}/approve`)).statusCode).toBe(403);
      const otherLab = await ctx.createLab();
      const stranger = await ctx.createUser({ role: 'manager', manages: [otherLab.id] });
      expect((await act(ctx, stranger, 'POST', `/api/bookings/${b.id}/approve`)).statusCode).toBe(404);
      expect((await act(ctx, null, 'POST', `/api/bookings/${b.id}/approve`)).statusCode).toBe(401);
      const admin = await ctx.createUser({ role: 'admin' });
      expect((await act(ctx, admin, 'POST', `/api/bookings/${b.id}/approve`)).json().status).toBe('approved');
    });

    it('answers 409 INVALID_STATE for every state but pending, and once the start has passed', async () => {
      const s = await setupLab(ctx, { machine: { requiresApproval: true } });
      for (const [i, status] of (['checked_in', 'completed', 'no_show', 'expired'] as const).entries()) {
        const b = await pending(
          s,
          local(`2026-06-03T${String(8 + i).padStart(2, '0')}:00`),
          local(`2026-06-03T${String(8 + i).padStart(2, '0')}:30`),
        );
        await setStatus(b.id, status);
        const res = await act(ctx, s.manager, 'POST', `/api/bookings/${b.id}/approve`);
        expect(res.statusCode, status).toBe(409);
        expect(res.json().code).toBe('INVALID_STATE');
      }
      const approved = await book(ctx, s.manager, {
        machineId: s.machine.id,
        start: tue('10:00'),
        end: tue('11:00'),
        userId: s.member.id,
      });
      expect((await act(ctx, s.manager, 'POST', `/api/bookings/${approved.json().id}/approve`)).json().code).toBe(
        'INVALID_STATE',
      );
      const soon = await pending(s, tue('13:00'), tue('14:00'));
      const rejected = await act(ctx, s.manager, 'POST', `/api/bookings/${soon.id}/reject`, { reason: 'No material' });
      expect(rejected.statusCode).toBe(200);
      expect((await act(ctx, s.manager, 'POST', `/api/bookings/${soon.id}/approve`)).json().code).toBe('INVALID_STATE');

      const late = await pending(s, tue('15:00'), tue('16:00'));
      const before = clock.now();
      clock.set(tue('15:00'));
      try {
        expect((await act(ctx, s.manager, 'POST', `/api/bookings/${late.id}/approve`)).json().code).toBe(
          'INVALID_STATE',
        );
      } finally {
        clock.set(before);
      }
    });
  });

  describe('reject', () => {
    it('records the reason, tells the owner and frees the slot', async () => {
      const s = await setupLab(ctx, { machine: { requiresApproval: true } });
      const b = await pending(s);
      expect((await act(ctx, s.manager, 'POST', `/api/bookings/${b.id}/reject`, {})).statusCode).toBe(400);
      expect(
        (await act(ctx, s.manager, 'POST', `/api/bookings/${b.id}/reject`, { reason: 'x'.repeat(501) })).statusCode,
      ).toBe(400);
      expect(
        (await act(ctx, s.member, 'POST', `/api/bookings/${b.id}/reject`, { reason: 'Changed my mind' })).statusCode,
      ).toBe(403);
      const res = await act(ctx, s.manager, 'POST', `/api/bookings/${b.id}/reject`, {
        reason: 'Laser tube being replaced',
      });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({
        status: 'rejected',
        reason: 'Laser tube being replaced',
        decidedBy: s.manager.id,
        decidedAt: clock.now().toISOString(),
      });
      const told = await notificationsOf(s.member.id, 'booking_rejected');
      expect(told[0]!.data).toMatchObject({
        bookingId: b.id,
        reason: 'Laser tube being replaced',
        machineName: s.machine.name,
      });
      expect(await auditOf(b.id, 'booking.reject')).toHaveLength(1);
      expect(
        (await book(ctx, s.other, { machineId: s.machine.id, start: tue('09:00'), end: tue('10:00') })).statusCode,
      ).toBe(201);
      const again = await act(ctx, s.manager, 'POST', `/api/bookings/${b.id}/reject`, { reason: 'Again' });
      expect(again.statusCode).toBe(409);
      expect(again.json().code).toBe('INVALID_STATE');
    });

    it('answers 409 INVALID_STATE for an approved booking', async () => {
      const s = await setupLab(ctx);
      const b = await pending(s);
      expect(b.status).toBe('approved');
      expect((await act(ctx, s.manager, 'POST', `/api/bookings/${b.id}/reject`, { reason: 'No' })).json().code).toBe(
        'INVALID_STATE',
      );
    });
  });

  describe('cancel', () => {
    it('lets the owner cancel until cancelCutoffMinutes before the start, without telling themselves', async () => {
      const s = await setupLab(ctx, { settings: { cancelCutoffMinutes: 120 } });
      // Now is 08:00 Monday; 10:00 is exactly at the cut-off, 09:30 inside it.
      const atCutoff = await pending(s, local('2026-06-01T10:00'), local('2026-06-01T11:00'));
      const inside = await pending(s, local('2026-06-01T09:30'), local('2026-06-01T10:00'));
      const ok = await act(ctx, s.member, 'POST', `/api/bookings/${atCutoff.id}/cancel`, { reason: 'Exam moved' });
      expect(ok.statusCode).toBe(200);
      expect(ok.json()).toMatchObject({ status: 'cancelled', reason: 'Exam moved' });
      const [row] = await ctx.db.select().from(bookings).where(eq(bookings.id, atCutoff.id));
      expect(row!.cancelledBy).toBe(s.member.id);
      expect(row!.cancelledAt!.toISOString()).toBe(clock.now().toISOString());
      expect(await notificationsOf(s.member.id, 'booking_cancelled')).toHaveLength(0);
      expect(await auditOf(atCutoff.id, 'booking.cancel')).toEqual([expect.objectContaining({ actorId: s.member.id })]);

      const late = await act(ctx, s.member, 'POST', `/api/bookings/${inside.id}/cancel`);
      expect(late.statusCode).toBe(422);
      expect(late.json().code).toBe('CANCELLATION_TOO_LATE');
      // The lab's manager may cancel at any time; the owner hears of it.
      const byManager = await act(ctx, s.manager, 'POST', `/api/bookings/${inside.id}/cancel`, { reason: 'Power cut' });
      expect(byManager.statusCode).toBe(200);
      const told = await notificationsOf(s.member.id, 'booking_cancelled');
      expect(told).toHaveLength(1);
      expect(told[0]!.data).toMatchObject({ bookingId: inside.id, reason: 'Power cut', labId: s.lab.id });
    });

    it('refuses to move a booking away inside the cut-off (the cancel it would dodge), but lets the lab do it', async () => {
      const s = await setupLab(ctx, { settings: { cancelCutoffMinutes: 120 } });
      // Now is 08:00 Monday; 09:30 is inside the cut-off.
      const inside = await pending(s, local('2026-06-01T09:30'), local('2026-06-01T10:00'));
      const moved = await act(ctx, s.member, 'PATCH', `/api/bookings/${inside.id}`, {
        start: local('2026-06-08T09:30'),
        end: local('2026-06-08T10:00'),
      });
      expect(moved.statusCode).toBe(422);
      expect(moved.json().code).toBe('CANCELLATION_TOO_LATE');
      expect((await act(ctx, s.member, 'POST', `/api/bookings/${inside.id}/cancel`)).json().code).toBe('CANCELLATION_TOO_LATE');
      // Its note is still the member's to edit.
      expect((await act(ctx, s.member, 'PATCH', `/api/bookings/${inside.id}`, { note: 'Bring the files' })).statusCode).toBe(200);
      const byManager = await act(ctx, s.manager, 'PATCH', `/api/bookings/${inside.id}`, {
        start: local('2026-06-08T09:30'),
        end: local('2026-06-08T10:00'),
      });
      expect(byManager.statusCode).toBe(200);
    });

    it('cancels pending and approved bookings only: 409 INVALID_STATE otherwise; strangers get 404', async () => {
      const s = await setupLab(ctx, { machine: { requiresApproval: true } });
      const p = await pending(s, tue('09:00'), tue('09:30'));
      expect((await act(ctx, s.other, 'POST', `/api/bookings/${p.id}/cancel`)).statusCode).toBe(404);
      const department = await ctx.createUser({ role: 'department' });
      expect((await act(ctx, department, 'POST', `/api/bookings/${p.id}/cancel`)).statusCode).toBe(403);
      expect((await act(ctx, s.member, 'POST', `/api/bookings/${p.id}/cancel`)).json().status).toBe('cancelled');
      expect((await act(ctx, s.member, 'POST', `/api/bookings/${p.id}/cancel`)).json().code).toBe('INVALID_STATE');
      for (const status of ['checked_in', 'completed', 'no_show', 'expired'] as const) {
        const b = await pending(s, tue('10:00'), tue('10:30'));
        await setStatus(b.id, status);
        const res = await act(ctx, s.manager, 'POST', `/api/bookings/${b.id}/cancel`);
        expect(res.statusCode, status).toBe(409);
        expect(res.json().code).toBe('INVALID_STATE');
        // Leave the slot free for the next round.
        await ctx.db.update(bookings).set({ status: 'completed' }).where(eq(bookings.id, b.id));
      }
      const r = await pending(s, tue('11:00'), tue('11:30'));
      await act(ctx, s.manager, 'POST', `/api/bookings/${r.id}/reject`, { reason: 'No' });
      expect((await act(ctx, s.manager, 'POST', `/api/bookings/${r.id}/cancel`)).json().code).toBe('INVALID_STATE');
    });
  });

  describe('reschedule', () => {
    it('moves a booking with the same checks, leaving the booking itself out of conflicts and quota', async () => {
      const s = await setupLab(ctx, { settings: { weeklyQuotaHours: 2 } });
      const b = await pending(s, tue('09:00'), tue('11:00'));
      // Half an hour later overlaps its old self: allowed. Quota: still 2 hours.
      const moved = await act(ctx, s.member, 'PATCH', `/api/bookings/${b.id}`, {
        start: tue('09:30'),
        end: tue('11:30'),
      });
      expect(moved.statusCode).toBe(200);
      expect(moved.json()).toMatchObject({
        start: new Date(tue('09:30')).toISOString(),
        end: new Date(tue('11:30')).toISOString(),
        status: 'approved',
      });
      expect(await auditOf(b.id, 'booking.reschedule')).toEqual([expect.objectContaining({ actorId: s.member.id })]);

      await book(ctx, s.other, { machineId: s.machine.id, start: tue('13:00'), end: tue('14:00') });
      const clash = await act(ctx, s.member, 'PATCH', `/api/bookings/${b.id}`, {
        start: tue('13:30'),
        end: tue('14:30'),
      });
      expect(clash.statusCode).toBe(409);
      expect(clash.json().code).toBe('BOOKING_CONFLICT');
      const closed = await act(ctx, s.member, 'PATCH', `/api/bookings/${b.id}`, {
        start: tue('16:00'),
        end: tue('18:00'),
      });
      expect(closed.json().code).toBe('OUTSIDE_OPENING_HOURS');
      const tooLong = await act(ctx, s.member, 'PATCH', `/api/bookings/${b.id}`, { end: tue('12:30') });
      expect(tooLong.json().code).toBe('QUOTA_EXCEEDED');
      const past = await act(ctx, s.member, 'PATCH', `/api/bookings/${b.id}`, {
        start: local('2026-05-29T09:00'),
        end: local('2026-05-29T10:00'),
      });
      expect(past.json().code).toBe('IN_THE_PAST');
      // Unchanged by the refusals.
      const [row] = await ctx.db.select().from(bookings).where(eq(bookings.id, b.id));
      expect(row!.startAt.toISOString()).toBe(new Date(tue('09:30')).toISOString());
      // The old slot is free.
      expect(
        (await book(ctx, s.other, { machineId: s.machine.id, start: tue('09:00'), end: tue('09:30') })).statusCode,
      ).toBe(201);
    });

    it('sends an approved booking of a machine that needs approval back to pending, unless the manager moved it', async () => {
      const s = await setupLab(ctx, { machine: { requiresApproval: true } });
      const b = await pending(s);
      await act(ctx, s.manager, 'POST', `/api/bookings/${b.id}/approve`);
      const byOwner = await act(ctx, s.member, 'PATCH', `/api/bookings/${b.id}`, {
        start: tue('10:00'),
        end: tue('11:00'),
      });
      expect(byOwner.json()).toMatchObject({ status: 'pending', decidedAt: null, decidedBy: null });
      expect((await notificationsOf(s.manager.id, 'booking_pending')).length).toBe(2);
      await act(ctx, s.manager, 'POST', `/api/bookings/${b.id}/approve`);
      const byManager = await act(ctx, s.manager, 'PATCH', `/api/bookings/${b.id}`, {
        start: tue('13:00'),
        end: tue('14:00'),
      });
      expect(byManager.json()).toMatchObject({ status: 'approved', decidedBy: s.manager.id });
      // A note alone changes nothing else.
      const note = await act(ctx, s.member, 'PATCH', `/api/bookings/${b.id}`, { note: 'Bring 3 mm plywood' });
      expect(note.json()).toMatchObject({
        status: 'approved',
        note: 'Bring 3 mm plywood',
        start: new Date(tue('13:00')).toISOString(),
      });
      expect((await act(ctx, s.member, 'PATCH', `/api/bookings/${b.id}`, { note: 'x'.repeat(2001) })).statusCode).toBe(
        400,
      );
    });

    it('keeps an approved booking approved where the machine needs no approval; refuses other states and strangers', async () => {
      const s = await setupLab(ctx);
      const b = await pending(s);
      expect(
        (await act(ctx, s.member, 'PATCH', `/api/bookings/${b.id}`, { start: tue('10:00'), end: tue('11:00') })).json()
          .status,
      ).toBe('approved');
      expect((await act(ctx, s.other, 'PATCH', `/api/bookings/${b.id}`, { note: 'mine now' })).statusCode).toBe(404);
      await act(ctx, s.member, 'POST', `/api/bookings/${b.id}/cancel`);
      const res = await act(ctx, s.member, 'PATCH', `/api/bookings/${b.id}`, {
        start: tue('13:00'),
        end: tue('14:00'),
      });
      expect(res.statusCode).toBe(409);
      expect(res.json().code).toBe('INVALID_STATE');
      for (const status of ['checked_in', 'completed'] as const) {
        const c = await pending(s, tue('15:00'), tue('15:30'));
        await setStatus(c.id, status);
        expect(
          (
            await act(ctx, s.manager, 'PATCH', `/api/bookings/${c.id}`, { start: tue('16:00'), end: tue('16:30') })
          ).json().code,
        ).toBe('INVALID_STATE');
        await ctx.db.update(bookings).set({ status: 'completed' }).where(eq(bookings.id, c.id));
      }
    });
  });
});

import ICAL from 'ical.js';
import { eq } from 'drizzle-orm';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { notifications, outbox, passwordResets, users } from '../../src/db/schema/index.js';
import { createEmailDelivery, outageRetryMs } from '../../src/modules/notifications/email-delivery.js';
import { createTestContext, fixedClock, testConfig, TEST_PASSWORD, type TestContext } from '../helpers/app.js';
import { insertBooking, readMail, startSmtpReceiver, type ReceivedMail, type SmtpReceiver } from './support.js';

const PUBLIC_URL = 'https://fablab.example.vn';

describe('email through a real SMTP server', () => {
  const inbox: ReceivedMail[] = [];
  let receiver: SmtpReceiver;
  let port: number;
  let ctx: TestContext;
  const clock = fixedClock('2030-03-04T01:00:00Z');

  beforeAll(async () => {
    receiver = await startSmtpReceiver(inbox);
    port = receiver.port;
    ctx = await createTestContext({ clock, config: { smtpUrl: `smtp://127.0.0.1:${port}`, publicUrl: PUBLIC_URL } });
  });
  afterAll(async () => {
    await ctx.close();
    await receiver.close();
  });

  async function memberIn(locale: 'vi' | 'en', fullName: string) {
    const user = await ctx.createUser({ fullName });
    await ctx.db.update(users).set({ locale }).where(eq(users.id, user.id));
    return user;
  }

  async function setup() {
    const lab = await ctx.createLab();
    const machine = await ctx.createMachine(lab.id, { name: 'Máy cắt laser CO₂ 60W' });
    return { lab, machine };
  }

  it('delivers a booking email once, in the member’s language, with the booking’s .ics', async () => {
    const { lab, machine } = await setup();
    const member = await memberIn('vi', 'Nguyễn Văn An');
    // 09:00–11:00 on 5 March 2030 in Ho Chi Minh City.
    const booking = await insertBooking(ctx, {
      machineId: machine.id,
      labId: lab.id,
      userId: member.id,
      start: '2030-03-05T02:00:00Z',
      end: '2030-03-05T04:00:00Z',
      note: 'Cắt mica 3 mm; khắc chữ "Bình Dương"',
    });
    await ctx.db.transaction((tx) =>
      ctx.app.notifier.notify(tx, {
        userId: member.id,
        kind: 'booking_approved',
        data: { bookingId: booking.id, machineId: machine.id, labId: lab.id },
      }),
    );
    const queued = await ctx.db.select().from(outbox).where(eq(outbox.toAddress, member.email));
    expect(queued).toHaveLength(1);
    expect(queued[0]!.notificationId).toBeTruthy();

    const before = inbox.length;
    expect(await ctx.app.jobs.run('deliver-email')).toEqual({ sent: 1, failed: 0 });
    expect(await ctx.app.jobs.run('deliver-email')).toEqual({ sent: 0, failed: 0 });
    const mine = inbox.slice(before);
    expect(mine).toHaveLength(1);
    expect(mine[0]!.to).toEqual([member.email]);

    const mail = readMail(mine[0]!.raw);
    expect(mail.subject).toBe('Đặt máy đã được duyệt: Máy cắt laser CO₂ 60W, 05/03/2030 09:00');
    const text = mail.parts.find((p) => (p.headers['content-type'] ?? '').startsWith('text/plain'))!.body;
    expect(text).toContain('Xin chào Nguyễn Văn An,');
    expect(text).toContain('05/03/2030 09:00 – 11:00');
    expect(text).toContain('Asia/Ho_Chi_Minh');

    // The invitation is both an alternative part and an attachment; this is the attachment.
    const icsPart = mail.parts.find(
      (p) => (p.headers['content-type'] ?? '').startsWith('text/calendar') && p.headers['content-disposition'],
    );
    expect(icsPart).toBeDefined();
    expect(icsPart!.headers['content-disposition']).toContain('booking.ics');
    const calendar = new ICAL.Component(ICAL.parse(icsPart!.body));
    const [vevent] = calendar.getAllSubcomponents('vevent');
    const event = new ICAL.Event(vevent!);
    expect(event.uid).toBe(`${booking.id}@fablab.example.vn`);
    expect(event.startDate.toJSDate().toISOString()).toBe('2030-03-05T02:00:00.000Z');
    expect(event.endDate.toJSDate().toISOString()).toBe('2030-03-05T04:00:00.000Z');
    expect(event.summary).toContain('Máy cắt laser CO₂ 60W');
    expect(event.description).toContain('Cắt mica 3 mm; khắc chữ "Bình Dương"');
    expect(vevent!.getFirstPropertyValue('status')).toBe('CONFIRMED');

    const [sent] = await ctx.db.select().from(outbox).where(eq(outbox.id, queued[0]!.id));
    expect(sent!.sentAt?.toISOString()).toBe(clock.now().toISOString());
    expect(sent!.attempts).toBe(1);
  });

  it('writes English for an English-speaking member, and cancellations with the reason', async () => {
    const { lab, machine } = await setup();
    const member = await memberIn('en', 'Jane Tran');
    const booking = await insertBooking(ctx, {
      machineId: machine.id,
      labId: lab.id,
      userId: member.id,
      start: '2030-03-06T07:30:00Z',
      end: '2030-03-06T08:30:00Z',
      status: 'cancelled',
      reason: 'Thay ống laser',
    });
    await ctx.app.notifier.notify(ctx.db, {
      userId: member.id,
      kind: 'booking_cancelled',
      data: { bookingId: booking.id, byMaintenance: true, reason: 'Thay ống laser' },
    });
    const before = inbox.length;
    await ctx.app.jobs.run('deliver-email');
    const [received] = inbox.slice(before);
    const mail = readMail(received!.raw);
    expect(mail.subject).toBe('Booking cancelled for maintenance: Máy cắt laser CO₂ 60W');
    const text = mail.parts.find((p) => (p.headers['content-type'] ?? '').startsWith('text/plain'))!.body;
    expect(text).toContain('Hello Jane Tran,');
    expect(text).toContain('06/03/2030 14:30 – 15:30');
    expect(text).toContain('Reason: Thay ống laser');
    const ics = mail.parts.find((p) => (p.headers['content-type'] ?? '').startsWith('text/calendar'))!.body;
    const vevent = new ICAL.Component(ICAL.parse(ics)).getFirstSubcomponent('vevent')!;
    expect(vevent.getFirstPropertyValue('status')).toBe('CANCELLED');
  });

  it('keeps the message while the mail server is down and delivers it once it is back', async () => {
    const { lab, machine } = await setup();
    const member = await memberIn('vi', 'Trần Thị Bình');
    const booking = await insertBooking(ctx, {
      machineId: machine.id,
      labId: lab.id,
      userId: member.id,
      start: '2030-03-07T02:00:00Z',
      end: '2030-03-07T03:00:00Z',
      status: 'rejected',
      reason: 'Máy đã kín lịch',
    });
    await receiver.close();
    await ctx.app.notifier.notify(ctx.db, {
      userId: member.id,
      kind: 'booking_rejected',
      data: { bookingId: booking.id, reason: 'Máy đã kín lịch' },
    });

    expect(await ctx.app.jobs.run('deliver-email')).toEqual({ sent: 0, failed: 1 });
    const [waiting] = await ctx.db.select().from(outbox).where(eq(outbox.toAddress, member.email));
    expect(waiting!.sentAt).toBeNull();
    expect(waiting!.attempts).toBe(1);
    expect(waiting!.lastError).toBeTruthy();
    expect(waiting!.nextAttemptAt.getTime()).toBe(clock.now().getTime() + outageRetryMs(1));

    // Not due yet: nothing is tried again before the backoff has passed.
    expect(await ctx.app.jobs.run('deliver-email')).toEqual({ sent: 0, failed: 0 });

    const before = inbox.length;
    receiver = await startSmtpReceiver(inbox, port);
    clock.advance(outageRetryMs(1) + 1000);
    expect(await ctx.app.jobs.run('deliver-email')).toEqual({ sent: 1, failed: 0 });
    expect(await ctx.app.jobs.run('deliver-email')).toEqual({ sent: 0, failed: 0 });
    const arrived = inbox.slice(before);
    expect(arrived).toHaveLength(1);
    expect(readMail(arrived[0]!.raw).subject).toBe('Yêu cầu đặt máy bị từ chối: Máy cắt laser CO₂ 60W');
    const [done] = await ctx.db.select().from(outbox).where(eq(outbox.id, waiting!.id));
    expect(done!.attempts).toBe(2);
    expect(done!.sentAt).not.toBeNull();
  });

  it('writes no email for an account without an address (deleted), but still the in-app notification', async () => {
    const member = await ctx.createUser();
    await ctx.db.update(users).set({ email: null, deletedAt: clock.now() }).where(eq(users.id, member.id));
    const before = (await ctx.db.select().from(outbox)).length;
    await ctx.app.notifier.notify(ctx.db, { userId: member.id, kind: 'booking_no_show', data: {} });
    expect((await ctx.db.select().from(outbox)).length).toBe(before);
    const inApp = await ctx.db.select().from(notifications).where(eq(notifications.userId, member.id));
    expect(inApp.map((n) => n.kind)).toEqual(['booking_no_show']);
  });

  describe('password reset', () => {
    async function requestReset(email: string) {
      const started = performance.now();
      const res = await ctx.app.inject({ method: 'POST', url: '/api/auth/password-reset/request', payload: { email } });
      return { res, ms: performance.now() - started };
    }

    function linkToken(raw: string): string {
      const text = readMail(raw).parts.find((p) => (p.headers['content-type'] ?? '').startsWith('text/plain'))!.body;
      const match = /https:\/\/fablab\.example\.vn\/reset-password\?token=([A-Za-z0-9_-]+)/.exec(text);
      expect(match).not.toBeNull();
      return match![1]!;
    }

    it('answers alike for unknown and known emails, and emails a single-use link to the known one', async () => {
      const member = await memberIn('en', 'Reset Me');
      const unknown = await requestReset('nobody-here@example.test');
      const before = inbox.length;
      const known = await requestReset(member.email.toUpperCase());
      expect(unknown.res.statusCode).toBe(202);
      expect(known.res.statusCode).toBe(202);
      expect(known.res.json()).toEqual(unknown.res.json());
      expect(unknown.ms).toBeGreaterThanOrEqual(295);
      expect(known.ms).toBeGreaterThanOrEqual(295);
      expect(Math.abs(known.ms - unknown.ms)).toBeLessThan(500);

      await ctx.app.jobs.run('deliver-email');
      const mails = inbox.slice(before);
      expect(mails).toHaveLength(1);
      expect(mails[0]!.to).toEqual([member.email]);
      expect(readMail(mails[0]!.raw).subject).toBe('Reset your FabLab password');
      const token = linkToken(mails[0]!.raw);

      // Only the hash is stored.
      const stored = await ctx.db.select().from(passwordResets).where(eq(passwordResets.userId, member.id));
      expect(stored).toHaveLength(1);
      expect(stored[0]!.tokenHash).toBe(createHash('sha256').update(token).digest('hex'));
      expect(stored[0]!.tokenHash).not.toContain(token);
      expect(stored[0]!.expiresAt.getTime() - clock.now().getTime()).toBe(3_600_000);

      const confirmed = await ctx.app.inject({
        method: 'POST',
        url: '/api/auth/password-reset/confirm',
        payload: { token, password: 'a-brand-new-password' },
      });
      expect(confirmed.statusCode).toBe(204);
      // Older sign-ins stop working; the new password signs in; the old one does not.
      expect((await ctx.injectAs(member, { method: 'GET', url: '/api/me' })).statusCode).toBe(401);
      const login = await ctx.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { email: member.email, password: 'a-brand-new-password' },
      });
      expect(login.statusCode).toBe(200);
      const oldLogin = await ctx.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { email: member.email, password: TEST_PASSWORD },
      });
      expect(oldLogin.statusCode).toBe(401);

      const again = await ctx.app.inject({
        method: 'POST',
        url: '/api/auth/password-reset/confirm',
        payload: { token, password: 'yet-another-password' },
      });
      expect(again.statusCode).toBe(400);
      expect(again.json().code).toBe('INVALID_TOKEN');
    });

    it('refuses an expired link and a made-up one', async () => {
      const member = await memberIn('vi', 'Lê Văn Hết Hạn');
      const before = inbox.length;
      await requestReset(member.email);
      await ctx.app.jobs.run('deliver-email');
      const mail = inbox.slice(before)[0]!;
      expect(readMail(mail.raw).subject).toBe('Đặt lại mật khẩu FabLab');
      const token = linkToken(mail.raw);
      clock.advance(61 * 60_000);
      const expired = await ctx.app.inject({
        method: 'POST',
        url: '/api/auth/password-reset/confirm',
        payload: { token, password: 'a-brand-new-password' },
      });
      expect(expired.statusCode).toBe(400);
      expect(expired.json().code).toBe('INVALID_TOKEN');
      const madeUp = await ctx.app.inject({
        method: 'POST',
        url: '/api/auth/password-reset/confirm',
        payload: { token: 'x'.repeat(43), password: 'a-brand-new-password' },
      });
      expect(madeUp.statusCode).toBe(400);
      expect(madeUp.json().code).toBe('INVALID_TOKEN');
      // The old password still works.
      const login = await ctx.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { email: member.email, password: TEST_PASSWORD },
      });
      expect(login.statusCode).toBe(200);
    });
  });

  it('forgets sent messages after 30 days, never unsent ones', async () => {
    const member = await memberIn('en', 'Old Mail');
    await ctx.app.notifier.notify(ctx.db, { userId: member.id, kind: 'maintenance_due', data: { title: 'Lau ống kính' } });
    await ctx.app.jobs.run('deliver-email');
    const [sent] = await ctx.db.select().from(outbox).where(eq(outbox.toAddress, member.email));
    expect(sent!.sentAt).not.toBeNull();
    await receiver.close();
    await ctx.app.notifier.notify(ctx.db, { userId: member.id, kind: 'maintenance_due', data: {} });
    clock.advance(31 * 86_400_000);
    const result = (await ctx.app.jobs.run('deliver-email')) as { pruned?: number };
    expect(result.pruned).toBeGreaterThanOrEqual(1);
    const left = await ctx.db.select().from(outbox).where(eq(outbox.toAddress, member.email));
    expect(left).toHaveLength(1);
    expect(left[0]!.sentAt).toBeNull();
    receiver = await startSmtpReceiver(inbox, port);
  });

  describe('two server processes', () => {
    it('send each queued message once when both deliver at the same time', async () => {
      const { lab, machine } = await setup();
      const member = await memberIn('en', 'Many Mails');
      const booking = await insertBooking(ctx, {
        machineId: machine.id,
        labId: lab.id,
        userId: member.id,
        start: '2030-03-08T02:00:00Z',
        end: '2030-03-08T03:00:00Z',
      });
      await ctx.app.notifier.notify(
        ctx.db,
        Array.from({ length: 30 }, () => ({
          userId: member.id,
          kind: 'booking_approved',
          data: { bookingId: booking.id },
        })),
      );
      const before = inbox.length;
      // Two workers that share no lock but the rows' own: the claim alone must keep them apart.
      const deps = {
        db: ctx.db,
        smtpUrl: `smtp://127.0.0.1:${port}`,
        mailFrom: 'test@fablab.local',
        publicUrl: PUBLIC_URL,
      };
      const a = createEmailDelivery(deps);
      const b = createEmailDelivery(deps);
      const results = await Promise.all([
        a.deliverDue(clock.now()),
        b.deliverDue(clock.now()),
        a.deliverDue(clock.now()),
      ]);
      a.close();
      b.close();
      expect(results.reduce((n, r) => n + r.sent, 0)).toBe(30);
      const arrived = inbox.slice(before).filter((m) => m.to.includes(member.email));
      expect(arrived).toHaveLength(30);
      const ids = new Set(arrived.map((m) => readMail(m.raw).headers['message-id']));
      expect(ids.size).toBe(30);
    });

    it('lets a second app on the same database deliver what the first queued', async () => {
      const second = await buildApp({
        config: testConfig({ smtpUrl: `smtp://127.0.0.1:${port}`, publicUrl: PUBLIC_URL }),
        database: ctx.database,
        clock,
      });
      await second.ready();
      try {
        const member = await memberIn('vi', 'Phạm Hai Máy');
        await ctx.app.notifier.notify(ctx.db, {
          userId: member.id,
          kind: 'certification_granted',
          data: { machineType: 'laser_cutter' },
        });
        const before = inbox.length;
        const [r1, r2] = await Promise.all([ctx.app.jobs.run('deliver-email'), second.jobs.run('deliver-email')]);
        const sent = [r1, r2].reduce<number>((n, r) => n + ((r as { sent?: number }).sent ?? 0), 0);
        expect(sent).toBe(1);
        const arrived = inbox.slice(before).filter((m) => m.to.includes(member.email));
        expect(arrived).toHaveLength(1);
        expect(readMail(arrived[0]!.raw).subject).toBe('Bạn đã được cấp chứng nhận sử dụng laser cutter');
      } finally {
        await second.close();
      }
    });
  });
});

// Mail as the programs people use read it: a text and an HTML part, a link to what the mail is
// about, and iTIP invitations (RFC 5546) that keep the member's calendar right through approval,
// a move and a cancellation. Delivered through a real SMTP server.
import { eq } from 'drizzle-orm';
import ICAL from 'ical.js';
import nodeIcal from 'node-ical';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notifications, outbox, users } from '../../src/db/schema/index.js';
import { createTestContext, fixedClock, type TestContext } from '../helpers/app.js';
import { insertBooking, readMail, startSmtpReceiver, type MimePart, type ReceivedMail, type SmtpReceiver } from './support.js';

const PUBLIC_URL = 'https://fablab.example.vn';
const HOST = 'fablab.example.vn';

const partOf = (parts: MimePart[], type: string) =>
  parts.find((p) => (p.headers['content-type'] ?? '').toLowerCase().startsWith(type));

function invitation(mail: ReturnType<typeof readMail>) {
  const part = partOf(mail.parts, 'text/calendar');
  expect(part, 'an .ics part').toBeDefined();
  const calendar = new ICAL.Component(ICAL.parse(part!.body));
  const vevent = calendar.getFirstSubcomponent('vevent')!;
  return {
    contentType: part!.headers['content-type']!,
    text: part!.body,
    method: calendar.getFirstPropertyValue('method'),
    uid: vevent.getFirstPropertyValue('uid'),
    sequence: Number(vevent.getFirstPropertyValue('sequence')),
    status: vevent.getFirstPropertyValue('status'),
    organizer: String(vevent.getFirstPropertyValue('organizer') ?? ''),
    attendee: String(vevent.getFirstPropertyValue('attendee') ?? ''),
    start: new ICAL.Event(vevent).startDate.toJSDate().toISOString(),
  };
}

describe('mail that mail and calendar programs read right', () => {
  const inbox: ReceivedMail[] = [];
  let receiver: SmtpReceiver;
  let port: number;
  let ctx: TestContext;
  const clock = fixedClock('2030-03-04T01:00:00Z');

  beforeAll(async () => {
    receiver = await startSmtpReceiver(inbox);
    port = receiver.port;
    ctx = await createTestContext({
      clock,
      config: { smtpUrl: `smtp://127.0.0.1:${port}`, publicUrl: PUBLIC_URL, mailFrom: 'FabLab Bình Dương <no-reply@fablab.example.vn>' },
    });
  });
  afterAll(async () => {
    await ctx.close();
    await receiver.close();
  });

  async function deliver(to: string) {
    const before = inbox.length;
    await ctx.app.jobs.run('deliver-email');
    return inbox
      .slice(before)
      .filter((m) => m.to.includes(to))
      .map((m) => readMail(m.raw));
  }

  async function scenario() {
    const lab = await ctx.createLab();
    const machine = await ctx.createMachine(lab.id, { name: 'Máy cắt laser CO₂ 60W', requiresApproval: true });
    const manager = await ctx.createUser({ role: 'manager', manages: [lab.id], fullName: 'Quản lý' });
    const member = await ctx.createUser({ fullName: 'Nguyễn Văn An' });
    await ctx.db.update(users).set({ locale: 'vi' }).where(eq(users.id, member.id));
    // Tuesday 5 March 2030, 09:00–11:00 in Ho Chi Minh City.
    const created = await ctx.injectAs(member, {
      method: 'POST',
      url: '/api/bookings',
      payload: { machineId: machine.id, start: '2030-03-05T02:00:00Z', end: '2030-03-05T04:00:00Z', purpose: 'personal_project' },
    });
    expect(created.statusCode).toBe(201);
    const booking = created.json() as { id: string };
    await deliver(manager.email);
    return { lab, machine, manager, member, booking };
  }

  it('sends a text and an inline-styled HTML part, with a link to the booking, and a Vietnamese subject intact', async () => {
    const s = await scenario();
    expect((await ctx.injectAs(s.manager, { method: 'POST', url: `/api/bookings/${s.booking.id}/approve` })).statusCode).toBe(200);
    const [mail] = await deliver(s.member.email);
    expect(mail!.subject).toBe('Đặt máy đã được duyệt: Máy cắt laser CO₂ 60W, 05/03/2030 09:00');
    // Non-ASCII subjects travel as RFC 2047 encoded words, never raw 8-bit.
    expect(mail!.headers.subject).toMatch(/^=\?UTF-8\?/i);
    const text = partOf(mail!.parts, 'text/plain')!.body;
    const html = partOf(mail!.parts, 'text/html')?.body;
    expect(html).toBeDefined();
    const link = `${PUBLIC_URL}/my?booking=${s.booking.id}`;
    expect(text).toContain(link);
    expect(html).toContain(`href="${link}"`);
    expect(html).toContain('Xin chào Nguyễn Văn An,');
    expect(html).toContain('05/03/2030 09:00 – 11:00');
    // Webmail strips <style> blocks: the looks are on the elements.
    expect(html).not.toContain('<style');
    expect(html).toMatch(/<a [^>]*style="/);
    // The manager's mail about a pending request links to the lab's queue.
    const again = await ctx.injectAs(s.member, {
      method: 'POST',
      url: '/api/bookings',
      payload: { machineId: s.machine.id, start: '2030-03-06T02:00:00Z', end: '2030-03-06T03:00:00Z', purpose: 'research' },
    });
    expect(again.statusCode).toBe(201);
    const [pending] = await deliver(s.manager.email);
    expect(partOf(pending!.parts, 'text/plain')!.body).toContain(`${PUBLIC_URL}/manage/${s.lab.id}`);
  });

  it('invites with METHOD:REQUEST and an ORGANIZER, updates the same event on a move and cancels it with METHOD:CANCEL', async () => {
    const s = await scenario();
    const uid = `${s.booking.id}@${HOST}`;
    expect((await ctx.injectAs(s.manager, { method: 'POST', url: `/api/bookings/${s.booking.id}/approve` })).statusCode).toBe(200);
    const approved = invitation((await deliver(s.member.email))[0]!);
    expect(approved.method).toBe('REQUEST');
    expect(approved.contentType).toMatch(/method=REQUEST/i);
    expect(approved.uid).toBe(uid);
    expect(approved.status).toBe('CONFIRMED');
    expect(approved.organizer.toLowerCase()).toBe('mailto:no-reply@fablab.example.vn');
    expect(approved.attendee.toLowerCase()).toBe(`mailto:${s.member.email}`.toLowerCase());

    // The manager moves it: the member is told, in the app and by mail, and the event follows.
    const moved = await ctx.injectAs(s.manager, {
      method: 'PATCH',
      url: `/api/bookings/${s.booking.id}`,
      payload: { start: '2030-03-05T06:00:00Z', end: '2030-03-05T08:00:00Z' },
    });
    expect(moved.statusCode).toBe(200);
    const inApp = await ctx.db.select().from(notifications).where(eq(notifications.userId, s.member.id));
    expect(inApp.map((n) => n.kind)).toContain('booking_rescheduled');
    const [movedMail] = await deliver(s.member.email);
    expect(movedMail!.subject).toContain('Máy cắt laser CO₂ 60W');
    expect(partOf(movedMail!.parts, 'text/plain')!.body).toContain('05/03/2030 13:00 – 15:00');
    const update = invitation(movedMail!);
    expect(update.method).toBe('REQUEST');
    expect(update.uid).toBe(uid);
    expect(update.start).toBe('2030-03-05T06:00:00.000Z');
    expect(update.sequence).toBeGreaterThan(approved.sequence);

    // The owner moves it again within the same second: still a newer SEQUENCE, still a mail.
    const ownMove = await ctx.injectAs(s.member, {
      method: 'PATCH',
      url: `/api/bookings/${s.booking.id}`,
      payload: { start: '2030-03-05T07:00:00Z', end: '2030-03-05T09:00:00Z' },
    });
    expect(ownMove.statusCode).toBe(200);
    const own = invitation((await deliver(s.member.email))[0]!);
    expect(own.uid).toBe(uid);
    expect(own.sequence).toBeGreaterThan(update.sequence);

    const cancelled = await ctx.injectAs(s.manager, {
      method: 'POST',
      url: `/api/bookings/${s.booking.id}/cancel`,
      payload: { reason: 'Máy hỏng' },
    });
    expect(cancelled.statusCode).toBe(200);
    const cancel = invitation((await deliver(s.member.email))[0]!);
    expect(cancel.method).toBe('CANCEL');
    expect(cancel.contentType).toMatch(/method=CANCEL/i);
    expect(cancel.uid).toBe(uid);
    expect(cancel.status).toBe('CANCELLED');
    expect(cancel.organizer.toLowerCase()).toBe('mailto:no-reply@fablab.example.vn');
    expect(cancel.sequence).toBeGreaterThan(own.sequence);
    // A second parser reads the same.
    const parsed = Object.values(nodeIcal.sync.parseICS(cancel.text)).find(
      (c): c is nodeIcal.VEvent => c?.type === 'VEVENT',
    );
    expect(parsed?.uid).toBe(uid);
    expect(parsed?.status).toBe('CANCELLED');
  });

  it('gives a no-show the same STATUS in its mail as in the feed', async () => {
    const lab = await ctx.createLab();
    const machine = await ctx.createMachine(lab.id);
    const member = await ctx.createUser();
    const booking = await insertBooking(ctx, {
      machineId: machine.id,
      labId: lab.id,
      userId: member.id,
      start: '2030-03-03T02:00:00Z',
      end: '2030-03-03T03:00:00Z',
      status: 'no_show',
    });
    await ctx.app.notifier.notify(ctx.db, { userId: member.id, kind: 'booking_no_show', data: { bookingId: booking.id } });
    const mail = invitation((await deliver(member.email))[0]!);
    expect(mail.status).toBe('CANCELLED');
    expect(mail.method).toBe('CANCEL');
    const feed = (await ctx.injectAs(member, { method: 'GET', url: '/api/me/calendar-feed' })).json().url as string;
    const text = (await ctx.app.inject({ method: 'GET', url: feed.slice(PUBLIC_URL.length) })).body;
    const vevent = new ICAL.Component(ICAL.parse(text)).getAllSubcomponents('vevent').find((v) => v.getFirstPropertyValue('uid') === mail.uid);
    expect(vevent?.getFirstPropertyValue('status')).toBe('CANCELLED');
  });

  it('resumes delivery within 60 s after a long outage of the mail server', async () => {
    const member = await ctx.createUser();
    await receiver.close();
    await ctx.app.notifier.notify(ctx.db, { userId: member.id, kind: 'certification_granted', data: { machineType: 'laser_cutter' } });
    // The mail server is down for 208 s; meanwhile the job retries whenever a retry is due.
    const backAt = clock.now().getTime() + 208_000;
    for (;;) {
      await ctx.app.jobs.run('deliver-email');
      const [row] = await ctx.db.select().from(outbox).where(eq(outbox.toAddress, member.email));
      expect(row!.sentAt).toBeNull();
      if (row!.nextAttemptAt.getTime() >= backAt) break;
      clock.set(row!.nextAttemptAt);
    }
    clock.set(new Date(backAt));
    receiver = await startSmtpReceiver(inbox, port);
    const back = clock.now().getTime();
    // From now on the job runs every 5 s, as the server's timer does.
    let arrived: ReturnType<typeof readMail>[] = [];
    while (arrived.length === 0 && clock.now().getTime() - back <= 60_000) {
      arrived = await deliver(member.email);
      if (arrived.length === 0) clock.advance(5_000);
    }
    expect(arrived).toHaveLength(1);
    expect(clock.now().getTime() - back).toBeLessThanOrEqual(60_000);
  });

  it('drops a reminder that would arrive after its booking started, and records why', async () => {
    const lab = await ctx.createLab();
    const machine = await ctx.createMachine(lab.id);
    const member = await ctx.createUser();
    const start = new Date(clock.now().getTime() + 90 * 60_000);
    await insertBooking(ctx, {
      machineId: machine.id,
      labId: lab.id,
      userId: member.id,
      start,
      end: new Date(start.getTime() + 3_600_000),
    });
    await receiver.close();
    clock.advance(30 * 60_000); // one hour before the start
    expect(await ctx.app.jobs.run('booking-reminders')).toEqual({ created: 1 });
    const [queued] = await ctx.db.select().from(outbox).where(eq(outbox.toAddress, member.email));
    expect(queued).toBeDefined();
    await ctx.app.jobs.run('deliver-email');
    clock.set(new Date(start.getTime() + 60_000));
    receiver = await startSmtpReceiver(inbox, port);
    expect(await deliver(member.email)).toHaveLength(0);
    const [row] = await ctx.db.select().from(outbox).where(eq(outbox.id, queued!.id));
    expect(row!.sentAt).toBeNull();
    expect(row!.droppedAt?.toISOString()).toBe(clock.now().toISOString());
    expect(row!.lastError).toMatch(/started/i);
    // It is never tried again.
    clock.advance(3_600_000);
    expect(await deliver(member.email)).toHaveLength(0);
  });
});

import ICAL from 'ical.js';
import nodeIcal from 'node-ical';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maintenanceWindows, users } from '../../src/db/schema/index.js';
import { createTestContext, fixedClock, TEST_PASSWORD, type TestContext } from '../helpers/app.js';
import { insertBooking } from '../notifications/support.js';

const PUBLIC_URL = 'https://fablab.example.vn';
const HOST = 'fablab.example.vn';

/** The events as node-ical, a second parser, reads them. */
function nodeIcalEvents(text: string): nodeIcal.VEvent[] {
  return Object.values(nodeIcal.sync.parseICS(text)).filter((c): c is nodeIcal.VEvent => c?.type === 'VEVENT');
}

function parseFeed(text: string) {
  const calendar = new ICAL.Component(ICAL.parse(text));
  const events = calendar.getAllSubcomponents('vevent').map((v) => ({
    component: v,
    event: new ICAL.Event(v),
    status: v.getFirstPropertyValue('status'),
    stamp: v.getFirstPropertyValue('dtstamp'),
  }));
  return { calendar, events };
}

describe('calendar feeds', () => {
  let ctx: TestContext;
  const clock = fixedClock('2030-05-06T01:00:00Z');

  beforeAll(async () => {
    ctx = await createTestContext({ clock, config: { publicUrl: PUBLIC_URL } });
  });
  afterAll(() => ctx.close());

  /** The path part of a feed URL, for app.inject. */
  const pathOf = (url: string) => url.slice(PUBLIC_URL.length);

  async function scenario() {
    const lab = await ctx.createLab();
    const manager = await ctx.createUser({ role: 'manager', manages: [lab.id], fullName: 'Quản lý Phòng' });
    const printer = await ctx.createMachine(lab.id, {
      name: 'Máy in 3D Prusa MK4 – tầng 2, phòng chế tạo số một của trung tâm',
    });
    const laser = await ctx.createMachine(lab.id, { name: 'Máy cắt laser' });
    const maker = await ctx.createUser({ fullName: 'Nguyễn Thị Minh Khai' });
    const other = await ctx.createUser({ fullName: 'Võ Văn Kiệt Khác' });
    await ctx.db.update(users).set({ locale: 'vi' }).where(eq(users.id, maker.id));
    const note = 'Cắt mica 3 mm; khắc logo, chữ "Bình Dương"\nDòng hai: đồ án tốt nghiệp \\ nhóm 5';
    const base = { machineId: printer.id, labId: lab.id, userId: maker.id };
    const approved = await insertBooking(ctx, {
      ...base,
      start: '2030-05-07T01:00:00Z',
      end: '2030-05-07T03:30:00Z',
      note,
    });
    const pending = await insertBooking(ctx, {
      ...base,
      start: '2030-05-08T02:00:00Z',
      end: '2030-05-08T03:00:00Z',
      status: 'pending',
    });
    const cancelled = await insertBooking(ctx, {
      ...base,
      start: '2030-05-09T02:00:00Z',
      end: '2030-05-09T03:00:00Z',
      status: 'cancelled',
      reason: 'Bảo trì đột xuất',
    });
    const completed = await insertBooking(ctx, {
      ...base,
      start: '2030-05-02T02:00:00Z',
      end: '2030-05-02T03:00:00Z',
      status: 'completed',
    });
    const rejected = await insertBooking(ctx, {
      ...base,
      start: '2030-05-10T02:00:00Z',
      end: '2030-05-10T03:00:00Z',
      status: 'rejected',
      reason: 'Máy đang bận',
    });
    const noShow = await insertBooking(ctx, {
      ...base,
      start: '2030-05-03T02:00:00Z',
      end: '2030-05-03T03:00:00Z',
      status: 'no_show',
    });
    const others = await insertBooking(ctx, {
      machineId: laser.id,
      labId: lab.id,
      userId: other.id,
      start: '2030-05-07T01:00:00Z',
      end: '2030-05-07T02:00:00Z',
    });
    const [maintenance] = await ctx.db
      .insert(maintenanceWindows)
      .values({
        machineId: laser.id,
        labId: lab.id,
        startAt: new Date('2030-05-11T01:00:00Z'),
        endAt: new Date('2030-05-11T05:00:00Z'),
        reason: 'Thay ống laser',
        createdBy: manager.id,
      })
      .returning();
    return {
      lab,
      manager,
      maker,
      other,
      note,
      approved,
      pending,
      cancelled,
      completed,
      rejected,
      noShow,
      others,
      maintenance: maintenance!,
    };
  }

  it('serves a member exactly their own bookings, at the right instants, with Vietnamese text intact', async () => {
    const s = await scenario();
    const feed = await ctx.injectAs(s.maker, { method: 'GET', url: '/api/me/calendar-feed' });
    expect(feed.statusCode).toBe(200);
    const { url } = feed.json();
    expect(url).toMatch(new RegExp(`^${PUBLIC_URL}/ical/[A-Za-z0-9_-]{43,}\\.ics$`));
    expect(feed.json().labsUrl).toBeUndefined();
    // Asking again gives the same secret.
    expect((await ctx.injectAs(s.maker, { method: 'GET', url: '/api/me/calendar-feed' })).json().url).toBe(url);

    const res = await ctx.app.inject({ method: 'GET', url: pathOf(url) });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/calendar; charset=utf-8');
    const text = res.body;

    // RFC 5545: CRLF line ends, content lines folded at 75 octets.
    expect(text.split('\r\n').every((line) => Buffer.byteLength(line, 'utf8') <= 75)).toBe(true);
    expect(text).not.toMatch(/[^\r]\n/);
    // The lab's zone among the calendar's properties, which RFC 5545 puts before the events.
    expect(text.indexOf('X-WR-TIMEZONE:Asia/Ho_Chi_Minh\r\n')).toBeGreaterThan(0);
    expect(text.indexOf('X-WR-TIMEZONE')).toBeLessThan(text.indexOf('BEGIN:VEVENT'));
    // No other member's name in a maker's feed.
    expect(text).not.toContain('Võ Văn Kiệt');
    expect(text).not.toContain(s.others.id);

    const { calendar, events } = parseFeed(text);
    expect(calendar.getFirstPropertyValue('x-wr-timezone')).toBe('Asia/Ho_Chi_Minh');
    const byUid = new Map(events.map((e) => [e.event.uid, e]));
    expect([...byUid.keys()].sort()).toEqual(
      [s.approved.id, s.pending.id, s.cancelled.id, s.completed.id, s.rejected.id, s.noShow.id]
        .map((id) => `${id}@${HOST}`)
        .sort(),
    );
    for (const b of [s.approved, s.pending, s.cancelled, s.completed]) {
      const e = byUid.get(`${b.id}@${HOST}`)!;
      expect(e.event.startDate.toJSDate().toISOString()).toBe(b.startAt.toISOString());
      expect(e.event.endDate.toJSDate().toISOString()).toBe(b.endAt.toISOString());
      expect(e.stamp).toBeTruthy();
    }
    const approved = byUid.get(`${s.approved.id}@${HOST}`)!;
    expect(approved.status).toBe('CONFIRMED');
    expect(approved.event.summary).toBe('Đặt máy: Máy in 3D Prusa MK4 – tầng 2, phòng chế tạo số một của trung tâm');
    expect(approved.event.description).toContain(`Ghi chú: ${s.note}`);
    expect(approved.event.location).toContain('Phòng ');
    expect(byUid.get(`${s.pending.id}@${HOST}`)!.status).toBe('TENTATIVE');
    const cancelled = byUid.get(`${s.cancelled.id}@${HOST}`)!;
    expect(cancelled.status).toBe('CANCELLED');
    expect(cancelled.event.description).toContain('Lý do: Bảo trì đột xuất');
  });

  it('kills the old URL when the member makes a new one, and answers 404 to unknown tokens', async () => {
    const s = await scenario();
    const first = (await ctx.injectAs(s.maker, { method: 'GET', url: '/api/me/calendar-feed' })).json().url as string;
    const regenerated = await ctx.injectAs(s.maker, { method: 'POST', url: '/api/me/calendar-feed' });
    expect(regenerated.statusCode).toBe(200);
    const second = regenerated.json().url as string;
    expect(second).not.toBe(first);
    expect((await ctx.app.inject({ method: 'GET', url: pathOf(first) })).statusCode).toBe(404);
    expect((await ctx.app.inject({ method: 'GET', url: pathOf(second) })).statusCode).toBe(200);
    expect((await ctx.injectAs(s.maker, { method: 'GET', url: '/api/me/calendar-feed' })).json().url).toBe(second);
    const unknown = await ctx.app.inject({ method: 'GET', url: `/ical/${'A'.repeat(43)}.ics` });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().code).toBe('NOT_FOUND');
    expect((await ctx.app.inject({ method: 'GET', url: '/ical/short.ics' })).statusCode).toBe(404);
    expect((await ctx.app.inject({ method: 'GET', url: '/api/me/calendar-feed' })).statusCode).toBe(401);
  });

  it('gives a manager a feed of their labs with bookings (names allowed) and maintenance; not to a maker', async () => {
    const s = await scenario();
    const feed = (await ctx.injectAs(s.manager, { method: 'GET', url: '/api/me/calendar-feed' })).json();
    const res = await ctx.app.inject({ method: 'GET', url: pathOf(feed.labsUrl) });
    expect(res.statusCode).toBe(200);
    const { events } = parseFeed(res.body);
    const uids = events.map((e) => e.event.uid);
    expect(uids).toContain(`${s.others.id}@${HOST}`);
    expect(uids).toContain(`${s.approved.id}@${HOST}`);
    expect(uids).toContain(`maintenance-${s.maintenance.id}@${HOST}`);
    const others = events.find((e) => e.event.uid === `${s.others.id}@${HOST}`)!;
    expect(others.event.summary).toContain('Võ Văn Kiệt Khác');
    const maintenance = events.find((e) => e.event.uid.startsWith('maintenance-'))!;
    expect(maintenance.event.startDate.toJSDate().toISOString()).toBe('2030-05-11T01:00:00.000Z');
    expect(maintenance.event.description).toContain('Thay ống laser');

    // The manager's own feed has only their own bookings (none here).
    const own = await ctx.app.inject({ method: 'GET', url: pathOf(feed.url) });
    expect(parseFeed(own.body).events).toHaveLength(0);

    // A maker's token does not open a labs feed: asking for one gets the maker's own bookings only.
    const makerUrl = (await ctx.injectAs(s.maker, { method: 'GET', url: '/api/me/calendar-feed' })).json()
      .url as string;
    const asLabs = await ctx.app.inject({ method: 'GET', url: `${pathOf(makerUrl)}?scope=labs` });
    expect(asLabs.body).not.toContain(s.others.id);
    expect(asLabs.body).not.toContain('Võ Văn Kiệt');
  });

  it('stops serving the feed of a disabled account', async () => {
    const s = await scenario();
    const url = (await ctx.injectAs(s.maker, { method: 'GET', url: '/api/me/calendar-feed' })).json().url as string;
    await ctx.db.update(users).set({ disabled: true }).where(eq(users.id, s.maker.id));
    expect((await ctx.app.inject({ method: 'GET', url: pathOf(url) })).statusCode).toBe(404);
  });

  it('gives the labs feed its own secret: the personal link never opens it, and each rotates alone', async () => {
    const s = await scenario();
    const first = (await ctx.injectAs(s.manager, { method: 'GET', url: '/api/me/calendar-feed' })).json();
    const personal = pathOf(first.url);
    const labsPath = pathOf(first.labsUrl);
    const tokenOf = (p: string) => p.replace(/^\/ical\//, '').replace(/\.ics.*$/, '');
    expect(tokenOf(labsPath)).not.toBe(tokenOf(personal));
    expect(labsPath).toMatch(/^\/ical\/[A-Za-z0-9_-]{43,}\.ics$/);

    // Whoever was given the "my bookings" link reads no other member's booking.
    const viaPersonal = await ctx.app.inject({ method: 'GET', url: `${personal}?scope=labs` });
    if (viaPersonal.statusCode === 200) {
      expect(viaPersonal.body).not.toContain('Võ Văn Kiệt');
      expect(viaPersonal.body).not.toContain(s.others.id);
    } else {
      expect(viaPersonal.statusCode).toBe(404);
    }

    const rotatedLabs = await ctx.injectAs(s.manager, { method: 'POST', url: '/api/me/calendar-feed', payload: { scope: 'labs' } });
    expect(rotatedLabs.statusCode).toBe(200);
    expect(rotatedLabs.json().url).toBe(first.url);
    expect(rotatedLabs.json().labsUrl).not.toBe(first.labsUrl);
    expect((await ctx.app.inject({ method: 'GET', url: labsPath })).statusCode).toBe(404);
    expect((await ctx.app.inject({ method: 'GET', url: personal })).statusCode).toBe(200);
    expect((await ctx.app.inject({ method: 'GET', url: pathOf(rotatedLabs.json().labsUrl) })).statusCode).toBe(200);

    const rotatedMe = await ctx.injectAs(s.manager, { method: 'POST', url: '/api/me/calendar-feed', payload: { scope: 'me' } });
    expect(rotatedMe.json().url).not.toBe(first.url);
    expect(rotatedMe.json().labsUrl).toBe(rotatedLabs.json().labsUrl);
    expect((await ctx.app.inject({ method: 'GET', url: personal })).statusCode).toBe(404);
    expect((await ctx.app.inject({ method: 'GET', url: pathOf(rotatedMe.json().labsUrl) })).statusCode).toBe(200);

    // A member has no labs feed to rotate.
    const maker = await ctx.injectAs(s.maker, { method: 'POST', url: '/api/me/calendar-feed', payload: { scope: 'labs' } });
    expect(maker.statusCode).toBe(403);
    // Disabling the account kills both.
    await ctx.db.update(users).set({ disabled: true }).where(eq(users.id, s.manager.id));
    expect((await ctx.app.inject({ method: 'GET', url: pathOf(rotatedMe.json().labsUrl) })).statusCode).toBe(404);
  });

  it('ends every line with CRLF, the last included, and is a valid calendar with no events', async () => {
    const s = await scenario();
    const feed = (await ctx.injectAs(s.manager, { method: 'GET', url: '/api/me/calendar-feed' })).json();
    const full = await ctx.app.inject({ method: 'GET', url: pathOf(feed.labsUrl) });
    expect(full.body.endsWith('END:VCALENDAR\r\n')).toBe(true);
    // The manager books nothing: their own feed has no event, yet a component (RFC 5545 §3.6).
    const empty = await ctx.app.inject({ method: 'GET', url: pathOf(feed.url) });
    expect(empty.statusCode).toBe(200);
    expect(empty.body.endsWith('END:VCALENDAR\r\n')).toBe(true);
    const { calendar, events } = parseFeed(empty.body);
    expect(events).toHaveLength(0);
    expect(calendar.getAllSubcomponents().length).toBeGreaterThan(0);
    const zone = calendar.getFirstSubcomponent('vtimezone');
    expect(zone?.getFirstPropertyValue('tzid')).toBe('Asia/Ho_Chi_Minh');
    const parsed = nodeIcal.sync.parseICS(empty.body);
    expect(Object.values(parsed).some((c) => c?.type === 'VTIMEZONE')).toBe(true);
    expect(nodeIcalEvents(empty.body)).toHaveLength(0);
  });

  it('raises SEQUENCE on every change, even two in the same second', async () => {
    const s = await scenario();
    const url = (await ctx.injectAs(s.maker, { method: 'GET', url: '/api/me/calendar-feed' })).json().url as string;
    const sequence = async () => {
      const { events } = parseFeed((await ctx.app.inject({ method: 'GET', url: pathOf(url) })).body);
      return events.find((e) => e.event.uid === `${s.approved.id}@${HOST}`)!.event.sequence;
    };
    const before = await sequence();
    for (const [start, end] of [
      ['2030-05-07T02:00:00Z', '2030-05-07T04:00:00Z'],
      ['2030-05-07T03:00:00Z', '2030-05-07T05:00:00Z'],
    ]) {
      const res = await ctx.injectAs(s.maker, { method: 'PATCH', url: `/api/bookings/${s.approved.id}`, payload: { start, end } });
      expect(res.statusCode).toBe(200);
    }
    expect(await sequence()).toBe(before + 2);
    const cancel = await ctx.injectAs(s.maker, { method: 'POST', url: `/api/bookings/${s.approved.id}/cancel`, payload: {} });
    expect(cancel.statusCode).toBe(200);
    expect(await sequence()).toBe(before + 3);
  });

  it('shows rejected, expired and no-show bookings as cancelled events instead of dropping them', async () => {
    const s = await scenario();
    const url = (await ctx.injectAs(s.maker, { method: 'GET', url: '/api/me/calendar-feed' })).json().url as string;
    const text = (await ctx.app.inject({ method: 'GET', url: pathOf(url) })).body;
    const { events } = parseFeed(text);
    const byUid = new Map(events.map((e) => [e.event.uid, e]));
    const rejected = byUid.get(`${s.rejected.id}@${HOST}`)!;
    expect(rejected.status).toBe('CANCELLED');
    expect(rejected.event.summary).toContain('bị từ chối');
    expect(rejected.event.description).toContain('Lý do: Máy đang bận');
    const noShow = byUid.get(`${s.noShow.id}@${HOST}`)!;
    expect(noShow.status).toBe('CANCELLED');
    expect(noShow.event.summary).toContain('vắng mặt');
    expect(byUid.get(`${s.completed.id}@${HOST}`)!.status).toBe('CONFIRMED');

    // A second parser reads the same events, statuses and instants.
    const other = nodeIcalEvents(text);
    expect(other.map((e) => e.uid).sort()).toEqual([...byUid.keys()].sort());
    for (const e of other) {
      const mine = byUid.get(e.uid)!;
      expect(e.status).toBe(mine.status);
      expect(e.start.toISOString()).toBe(mine.event.startDate.toJSDate().toISOString());
      expect(e.end!.toISOString()).toBe(mine.event.endDate.toJSDate().toISOString());
    }
  });

  it('words a deleted member in the reader’s language', async () => {
    const s = await scenario();
    const deleted = await ctx.injectAs(s.other, { method: 'DELETE', url: '/api/me', payload: { currentPassword: TEST_PASSWORD } });
    expect(deleted.statusCode).toBe(204);
    const feed = (await ctx.injectAs(s.manager, { method: 'GET', url: '/api/me/calendar-feed' })).json();
    const text = (await ctx.app.inject({ method: 'GET', url: pathOf(feed.labsUrl) })).body;
    expect(text).not.toContain('Deleted member');
    // Deleting the account cancelled the booking; the system's reason is worded too.
    expect(text).not.toContain('Account deleted');
    const others = parseFeed(text).events.find((e) => e.event.uid === `${s.others.id}@${HOST}`)!;
    expect(others.event.summary).toContain('Thành viên đã xóa tài khoản');
    expect(others.event.description).toContain('Lý do: Tài khoản đã bị xóa');
  });

  it('kills both feeds when the password changes', async () => {
    const s = await scenario();
    const feed = (await ctx.injectAs(s.manager, { method: 'GET', url: '/api/me/calendar-feed' })).json();
    const changed = await ctx.injectAs(s.manager, {
      method: 'PATCH',
      url: '/api/me',
      payload: { password: 'a-new-password-long-enough', currentPassword: TEST_PASSWORD },
    });
    expect(changed.statusCode).toBe(200);
    expect((await ctx.app.inject({ method: 'GET', url: pathOf(feed.url) })).statusCode).toBe(404);
    expect((await ctx.app.inject({ method: 'GET', url: pathOf(feed.labsUrl) })).statusCode).toBe(404);
  });
});

// Secret per-member iCalendar feeds: the member's own bookings, and for a lab's managers the
// bookings and maintenance of their labs. Whoever holds the URL reads the feed, so the token is
// long and random, and regenerating it kills the old URL.
import { DEFAULT_TIMEZONE, type BookingStatus, type CalendarFeed, type Locale } from '@fablab/shared';
import { and, asc, eq, gte, inArray, isNull } from 'drizzle-orm';
import { randomBytes } from 'node:crypto';
import type { Db } from '../../db/client.js';
import { bookings, labManagers, labs, machines, maintenanceWindows, users } from '../../db/schema/index.js';
import type { Clock } from '../../lib/clock.js';
import { notFound } from '../../lib/errors.js';
import { addBookingEvent, addMaintenanceEvent, calendarText, newCalendar, uidHost } from './ical.js';

/** What a feed shows: cancelled ones stay, marked STATUS:CANCELLED, so calendars drop them. */
export const FEED_STATUSES = [
  'pending',
  'approved',
  'checked_in',
  'completed',
  'cancelled',
] as const satisfies readonly BookingStatus[];

/** How far back a feed reaches; older events stay in the calendar apps that already have them. */
const HISTORY_DAYS = 180;
const MAX_EVENTS = 5000;
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{32,128}$/;

export function newCalendarToken(): string {
  return randomBytes(32).toString('base64url');
}

export function createFeedService(deps: { db: Db; clock: Clock; publicUrl: string }) {
  const { db, clock, publicUrl } = deps;

  function urls(token: string, mayUseLabs: boolean): CalendarFeed {
    const url = `${publicUrl}/ical/${token}.ics`;
    return mayUseLabs ? { url, labsUrl: `${url}?scope=labs` } : { url };
  }

  async function labIdsFor(user: { id: string; role: string }): Promise<string[]> {
    if (user.role === 'admin') return (await db.select({ id: labs.id }).from(labs)).map((l) => l.id);
    if (user.role !== 'manager') return [];
    const rows = await db.select({ labId: labManagers.labId }).from(labManagers).where(eq(labManagers.userId, user.id));
    return rows.map((r) => r.labId);
  }

  return {
    /** The member's feed URLs, making the secret on first use. */
    async get(actor: { id: string; role: string }): Promise<CalendarFeed> {
      const [row] = await db.select({ token: users.calendarToken }).from(users).where(eq(users.id, actor.id));
      let token = row?.token ?? null;
      if (!token) {
        // Only fills an empty token, so two first calls at once agree on one URL.
        await db
          .update(users)
          .set({ calendarToken: newCalendarToken() })
          .where(and(eq(users.id, actor.id), isNull(users.calendarToken)));
        const [again] = await db.select({ token: users.calendarToken }).from(users).where(eq(users.id, actor.id));
        token = again?.token ?? null;
      }
      if (!token) throw notFound('User');
      return urls(token, actor.role === 'admin' || actor.role === 'manager');
    },

    /** A new secret; the old URL answers 404 from now on. */
    async regenerate(actor: { id: string; role: string }): Promise<CalendarFeed> {
      const token = newCalendarToken();
      await db.update(users).set({ calendarToken: token }).where(eq(users.id, actor.id));
      return urls(token, actor.role === 'admin' || actor.role === 'manager');
    },

    /** The iCalendar text of a feed, or 404 for an unknown token or a scope the holder may not read. */
    async render(token: string, scope: 'mine' | 'labs'): Promise<string> {
      if (!TOKEN_SHAPE.test(token)) throw notFound('Calendar feed');
      const [user] = await db
        .select({
          id: users.id,
          role: users.role,
          locale: users.locale,
          disabled: users.disabled,
          deletedAt: users.deletedAt,
        })
        .from(users)
        .where(eq(users.calendarToken, token));
      if (!user || user.disabled || user.deletedAt) throw notFound('Calendar feed');
      const locale: Locale = user.locale;
      const now = clock.now();
      const since = new Date(now.getTime() - HISTORY_DAYS * 86_400_000);
      const host = uidHost(publicUrl);

      const labIds = scope === 'labs' ? await labIdsFor(user) : [];
      if (scope === 'labs' && labIds.length === 0) throw notFound('Calendar feed');

      const bookingRows = await db
        .select({
          id: bookings.id,
          startAt: bookings.startAt,
          endAt: bookings.endAt,
          status: bookings.status,
          purpose: bookings.purpose,
          note: bookings.note,
          reason: bookings.reason,
          createdAt: bookings.createdAt,
          updatedAt: bookings.updatedAt,
          machineName: machines.name,
          labName: locale === 'vi' ? labs.nameVi : labs.name,
          labHost: labs.host,
          zone: labs.timezone,
          memberName: users.fullName,
        })
        .from(bookings)
        .innerJoin(machines, eq(machines.id, bookings.machineId))
        .innerJoin(labs, eq(labs.id, bookings.labId))
        .leftJoin(users, eq(users.id, bookings.userId))
        .where(
          and(
            scope === 'labs' ? inArray(bookings.labId, labIds) : eq(bookings.userId, user.id),
            inArray(bookings.status, [...FEED_STATUSES]),
            gte(bookings.endAt, since),
          ),
        )
        .orderBy(asc(bookings.startAt))
        .limit(MAX_EVENTS);

      const maintenanceRows =
        scope === 'labs'
          ? await db
              .select({
                id: maintenanceWindows.id,
                startAt: maintenanceWindows.startAt,
                endAt: maintenanceWindows.endAt,
                reason: maintenanceWindows.reason,
                createdAt: maintenanceWindows.createdAt,
                machineName: machines.name,
                labName: locale === 'vi' ? labs.nameVi : labs.name,
                labHost: labs.host,
                zone: labs.timezone,
              })
              .from(maintenanceWindows)
              .innerJoin(machines, eq(machines.id, maintenanceWindows.machineId))
              .innerJoin(labs, eq(labs.id, maintenanceWindows.labId))
              .where(and(inArray(maintenanceWindows.labId, labIds), gte(maintenanceWindows.endAt, since)))
              .orderBy(asc(maintenanceWindows.startAt))
              .limit(MAX_EVENTS)
          : [];

      const zone =
        mostCommon([...bookingRows, ...maintenanceRows].map((r) => r.zone)) ?? (await defaultZone(db, labIds));
      const calendar = newCalendar({ locale, zone, scope, ttlSeconds: 15 * 60 });
      for (const b of bookingRows) {
        addBookingEvent(
          calendar,
          // Another member's name only in a labs feed, whose holder manages those labs.
          { ...b, memberName: scope === 'labs' ? b.memberName : null },
          { host, locale, stamp: now },
        );
      }
      for (const m of maintenanceRows) addMaintenanceEvent(calendar, m, { host, locale, stamp: now });
      return calendarText(calendar, zone);
    },
  };
}

function mostCommon(values: string[]): string | undefined {
  const counts = new Map<string, number>();
  let best: string | undefined;
  for (const v of values) {
    const n = (counts.get(v) ?? 0) + 1;
    counts.set(v, n);
    if (!best || n > (counts.get(best) ?? 0)) best = v;
  }
  return best;
}

async function defaultZone(db: Db, labIds: string[]): Promise<string> {
  if (labIds.length === 0) return DEFAULT_TIMEZONE;
  const [lab] = await db.select({ zone: labs.timezone }).from(labs).where(eq(labs.id, labIds[0]!));
  return lab?.zone ?? DEFAULT_TIMEZONE;
}

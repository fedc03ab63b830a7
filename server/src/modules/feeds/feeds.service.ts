// Secret per-member iCalendar feeds: the member's own bookings, and for a lab's managers the
// bookings and maintenance of their labs. Whoever holds the URL reads the feed, so the token is
// long and random, and regenerating it kills the old URL. The labs feed has a secret of its own:
// it shows other members' names, notes and reasons, and a member's "my bookings" link gets shared.
import { DEFAULT_TIMEZONE, type CalendarFeed, type CalendarFeedScope, type Locale, type Role } from '@fablab/shared';
import { and, asc, eq, gte, inArray, isNull, or } from 'drizzle-orm';
import { randomBytes } from 'node:crypto';
import type { Db } from '../../db/client.js';
import { bookings, labManagers, labs, machines, maintenanceWindows, users } from '../../db/schema/index.js';
import type { Clock } from '../../lib/clock.js';
import { forbidden, notFound } from '../../lib/errors.js';
import { can } from '../../plugins/policy.js';
import { addBookingEvent, addMaintenanceEvent, calendarText, newCalendar, uidHost } from '../../lib/ical.js';

/** How far back a feed reaches; older events stay in the calendar apps that already have them. */
const HISTORY_DAYS = 180;
const MAX_EVENTS = 5000;
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{32,128}$/;

export function newCalendarToken(): string {
  return randomBytes(32).toString('base64url');
}

export function createFeedService(deps: { db: Db; clock: Clock; publicUrl: string }) {
  const { db, clock, publicUrl } = deps;

  const urlOf = (token: string) => `${publicUrl}/ical/${token}.ics`;
  // A role's question: the feed of all managed labs' bookings.
  const mayUseLabs = (actor: { id: string; role: string }) => can({ id: actor.id, role: actor.role as Role, managedLabIds: [] }, 'feed.labs');
  const column = (scope: CalendarFeedScope) => (scope === 'labs' ? users.labsCalendarToken : users.calendarToken);

  /** The secret of one feed, made on first use; only an empty one is filled, so two first calls agree. */
  async function tokenOf(userId: string, scope: CalendarFeedScope): Promise<string> {
    const read = async () => (await db.select({ token: column(scope) }).from(users).where(eq(users.id, userId)))[0];
    let row = await read();
    if (row && !row.token) {
      await db
        .update(users)
        .set(scope === 'labs' ? { labsCalendarToken: newCalendarToken() } : { calendarToken: newCalendarToken() })
        .where(and(eq(users.id, userId), isNull(column(scope))));
      row = await read();
    }
    if (!row?.token) throw notFound('User');
    return row.token;
  }

  async function feedOf(actor: { id: string; role: string }): Promise<CalendarFeed> {
    const url = urlOf(await tokenOf(actor.id, 'me'));
    return mayUseLabs(actor) ? { url, labsUrl: urlOf(await tokenOf(actor.id, 'labs')) } : { url };
  }

  async function labIdsFor(user: { id: string; role: string }): Promise<string[]> {
    if (user.role === 'admin') return (await db.select({ id: labs.id }).from(labs)).map((l) => l.id);
    if (user.role !== 'manager') return [];
    const rows = await db.select({ labId: labManagers.labId }).from(labManagers).where(eq(labManagers.userId, user.id));
    return rows.map((r) => r.labId);
  }

  return {
    /** The member's feed URLs, making the secrets on first use. */
    get: feedOf,

    /** A new secret for one feed; its old URL answers 404 from now on, the other feed keeps its own. */
    async regenerate(actor: { id: string; role: string }, scope: CalendarFeedScope = 'me'): Promise<CalendarFeed> {
      if (scope === 'labs' && !mayUseLabs(actor)) throw forbidden('Only managers and admins have a labs feed');
      await db
        .update(users)
        .set(scope === 'labs' ? { labsCalendarToken: newCalendarToken() } : { calendarToken: newCalendarToken() })
        .where(eq(users.id, actor.id));
      return feedOf(actor);
    },

    /** The iCalendar text of a feed; which feed is told by which secret it is. 404 for an unknown one. */
    async render(token: string): Promise<string> {
      if (!TOKEN_SHAPE.test(token)) throw notFound('Calendar feed');
      const [user] = await db
        .select({
          id: users.id,
          role: users.role,
          locale: users.locale,
          disabled: users.disabled,
          deletedAt: users.deletedAt,
          labsCalendarToken: users.labsCalendarToken,
        })
        .from(users)
        .where(or(eq(users.calendarToken, token), eq(users.labsCalendarToken, token)));
      if (!user || user.disabled || user.deletedAt) throw notFound('Calendar feed');
      const scope: 'mine' | 'labs' = user.labsCalendarToken === token ? 'labs' : 'mine';
      const locale: Locale = user.locale;
      const now = clock.now();
      const since = new Date(now.getTime() - HISTORY_DAYS * 86_400_000);
      const host = uidHost(publicUrl);

      const labIds = scope === 'labs' ? await labIdsFor(user) : [];
      if (scope === 'labs' && labIds.length === 0) throw notFound('Calendar feed');

      // Every booking, whatever its status: those that do not take place are STATUS:CANCELLED
      // (eventStatus), so a calendar that holds one learns it is off instead of keeping it.
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
          sequence: bookings.sequence,
          machineName: machines.name,
          labName: locale === 'vi' ? labs.nameVi : labs.name,
          labHost: labs.host,
          zone: labs.timezone,
          memberName: users.fullName,
          memberDeletedAt: users.deletedAt,
        })
        .from(bookings)
        .innerJoin(machines, eq(machines.id, bookings.machineId))
        .innerJoin(labs, eq(labs.id, bookings.labId))
        .leftJoin(users, eq(users.id, bookings.userId))
        .where(
          and(
            scope === 'labs' ? inArray(bookings.labId, labIds) : eq(bookings.userId, user.id),
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
          { ...b, memberName: scope === 'labs' ? b.memberName : null, memberDeleted: b.memberDeletedAt !== null },
          // Without METHOD, DTSTAMP is when the event was last revised (RFC 5545 §3.8.7.2): the
          // same feed text until something changes, so its ETag holds.
          { host, locale, stamp: b.updatedAt },
        );
      }
      for (const m of maintenanceRows) addMaintenanceEvent(calendar, m, { host, locale, stamp: m.createdAt });
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

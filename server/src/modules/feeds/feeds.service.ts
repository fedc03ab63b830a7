// Secret per-member iCalendar feeds: the member's own bookings, and for a lab's managers the
// bookings and maintenance of their labs. Whoever holds the URL reads the feed, so the token is
// long and random, and regenerating it kills the old URL. The labs feed has a secret of its own:
// it shows other members' names, notes and reasons, and a member's "my bookings" link gets shared.
import { DEFAULT_TIMEZONE, type CalendarFeed, type CalendarFeedScope, type Locale, type Role } from '@fablab/shared';
import { randomBytes } from 'node:crypto';
import type { Db } from '../../db/client.js';
import type { Clock } from '../../lib/clock.js';
import { forbidden, notFound } from '../../lib/errors.js';
import { can } from '../../plugins/policy.js';
import { addBookingEvent, addMaintenanceEvent, calendarText, newCalendar, uidHost } from '../../lib/ical.js';
import { createFeedRepository } from './feeds.repository.js';

/** How far back a feed reaches; older events stay in the calendar apps that already have them. */
const HISTORY_DAYS = 180;
const MAX_EVENTS = 5000;
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{32,128}$/;

export function newCalendarToken(): string {
  return randomBytes(32).toString('base64url');
}

export function createFeedService(deps: { db: Db; clock: Clock; publicUrl: string }) {
  const { db, clock, publicUrl } = deps;
  const repo = createFeedRepository(db);

  const urlOf = (token: string) => `${publicUrl}/ical/${token}.ics`;
  // A role's question: the feed of all managed labs' bookings.
  const mayUseLabs = (actor: { id: string; role: string }) => can({ id: actor.id, role: actor.role as Role, managedLabIds: [] }, 'feed.labs');

  /** The secret of one feed, made on first use; only an empty one is filled, so two first calls agree. */
  async function tokenOf(userId: string, scope: CalendarFeedScope): Promise<string> {
    let row = await repo.feedToken(userId, scope);
    if (row && !row.token) {
      await repo.fillFeedToken(userId, scope, newCalendarToken());
      row = await repo.feedToken(userId, scope);
    }
    if (!row?.token) throw notFound('User');
    return row.token;
  }

  async function feedOf(actor: { id: string; role: string }): Promise<CalendarFeed> {
    const url = urlOf(await tokenOf(actor.id, 'me'));
    return mayUseLabs(actor) ? { url, labsUrl: urlOf(await tokenOf(actor.id, 'labs')) } : { url };
  }

  async function labIdsFor(user: { id: string; role: string }): Promise<string[]> {
    if (user.role === 'admin') return repo.allLabIds();
    if (user.role !== 'manager') return [];
    return repo.managedLabIds(user.id);
  }

  async function defaultZone(labIds: string[]): Promise<string> {
    if (labIds.length === 0) return DEFAULT_TIMEZONE;
    return (await repo.labZone(labIds[0]!)) ?? DEFAULT_TIMEZONE;
  }

  return {
    /** The member's feed URLs, making the secrets on first use. */
    get: feedOf,

    /** A new secret for one feed; its old URL answers 404 from now on, the other feed keeps its own. */
    async regenerate(actor: { id: string; role: string }, scope: CalendarFeedScope = 'me'): Promise<CalendarFeed> {
      if (scope === 'labs' && !mayUseLabs(actor)) throw forbidden('Only managers and admins have a labs feed');
      await repo.setFeedToken(actor.id, scope, newCalendarToken());
      return feedOf(actor);
    },

    /** The iCalendar text of a feed; which feed is told by which secret it is. 404 for an unknown one. */
    async render(token: string): Promise<string> {
      if (!TOKEN_SHAPE.test(token)) throw notFound('Calendar feed');
      const user = await repo.findByFeedToken(token);
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
      const bookingRows = await repo.bookingEvents(scope === 'labs' ? { labIds } : { userId: user.id }, since, locale, MAX_EVENTS);
      const maintenanceRows = scope === 'labs' ? await repo.maintenanceEvents(labIds, since, locale, MAX_EVENTS) : [];

      const zone = mostCommon([...bookingRows, ...maintenanceRows].map((r) => r.zone)) ?? (await defaultZone(labIds));
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


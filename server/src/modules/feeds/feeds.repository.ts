import type { CalendarFeedScope, Locale } from '@fablab/shared';
import { and, asc, eq, gte, inArray, isNull, or } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { bookings, labManagers, labs, machines, maintenanceWindows, users } from '../../db/schema/index.js';

/** Whose bookings a feed shows: one member's, or every booking of some labs. */
export type FeedBookings = { userId: string } | { labIds: string[] };

const tokenColumn = (scope: CalendarFeedScope) => (scope === 'labs' ? users.labsCalendarToken : users.calendarToken);
const tokenValues = (scope: CalendarFeedScope, token: string) => (scope === 'labs' ? { labsCalendarToken: token } : { calendarToken: token });

export function createFeedRepository(db: DbOrTx) {
  return {
    /** The secret of the member's feed (null before it is made); undefined for no such member. */
    async feedToken(userId: string, scope: CalendarFeedScope, tx: DbOrTx = db): Promise<{ token: string | null } | undefined> {
      const [row] = await tx.select({ token: tokenColumn(scope) }).from(users).where(eq(users.id, userId));
      return row;
    },

    /** Sets the feed's secret only where it has none yet. */
    async fillFeedToken(userId: string, scope: CalendarFeedScope, token: string, tx: DbOrTx = db): Promise<void> {
      await tx
        .update(users)
        .set(tokenValues(scope, token))
        .where(and(eq(users.id, userId), isNull(tokenColumn(scope))));
    },

    async setFeedToken(userId: string, scope: CalendarFeedScope, token: string, tx: DbOrTx = db): Promise<void> {
      await tx.update(users).set(tokenValues(scope, token)).where(eq(users.id, userId));
    },

    /** The account one of whose feed secrets this is. */
    async findByFeedToken(token: string, tx: DbOrTx = db) {
      const [row] = await tx
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
      return row;
    },

    async allLabIds(tx: DbOrTx = db): Promise<string[]> {
      return (await tx.select({ id: labs.id }).from(labs)).map((l) => l.id);
    },

    async managedLabIds(userId: string, tx: DbOrTx = db): Promise<string[]> {
      const rows = await tx.select({ labId: labManagers.labId }).from(labManagers).where(eq(labManagers.userId, userId));
      return rows.map((r) => r.labId);
    },

    /**
     * Bookings, whatever their status, that end after `since`, by start, with their machine, lab
     * (named in the reader's language) and member.
     */
    async bookingEvents(whose: FeedBookings, since: Date, locale: Locale, limit: number, tx: DbOrTx = db) {
      return tx
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
        .where(and('labIds' in whose ? inArray(bookings.labId, whose.labIds) : eq(bookings.userId, whose.userId), gte(bookings.endAt, since)))
        .orderBy(asc(bookings.startAt))
        .limit(limit);
    },

    /** The labs' maintenance windows that end after `since`, by start, with their machine and lab. */
    async maintenanceEvents(labIds: string[], since: Date, locale: Locale, limit: number, tx: DbOrTx = db) {
      return tx
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
        .limit(limit);
    },

    async labZone(labId: string, tx: DbOrTx = db): Promise<string | undefined> {
      const [lab] = await tx.select({ zone: labs.timezone }).from(labs).where(eq(labs.id, labId));
      return lab?.zone;
    },
  };
}

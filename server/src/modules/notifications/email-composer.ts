// Turns notifications into outbox rows inside the caller's transaction: the recipient's language,
// the lab's time zone, and for a booking an .ics of its current state. notify() calls this when
// SMTP is configured; the delivery job sends the rows later.
import { DEFAULT_TIMEZONE, type Locale } from '@fablab/shared';
import { eq, inArray } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { bookings, labManagers, labs, machines, outbox, users } from '../../db/schema/index.js';
import type { Clock } from '../../lib/clock.js';
import type { CreatedNotification, NotificationMailer } from '../../lib/notify.js';
import { addBookingEvent, calendarText, newCalendar, uidHost } from '../feeds/ical.js';
import { renderNotificationEmail, type EmailFacts } from './email-templates.js';

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

function date(value: unknown): Date | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value;
  if (typeof value !== 'string') return undefined;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const uuid = (value: unknown) => (typeof value === 'string' && UUID.test(value) ? value : undefined);

export function createEmailComposer(deps: { clock: Clock; publicUrl: string }): NotificationMailer {
  const { clock, publicUrl } = deps;
  const host = uidHost(publicUrl);

  return {
    async enqueue(db: DbOrTx, created: CreatedNotification[]) {
      const userIds = [...new Set(created.map((n) => n.userId))];
      const recipients = await db
        .select({ id: users.id, email: users.email, fullName: users.fullName, locale: users.locale, role: users.role })
        .from(users)
        .where(inArray(users.id, userIds));
      const byUser = new Map(recipients.filter((r) => r.email).map((r) => [r.id, r]));
      const mailable = created.filter((n) => byUser.has(n.userId));
      if (mailable.length === 0) return;

      const managed = await db
        .select({ userId: labManagers.userId, labId: labManagers.labId })
        .from(labManagers)
        .where(inArray(labManagers.userId, [...byUser.keys()]));
      const manages = (userId: string, labId: string) =>
        byUser.get(userId)?.role === 'admin' ||
        (byUser.get(userId)?.role === 'manager' && managed.some((m) => m.userId === userId && m.labId === labId));

      const bookingIds = [...new Set(mailable.map((n) => uuid(n.data.bookingId)).filter((v): v is string => !!v))];
      const bookingRows = bookingIds.length
        ? await db
            .select({
              id: bookings.id,
              userId: bookings.userId,
              labId: bookings.labId,
              machineId: bookings.machineId,
              startAt: bookings.startAt,
              endAt: bookings.endAt,
              status: bookings.status,
              purpose: bookings.purpose,
              note: bookings.note,
              reason: bookings.reason,
              createdAt: bookings.createdAt,
              updatedAt: bookings.updatedAt,
              machineName: machines.name,
              memberName: users.fullName,
            })
            .from(bookings)
            .innerJoin(machines, eq(machines.id, bookings.machineId))
            .leftJoin(users, eq(users.id, bookings.userId))
            .where(inArray(bookings.id, bookingIds))
        : [];
      const bookingById = new Map(bookingRows.map((b) => [b.id, b]));

      const machineIds = [
        ...new Set(
          mailable
            .map((n) => uuid(n.data.machineId))
            .filter((v): v is string => !!v)
            .concat(bookingRows.map((b) => b.machineId)),
        ),
      ];
      const machineRows = machineIds.length
        ? await db
            .select({ id: machines.id, name: machines.name, type: machines.type, labId: machines.labId })
            .from(machines)
            .where(inArray(machines.id, machineIds))
        : [];
      const machineById = new Map(machineRows.map((m) => [m.id, m]));

      const labIds = [
        ...new Set(
          mailable
            .map((n) => uuid(n.data.labId))
            .filter((v): v is string => !!v)
            .concat(machineRows.map((m) => m.labId)),
        ),
      ];
      const labRows = labIds.length
        ? await db
            .select({ id: labs.id, name: labs.name, nameVi: labs.nameVi, host: labs.host, timezone: labs.timezone })
            .from(labs)
            .where(inArray(labs.id, labIds))
        : [];
      const labById = new Map(labRows.map((l) => [l.id, l]));

      const now = clock.now();
      const rows: (typeof outbox.$inferInsert)[] = [];
      for (const n of mailable) {
        const recipient = byUser.get(n.userId)!;
        const locale: Locale = recipient.locale;
        const booking = bookingById.get(uuid(n.data.bookingId) ?? '');
        const machine = machineById.get(booking?.machineId ?? uuid(n.data.machineId) ?? '');
        const lab = labById.get(booking?.labId ?? machine?.labId ?? uuid(n.data.labId) ?? '');
        const zone = lab?.timezone ?? DEFAULT_TIMEZONE;
        const labName = lab ? (locale === 'vi' ? lab.nameVi : lab.name) : undefined;
        // A member's name only for someone who may see it: the lab's managers and admins.
        const showMember =
          booking && booking.userId !== recipient.id && manages(recipient.id, booking.labId)
            ? booking.memberName
            : null;
        const facts: EmailFacts = {
          locale,
          recipientName: recipient.fullName,
          zone,
          publicUrl,
          machineName: str(n.data.machineName) ?? machine?.name,
          machineType: str(n.data.machineType) ?? machine?.type,
          labName,
          start: date(n.data.start) ?? booking?.startAt,
          end: date(n.data.end) ?? booking?.endAt,
          reason: str(n.data.reason) ?? (n.kind.startsWith('booking_') ? (booking?.reason ?? undefined) : undefined),
          byMaintenance: n.data.byMaintenance === true,
          memberName: showMember ?? str(n.data.memberName),
          offsetMinutes: typeof n.data.offsetMinutes === 'number' ? n.data.offsetMinutes : undefined,
          expiresAt: date(n.data.expiresAt),
          title: str(n.data.title),
          description: str(n.data.description),
        };
        const { subject, text } = renderNotificationEmail(n.kind, facts);

        let ics: string | null = null;
        if (booking && lab) {
          const calendar = newCalendar({ locale, zone, scope: 'email', method: 'publish' });
          addBookingEvent(
            calendar,
            { ...booking, labName: labName ?? lab.name, labHost: lab.host, memberName: showMember },
            { host, locale, stamp: now },
          );
          ics = calendarText(calendar, zone);
        }
        rows.push({
          notificationId: n.id,
          toAddress: recipient.email!,
          subject,
          body: text,
          ics,
          nextAttemptAt: now,
        });
      }
      await db.insert(outbox).values(rows);
    },
  };
}

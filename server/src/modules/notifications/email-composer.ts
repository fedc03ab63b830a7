// Turns notifications into outbox rows inside the caller's transaction: the recipient's language,
// the lab's time zone, a link to the page concerned, and for the member's own booking an iTIP
// invitation (RFC 5546) of its current state: REQUEST while it takes place, CANCEL once it does
// not, with the booking's stored SEQUENCE so the calendar keeps the newest. notify() calls this
// when SMTP is configured; the delivery job sends the rows later.
import { DEFAULT_TIMEZONE, type Locale } from '@fablab/shared';
import { eq, inArray } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { bookings, labManagers, labs, machines, outbox, users } from '../../db/schema/index.js';
import type { Clock } from '../../lib/clock.js';
import type { CreatedNotification, NotificationMailer } from '../../lib/notify.js';
import { reasonInLocale } from '../../lib/system-reasons.js';
import addressparser from 'nodemailer/lib/addressparser/index.js';
import { addBookingEvent, calendarText, itipMethodOf, memberLabel, newCalendar, uidHost, type ItipParties } from '../../lib/ical.js';
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

const reasonOf = (reason: string | undefined, locale: Locale) => (reason ? reasonInLocale(reason, locale) : undefined);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const uuid = (value: unknown) => (typeof value === 'string' && UUID.test(value) ? value : undefined);

/** The page a notification is about: members land on their bookings, managers on the lab's tab. */
function linkFor(publicUrl: string, kind: string, bookingId: string | undefined, labId: string | undefined): string {
  if (kind === 'booking_pending') return labId ? `${publicUrl}/manage/${labId}` : `${publicUrl}/manage`;
  if (kind === 'incident_reported' && labId) return `${publicUrl}/manage/${labId}/incidents`;
  if (kind === 'maintenance_due' && labId) return `${publicUrl}/manage/${labId}/maintenance`;
  if (kind.startsWith('booking_')) return bookingId ? `${publicUrl}/my?booking=${bookingId}` : `${publicUrl}/my`;
  if (kind.startsWith('certification_') || kind === 'guardian_consent_given') return `${publicUrl}/my`;
  return `${publicUrl}/notifications`;
}

/** The ORGANIZER of invitations: the address mail comes from. */
function organizerOf(mailFrom: string): ItipParties['organizer'] {
  const [first] = addressparser(mailFrom, { flatten: true });
  const email = first && 'address' in first && first.address ? first.address : 'no-reply@fablab.local';
  return { name: first?.name || 'FabLab', email };
}

export function createEmailComposer(deps: { clock: Clock; publicUrl: string; mailFrom: string }): NotificationMailer {
  const { clock, publicUrl } = deps;
  const host = uidHost(publicUrl);
  const organizer = organizerOf(deps.mailFrom);

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
              sequence: bookings.sequence,
              machineName: machines.name,
              memberName: users.fullName,
              memberDeletedAt: users.deletedAt,
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
            ? memberLabel(booking.memberName, booking.memberDeletedAt !== null, locale)
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
          reason: reasonOf(str(n.data.reason) ?? (n.kind.startsWith('booking_') ? (booking?.reason ?? undefined) : undefined), locale),
          byMaintenance: n.data.byMaintenance === true,
          memberName: showMember ?? str(n.data.memberName),
          offsetMinutes: typeof n.data.offsetMinutes === 'number' ? n.data.offsetMinutes : undefined,
          expiresAt: date(n.data.expiresAt),
          title: str(n.data.title),
          description: str(n.data.description),
          link: linkFor(publicUrl, n.kind, booking?.id ?? uuid(n.data.bookingId), lab?.id ?? uuid(n.data.labId)),
        };
        const { subject, text, html } = renderNotificationEmail(n.kind, facts);

        // The invitation goes to the member whose booking it is: they are its ATTENDEE. Managers
        // follow their labs through the labs feed instead.
        let ics: string | null = null;
        if (booking && lab && booking.userId === recipient.id) {
          const method = itipMethodOf(booking.status);
          const calendar = newCalendar({ locale, zone, scope: 'email', method });
          addBookingEvent(
            calendar,
            { ...booking, labName: labName ?? lab.name, labHost: lab.host, memberName: null },
            {
              host,
              locale,
              stamp: now,
              itip: { organizer, attendee: { name: recipient.fullName, email: recipient.email! } },
            },
          );
          ics = calendarText(calendar, zone);
        }
        rows.push({
          notificationId: n.id,
          toAddress: recipient.email!,
          subject,
          body: text,
          html,
          ics,
          // A reminder that would arrive after the start only confuses: it is dropped then.
          notAfter: n.kind === 'booking_reminder' ? (booking?.startAt ?? facts.start ?? null) : null,
          nextAttemptAt: now,
        });
      }
      await db.insert(outbox).values(rows);
    },
  };
}

// iCalendar (RFC 5545) for bookings and maintenance, shared by the calendar feeds and the .ics
// attached to booking emails, so that one booking has one UID everywhere and a calendar app
// updates the same event instead of adding another.
//
// Times are written in UTC, which validates everywhere while calendar apps still show them in the
// reader's zone; X-WR-TIMEZONE and a VTIMEZONE name the lab's zone. The VTIMEZONE is also what
// keeps a calendar with no events valid: RFC 5545 wants at least one component, and an empty
// VCALENDAR is refused by some readers.
//
// One status rule for feeds and mail (eventStatus): a booking that will not take place (cancelled,
// rejected, expired, no-show) stays in calendars as STATUS:CANCELLED instead of vanishing, so a
// calendar that already holds it learns it is off.
import type { BookingStatus, Locale } from '@fablab/shared';
import ical, {
  ICalAttendeeRole,
  ICalAttendeeStatus,
  ICalCalendarMethod,
  ICalEventStatus,
  type ICalCalendar,
} from 'ical-generator';
import { tzlib_get_ical_block, tzlib_get_timezones } from 'timezones-ical-library';
import { reasonInLocale } from './system-reasons.js';

export interface IcalBooking {
  id: string;
  startAt: Date;
  endAt: Date;
  status: BookingStatus;
  purpose: string;
  note: string | null;
  reason: string | null;
  createdAt: Date;
  updatedAt: Date;
  /** The stored revision counter (bookings.sequence). */
  sequence: number;
  machineName: string;
  labName: string;
  labHost: string;
  /** Only in feeds and emails whose reader may see it (the lab's managers). */
  memberName?: string | null;
  /** The owner deleted their account: the name is replaced by a label in the reader's language. */
  memberDeleted?: boolean;
}

export interface IcalMaintenance {
  id: string;
  startAt: Date;
  endAt: Date;
  reason: string;
  createdAt: Date;
  machineName: string;
  labName: string;
  labHost: string;
}

const STATUS_WORDS: Record<Locale, Partial<Record<BookingStatus, string>>> = {
  vi: {
    pending: 'chờ duyệt',
    cancelled: 'đã hủy',
    rejected: 'bị từ chối',
    expired: 'hết hạn',
    checked_in: 'đang sử dụng',
    completed: 'đã hoàn thành',
    no_show: 'vắng mặt',
  },
  en: {
    pending: 'pending',
    cancelled: 'cancelled',
    rejected: 'rejected',
    expired: 'expired',
    checked_in: 'in use',
    completed: 'completed',
    no_show: 'no-show',
  },
};

const WORDS = {
  vi: {
    booking: 'Đặt máy',
    maintenance: 'Bảo trì',
    purpose: 'Mục đích',
    note: 'Ghi chú',
    reason: 'Lý do',
    member: 'Thành viên',
    deletedMember: 'Thành viên đã xóa tài khoản',
    feedName: 'Lịch đặt máy FabLab',
    labsFeedName: 'Lịch các phòng FabLab',
  },
  en: {
    booking: 'Booking',
    maintenance: 'Maintenance',
    purpose: 'Purpose',
    note: 'Note',
    reason: 'Reason',
    member: 'Member',
    deletedMember: 'Deleted member',
    feedName: 'FabLab bookings',
    labsFeedName: 'FabLab labs calendar',
  },
} as const;

export const PURPOSE_WORDS: Record<Locale, Record<string, string>> = {
  vi: {
    personal_project: 'Dự án cá nhân',
    startup_prototype: 'Mẫu thử khởi nghiệp',
    stem_class: 'Lớp học STEM',
    training: 'Đào tạo',
    research: 'Nghiên cứu',
    enterprise_service: 'Dịch vụ doanh nghiệp',
  },
  en: {
    personal_project: 'Personal project',
    startup_prototype: 'Startup prototype',
    stem_class: 'STEM class',
    training: 'Training',
    research: 'Research',
    enterprise_service: 'Enterprise service',
  },
};

/**
 * How a member is named to someone allowed to see names: a deleted account keeps an anonymised
 * row, whose stored name is not a name; it is said in the reader's language.
 */
export function memberLabel(name: string | null | undefined, deleted: boolean, locale: Locale): string | null {
  if (deleted) return WORDS[locale].deletedMember;
  return name || null;
}

/** The host part of booking UIDs: stable for one deployment. */
export function uidHost(publicUrl: string): string {
  try {
    return new URL(publicUrl).hostname || 'fablab.local';
  } catch {
    return 'fablab.local';
  }
}

/**
 * METHOD of an emailed event (RFC 5546): REQUEST puts or updates the event in the member's
 * calendar, CANCEL takes it out. Feeds leave METHOD out, as subscribed calendars do.
 */
export type ItipMethod = 'request' | 'cancel';

export function newCalendar(options: {
  locale: Locale;
  zone: string;
  scope: 'mine' | 'labs' | 'email';
  method?: ItipMethod;
  ttlSeconds?: number;
}): ICalCalendar {
  const words = WORDS[options.locale];
  const calendar = ical({
    prodId: { company: 'FabLab Binh Duong', product: 'Booking', language: options.locale.toUpperCase() },
    name: options.scope === 'labs' ? words.labsFeedName : words.feedName,
  });
  if (options.method) {
    calendar.method(options.method === 'cancel' ? ICalCalendarMethod.CANCEL : ICalCalendarMethod.REQUEST);
  }
  if (options.ttlSeconds) calendar.ttl(options.ttlSeconds);
  return calendar;
}

let knownZones: Set<string> | undefined;

/** The zone's VTIMEZONE from the IANA database, or null for a name it does not know. */
function vtimezone(zone: string): string | null {
  knownZones ??= new Set(tzlib_get_timezones() as string[]);
  if (!knownZones.has(zone)) return null;
  const [block] = tzlib_get_ical_block(zone) as string[];
  return block ? `${block.replace(/(\r\n)+$/, '')}\r\n` : null;
}

/**
 * The calendar's text with X-WR-TIMEZONE among the calendar properties (RFC 5545 puts those
 * before the components, while ical-generator writes its x-properties after the events), the
 * zone's VTIMEZONE as the first component, and CRLF after every line, the last one included.
 */
export function calendarText(calendar: ICalCalendar, zone: string): string {
  let text = calendar.toString();
  if (!text.endsWith('\r\n')) text += '\r\n';
  const line = `X-WR-TIMEZONE:${zone.replace(/[^A-Za-z0-9_+\-/]/g, '')}\r\n`;
  const at = text.indexOf('\r\n', text.indexOf('VERSION:2.0')) + 2;
  text = text.slice(0, at) + line + text.slice(at);
  const block = vtimezone(zone);
  if (!block) return text;
  const firstComponent = text.search(/^BEGIN:(?!VCALENDAR)/m);
  const insertAt = firstComponent >= 0 ? firstComponent : text.lastIndexOf('END:VCALENDAR');
  return text.slice(0, insertAt) + block + text.slice(insertAt);
}

/** The one status rule of feeds and mail. */
export function eventStatus(status: BookingStatus): ICalEventStatus {
  if (status === 'pending') return ICalEventStatus.TENTATIVE;
  if (status === 'approved' || status === 'checked_in' || status === 'completed') return ICalEventStatus.CONFIRMED;
  // cancelled, rejected, expired, no_show: the booking does not (or did not) take place.
  return ICalEventStatus.CANCELLED;
}

/** The iTIP method an email about the booking carries: one rule with the event's STATUS. */
export function itipMethodOf(status: BookingStatus): ItipMethod {
  return eventStatus(status) === ICalEventStatus.CANCELLED ? 'cancel' : 'request';
}

export interface ItipParties {
  /** The booking system, which sends the invitations (RFC 5546 requires an ORGANIZER). */
  organizer: { name: string; email: string };
  /** The member whose booking it is. */
  attendee: { name: string; email: string };
}

export function addBookingEvent(
  calendar: ICalCalendar,
  booking: IcalBooking,
  options: { host: string; locale: Locale; stamp: Date; itip?: ItipParties },
): void {
  const words = WORDS[options.locale];
  const statusWord = STATUS_WORDS[options.locale][booking.status];
  const member = booking.memberName ? memberLabel(booking.memberName, booking.memberDeleted ?? false, options.locale) : null;
  const who = member ? ` – ${member}` : '';
  const summary = `${words.booking}: ${booking.machineName}${who}${statusWord ? ` (${statusWord})` : ''}`;
  const lines = [
    `${words.purpose}: ${PURPOSE_WORDS[options.locale][booking.purpose] ?? booking.purpose}`,
    member ? `${words.member}: ${member}` : null,
    booking.note ? `${words.note}: ${booking.note}` : null,
    booking.reason ? `${words.reason}: ${reasonInLocale(booking.reason, options.locale)}` : null,
  ].filter((l): l is string => l !== null);
  calendar.createEvent({
    id: `${booking.id}@${options.host}`,
    start: booking.startAt,
    end: booking.endAt,
    stamp: options.stamp,
    created: booking.createdAt,
    lastModified: booking.updatedAt,
    sequence: booking.sequence,
    summary,
    description: lines.join('\n'),
    location: booking.labHost ? `${booking.labName}, ${booking.labHost}` : booking.labName,
    status: eventStatus(booking.status),
    ...(options.itip
      ? {
          organizer: options.itip.organizer,
          attendees: [
            {
              ...options.itip.attendee,
              role: ICalAttendeeRole.REQ,
              // The member asked for the booking: nothing to answer.
              status:
                booking.status === 'pending'
                  ? ICalAttendeeStatus.TENTATIVE
                  : eventStatus(booking.status) === ICalEventStatus.CANCELLED
                    ? ICalAttendeeStatus.DECLINED
                    : ICalAttendeeStatus.ACCEPTED,
              rsvp: false,
            },
          ],
        }
      : {}),
  });
}

export function addMaintenanceEvent(
  calendar: ICalCalendar,
  window: IcalMaintenance,
  options: { host: string; locale: Locale; stamp: Date },
): void {
  const words = WORDS[options.locale];
  calendar.createEvent({
    id: `maintenance-${window.id}@${options.host}`,
    start: window.startAt,
    end: window.endAt,
    stamp: options.stamp,
    created: window.createdAt,
    lastModified: window.createdAt,
    summary: `${words.maintenance}: ${window.machineName}`,
    description: `${words.reason}: ${window.reason}`,
    location: window.labHost ? `${window.labName}, ${window.labHost}` : window.labName,
    status: ICalEventStatus.CONFIRMED,
  });
}

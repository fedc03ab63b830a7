// iCalendar (RFC 5545) for bookings and maintenance, shared by the calendar feeds and the .ics
// attached to booking emails, so that one booking has one UID everywhere and a calendar app
// updates the same event instead of adding another.
//
// Times are written in UTC with X-WR-TIMEZONE naming the lab's zone: a TZID would need a
// VTIMEZONE component that ical-generator cannot produce without an extra generator, and UTC
// instants validate everywhere while calendar apps still show them in the reader's zone.
import type { BookingStatus, Locale } from '@fablab/shared';
import ical, { ICalCalendarMethod, ICalEventStatus, type ICalCalendar } from 'ical-generator';

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
  machineName: string;
  labName: string;
  labHost: string;
  /** Only in feeds and emails whose reader may see it (the lab's managers). */
  memberName?: string | null;
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

/** The host part of booking UIDs: stable for one deployment. */
export function uidHost(publicUrl: string): string {
  try {
    return new URL(publicUrl).hostname || 'fablab.local';
  } catch {
    return 'fablab.local';
  }
}

export function newCalendar(options: {
  locale: Locale;
  zone: string;
  scope: 'mine' | 'labs' | 'email';
  /** PUBLISH for an emailed event; feeds leave METHOD out, as subscribed calendars do. */
  method?: 'publish';
  ttlSeconds?: number;
}): ICalCalendar {
  const words = WORDS[options.locale];
  const calendar = ical({
    prodId: { company: 'FabLab Binh Duong', product: 'Booking', language: options.locale.toUpperCase() },
    name: options.scope === 'labs' ? words.labsFeedName : words.feedName,
  });
  if (options.method === 'publish') calendar.method(ICalCalendarMethod.PUBLISH);
  if (options.ttlSeconds) calendar.ttl(options.ttlSeconds);
  return calendar;
}

/**
 * The calendar's text with X-WR-TIMEZONE among the calendar properties: RFC 5545 puts those
 * before the components, while ical-generator writes its x-properties after the events.
 */
export function calendarText(calendar: ICalCalendar, zone: string): string {
  const text = calendar.toString();
  const line = `X-WR-TIMEZONE:${zone.replace(/[^A-Za-z0-9_+\-/]/g, '')}\r\n`;
  const at = text.indexOf('\r\n', text.indexOf('VERSION:2.0')) + 2;
  return text.slice(0, at) + line + text.slice(at);
}

function eventStatus(status: BookingStatus): ICalEventStatus {
  if (status === 'cancelled' || status === 'rejected' || status === 'expired') return ICalEventStatus.CANCELLED;
  if (status === 'pending') return ICalEventStatus.TENTATIVE;
  return ICalEventStatus.CONFIRMED;
}

/**
 * A revision number that grows with every change of the booking, without a counter column:
 * calendar apps take the event with the higher SEQUENCE as the newer one.
 */
function sequenceOf(createdAt: Date, updatedAt: Date): number {
  return Math.max(0, Math.floor((updatedAt.getTime() - createdAt.getTime()) / 1000));
}

export function addBookingEvent(
  calendar: ICalCalendar,
  booking: IcalBooking,
  options: { host: string; locale: Locale; stamp: Date },
): void {
  const words = WORDS[options.locale];
  const statusWord = STATUS_WORDS[options.locale][booking.status];
  const who = booking.memberName ? ` – ${booking.memberName}` : '';
  const summary = `${words.booking}: ${booking.machineName}${who}${statusWord ? ` (${statusWord})` : ''}`;
  const lines = [
    `${words.purpose}: ${PURPOSE_WORDS[options.locale][booking.purpose] ?? booking.purpose}`,
    booking.memberName ? `${words.member}: ${booking.memberName}` : null,
    booking.note ? `${words.note}: ${booking.note}` : null,
    booking.reason ? `${words.reason}: ${booking.reason}` : null,
  ].filter((l): l is string => l !== null);
  calendar.createEvent({
    id: `${booking.id}@${options.host}`,
    start: booking.startAt,
    end: booking.endAt,
    stamp: options.stamp,
    created: booking.createdAt,
    lastModified: booking.updatedAt,
    sequence: sequenceOf(booking.createdAt, booking.updatedAt),
    summary,
    description: lines.join('\n'),
    location: booking.labHost ? `${booking.labName}, ${booking.labHost}` : booking.labName,
    status: eventStatus(booking.status),
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

// The words of notification emails, in Vietnamese and English, with times in the lab's time zone.
import type { Locale } from '@fablab/shared';
import { DateTime } from 'luxon';

export interface EmailContent {
  subject: string;
  text: string;
  /** The same words as HTML, styled inline: webmail drops <style> blocks and external CSS. */
  html: string;
}

/** What a template may use; everything but the recipient is optional. */
export interface EmailFacts {
  locale: Locale;
  recipientName: string;
  zone: string;
  publicUrl: string;
  machineName?: string;
  machineType?: string;
  labName?: string;
  start?: Date;
  end?: Date;
  reason?: string;
  byMaintenance?: boolean;
  memberName?: string;
  offsetMinutes?: number;
  expiresAt?: Date;
  title?: string;
  description?: string;
  /** The page the mail is about (the booking in "my bookings", the lab's queue…). */
  link?: string;
}

/** dd/MM/yyyy HH:mm in the lab's zone: what a person in the lab reads on the wall clock. */
export function formatLocal(at: Date, zone: string): string {
  return DateTime.fromJSDate(at, { zone }).toFormat('dd/MM/yyyy HH:mm');
}

function formatRange(start: Date, end: Date | undefined, zone: string): string {
  if (!end) return formatLocal(start, zone);
  const a = DateTime.fromJSDate(start, { zone });
  const b = DateTime.fromJSDate(end, { zone });
  const endText = a.hasSame(b, 'day') ? b.toFormat('HH:mm') : b.toFormat('dd/MM/yyyy HH:mm');
  return `${a.toFormat('dd/MM/yyyy HH:mm')} – ${endText}`;
}

function durationWords(minutes: number, locale: Locale): string {
  if (minutes % 1440 === 0) {
    const days = minutes / 1440;
    if (days === 1) return locale === 'vi' ? '24 giờ' : '24 hours';
    return locale === 'vi' ? `${days} ngày` : `${days} days`;
  }
  if (minutes % 60 === 0) {
    const hours = minutes / 60;
    return locale === 'vi' ? `${hours} giờ` : hours === 1 ? '1 hour' : `${hours} hours`;
  }
  return locale === 'vi' ? `${minutes} phút` : `${minutes} minutes`;
}

function typeWords(type: string | undefined): string {
  return type ? type.replace(/_/g, ' ') : '';
}

const LABELS = {
  vi: {
    hello: (name: string) => `Xin chào ${name},`,
    machine: 'Máy',
    lab: 'Phòng thí nghiệm',
    time: 'Thời gian',
    reason: 'Lý do',
    member: 'Thành viên',
    zoneNote: (zone: string) => `Giờ theo múi giờ của phòng (${zone}).`,
    open: (url: string) => `Xem chi tiết: ${url}`,
    button: 'Xem chi tiết',
    footer: 'Email này được gửi tự động từ hệ thống đặt máy FabLab Bình Dương; vui lòng không trả lời.',
    fallbackMachine: 'máy',
  },
  en: {
    hello: (name: string) => `Hello ${name},`,
    machine: 'Machine',
    lab: 'Lab',
    time: 'Time',
    reason: 'Reason',
    member: 'Member',
    zoneNote: (zone: string) => `Times are in the lab's time zone (${zone}).`,
    open: (url: string) => `Details: ${url}`,
    button: 'Open',
    footer: 'This email was sent automatically by the FabLab Binh Duong booking system; please do not reply.',
    fallbackMachine: 'a machine',
  },
} as const;

/** The headline and opening sentence of each kind. */
function headline(kind: string, f: EmailFacts): { subject: string; lead: string } {
  const vi = f.locale === 'vi';
  const m = f.machineName ?? LABELS[f.locale].fallbackMachine;
  const when = f.start ? formatLocal(f.start, f.zone) : '';
  switch (kind) {
    case 'booking_pending':
      return vi
        ? { subject: `Yêu cầu đặt máy mới chờ duyệt: ${m}`, lead: `Có một yêu cầu đặt máy ${m} đang chờ bạn duyệt.` }
        : {
            subject: `New booking request to approve: ${m}`,
            lead: `A booking request for ${m} is waiting for your approval.`,
          };
    case 'booking_approved':
      return vi
        ? { subject: `Đặt máy đã được duyệt: ${m}, ${when}`, lead: `Lượt đặt máy ${m} của bạn đã được duyệt.` }
        : { subject: `Booking approved: ${m}, ${when}`, lead: `Your booking of ${m} has been approved.` };
    case 'booking_rescheduled':
      return vi
        ? {
            subject: `Lượt đặt máy đã đổi giờ: ${m}, ${when}`,
            lead: `Lượt đặt máy ${m} của bạn đã được chuyển sang giờ mới.`,
          }
        : { subject: `Booking moved: ${m}, ${when}`, lead: `Your booking of ${m} was moved to a new time.` };
    case 'booking_rejected':
      return vi
        ? { subject: `Yêu cầu đặt máy bị từ chối: ${m}`, lead: `Rất tiếc, yêu cầu đặt máy ${m} của bạn đã bị từ chối.` }
        : { subject: `Booking request rejected: ${m}`, lead: `Sorry, your booking request for ${m} was rejected.` };
    case 'booking_cancelled':
      if (f.byMaintenance)
        return vi
          ? {
              subject: `Lượt đặt máy bị hủy do bảo trì: ${m}`,
              lead: `Lượt đặt máy ${m} của bạn đã bị hủy vì máy được lên lịch bảo trì.`,
            }
          : {
              subject: `Booking cancelled for maintenance: ${m}`,
              lead: `Your booking of ${m} was cancelled because maintenance was scheduled on the machine.`,
            };
      return vi
        ? { subject: `Lượt đặt máy đã bị hủy: ${m}`, lead: `Lượt đặt máy ${m} của bạn đã bị hủy.` }
        : { subject: `Booking cancelled: ${m}`, lead: `Your booking of ${m} has been cancelled.` };
    case 'booking_expired':
      return vi
        ? {
            subject: `Yêu cầu đặt máy đã hết hạn: ${m}`,
            lead: `Yêu cầu đặt máy ${m} của bạn đã hết hạn vì chưa được duyệt trước giờ bắt đầu.`,
          }
        : {
            subject: `Booking request expired: ${m}`,
            lead: `Your booking request for ${m} expired: nobody approved it before its start.`,
          };
    case 'booking_reminder': {
      const inWords = f.offsetMinutes ? durationWords(f.offsetMinutes, f.locale) : '';
      return vi
        ? {
            subject: `Nhắc lịch: ${m} lúc ${when}`,
            lead: `Nhắc bạn: lượt đặt máy ${m} bắt đầu${inWords ? ` trong vòng ${inWords}` : ''}, lúc ${when}.`,
          }
        : {
            subject: `Reminder: ${m} at ${when}`,
            lead: `A reminder: your booking of ${m} starts${inWords ? ` within ${inWords}` : ''}, at ${when}.`,
          };
    }
    case 'booking_no_show':
      return vi
        ? {
            subject: `Vắng mặt: ${m}, ${when}`,
            lead: `Bạn đã không đến nhận máy ${m} đã đặt; lượt đặt được ghi nhận là vắng mặt.`,
          }
        : {
            subject: `No-show recorded: ${m}, ${when}`,
            lead: `You did not check in for your booking of ${m}; it was recorded as a no-show.`,
          };
    case 'booking_ended':
      return vi
        ? {
            subject: `Hết giờ: ${m}`,
            lead: `Lượt đặt ${m} của bạn đã kết thúc. Hãy trả máy (chạm thẻ hoặc bấm Dừng); máy sẽ tự tắt nguồn sau thời gian chờ.`,
          }
        : {
            subject: `Time is up: ${m}`,
            lead: `Your booking of ${m} has ended. Please check out (tap your card or press Stop); the machine switches off after the grace period.`,
          };
    case 'certification_granted': {
      const t = typeWords(f.machineType) || m;
      return vi
        ? {
            subject: `Bạn đã được cấp chứng nhận sử dụng ${t}`,
            lead: `Chúc mừng! Bạn đã được cấp chứng nhận sử dụng ${t}${f.labName ? ` tại ${f.labName}` : ''}.`,
          }
        : {
            subject: `You are certified on ${t}`,
            lead: `Congratulations! You are now certified to use ${t}${f.labName ? ` at ${f.labName}` : ''}.`,
          };
    }
    case 'certification_expiring': {
      const t = typeWords(f.machineType) || m;
      const until = f.expiresAt ? formatLocal(f.expiresAt, f.zone) : '';
      return vi
        ? {
            subject: `Chứng nhận ${t} sắp hết hạn`,
            lead: `Chứng nhận sử dụng ${t} của bạn sẽ hết hạn${until ? ` vào ${until}` : ' sắp tới'}.`,
          }
        : {
            subject: `Your ${t} certification is about to expire`,
            lead: `Your certification for ${t} expires${until ? ` on ${until}` : ' soon'}.`,
          };
    }
    case 'incident_reported':
      return vi
        ? { subject: `Báo cáo sự cố: ${m}`, lead: `Có một sự cố được báo cáo trên máy ${m}.` }
        : { subject: `Incident reported: ${m}`, lead: `An incident was reported on ${m}.` };
    case 'maintenance_due':
      return vi
        ? { subject: `Đến hạn bảo trì: ${m}`, lead: `Máy ${m} đã đến hạn bảo trì${f.title ? `: ${f.title}` : ''}.` }
        : { subject: `Maintenance due: ${m}`, lead: `${m} is due for maintenance${f.title ? `: ${f.title}` : ''}.` };
    case 'guardian_consent_given':
      return vi
        ? {
            subject: 'Người giám hộ đã đồng ý: bạn có thể đặt máy',
            lead: 'Cha mẹ hoặc người giám hộ của bạn đã xác nhận đồng ý. Từ giờ bạn có thể đặt máy tại các phòng FabLab.',
          }
        : {
            subject: 'Your guardian consented: you may book',
            lead: 'Your parent or guardian has confirmed their consent. You may now book machines at the FabLabs.',
          };
    default:
      return vi
        ? { subject: 'Thông báo mới từ FabLab', lead: 'Bạn có một thông báo mới trong hệ thống đặt máy FabLab.' }
        : { subject: 'New FabLab notification', lead: 'You have a new notification in the FabLab booking system.' };
  }
}

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const FONT = 'font-family:Arial,Helvetica,sans-serif;font-size:15px;line-height:1.5;color:#1f2933';

/**
 * The HTML part: one column, styles on the elements, the link as a button and spelled out below
 * it (some mail programs block buttons until the reader trusts the sender).
 */
function htmlEmail(input: {
  lang: Locale;
  paragraphs: string[];
  details: string[];
  notes: string[];
  link?: { url: string; label: string };
  footer: string;
}): string {
  const p = (text: string, style = '') => `<p style="margin:0 0 12px;${style}">${escapeHtml(text)}</p>`;
  const details = input.details.length
    ? `<table role="presentation" style="border-collapse:collapse;margin:0 0 12px">${input.details
        .map((d) => {
          const at = d.indexOf(': ');
          return at > 0
            ? `<tr><td style="padding:2px 12px 2px 0;color:#52606d;vertical-align:top">${escapeHtml(d.slice(0, at))}</td><td style="padding:2px 0;font-weight:bold">${escapeHtml(d.slice(at + 2))}</td></tr>`
            : `<tr><td colspan="2" style="padding:2px 0">${escapeHtml(d)}</td></tr>`;
        })
        .join('')}</table>`
    : '';
  const link = input.link
    ? `<p style="margin:16px 0"><a href="${escapeHtml(input.link.url)}" style="display:inline-block;padding:10px 18px;background:#0b6e4f;color:#ffffff;text-decoration:none;border-radius:4px;font-weight:bold">${escapeHtml(input.link.label)}</a></p>` +
      `<p style="margin:0 0 12px;font-size:13px;color:#52606d"><a href="${escapeHtml(input.link.url)}" style="color:#0b6e4f">${escapeHtml(input.link.url)}</a></p>`
    : '';
  return [
    '<!doctype html>',
    `<html lang="${input.lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"></head>`,
    `<body style="margin:0;padding:0;background:#f5f7fa"><div style="max-width:560px;margin:0 auto;padding:24px;background:#ffffff;${FONT}">`,
    ...input.paragraphs.map((t) => p(t)),
    details,
    ...input.notes.map((t) => p(t, 'font-size:13px;color:#52606d')),
    link,
    `<hr style="border:none;border-top:1px solid #e4e7eb;margin:20px 0">`,
    p(input.footer, 'font-size:12px;color:#7b8794'),
    '</div></body></html>',
  ].join('\n');
}

export function renderNotificationEmail(kind: string, facts: EmailFacts): EmailContent {
  const l = LABELS[facts.locale];
  const { subject, lead } = headline(kind, facts);
  const link = facts.link ?? facts.publicUrl;
  const details = [
    facts.memberName ? `${l.member}: ${facts.memberName}` : null,
    facts.machineName ? `${l.machine}: ${facts.machineName}` : null,
    facts.labName ? `${l.lab}: ${facts.labName}` : null,
    facts.start ? `${l.time}: ${formatRange(facts.start, facts.end, facts.zone)}` : null,
    facts.reason ? `${l.reason}: ${facts.reason}` : null,
    facts.description ? facts.description : null,
  ].filter((line): line is string => line !== null);
  const notes = facts.start ? [l.zoneNote(facts.zone)] : [];
  const text = [
    l.hello(facts.recipientName),
    '',
    lead,
    ...(details.length ? ['', ...details] : []),
    ...(notes.length ? ['', ...notes] : []),
    '',
    l.open(link),
    '',
    '--',
    l.footer,
  ].join('\n');
  const html = htmlEmail({
    lang: facts.locale,
    paragraphs: [l.hello(facts.recipientName), lead],
    details,
    notes,
    link: { url: link, label: l.button },
    footer: l.footer,
  });
  return { subject, text, html };
}

/**
 * A mail whose point is one single-use link (a password reset, an invite, a guardian's consent):
 * greeting, paragraphs, the link, then when it expires and what to do if unexpected.
 */
function linkEmail(input: {
  locale: Locale;
  recipientName: string;
  paragraphs: string[];
  link: string;
  words: { subject: string; once: string; ignore: string; button: string };
}): EmailContent {
  const l = LABELS[input.locale];
  const { words } = input;
  const hello = l.hello(input.recipientName);
  const text = [
    hello,
    '',
    ...input.paragraphs.flatMap((p) => [p, '']),
    input.link,
    '',
    words.once,
    words.ignore,
    '',
    '--',
    l.footer,
  ].join('\n');
  const html = htmlEmail({
    lang: input.locale,
    paragraphs: [hello, ...input.paragraphs],
    details: [],
    notes: [words.once, words.ignore],
    link: { url: input.link, label: words.button },
    footer: l.footer,
  });
  return { subject: words.subject, text, html };
}

export function renderPasswordResetEmail(input: {
  locale: Locale;
  recipientName: string;
  link: string;
  validMinutes: number;
}): EmailContent {
  const words =
    input.locale === 'vi'
      ? {
          subject: 'Đặt lại mật khẩu FabLab',
          ask: 'Chúng tôi nhận được yêu cầu đặt lại mật khẩu cho tài khoản của bạn. Mở liên kết sau để đặt mật khẩu mới:',
          once: `Liên kết chỉ dùng được một lần và hết hạn sau ${durationWords(input.validMinutes, 'vi')}.`,
          ignore: 'Nếu bạn không yêu cầu, hãy bỏ qua email này; mật khẩu của bạn không thay đổi.',
          button: 'Đặt mật khẩu mới',
        }
      : {
          subject: 'Reset your FabLab password',
          ask: 'We received a request to reset the password of your account. Open this link to choose a new one:',
          once: `The link works once and expires in ${durationWords(input.validMinutes, 'en')}.`,
          ignore: 'If you did not ask for this, ignore this email; your password stays the same.',
          button: 'Choose a new password',
        };
  return linkEmail({
    locale: input.locale,
    recipientName: input.recipientName,
    paragraphs: [words.ask],
    link: input.link,
    words,
  });
}

/** An administrator opened an account for the recipient (or sends a new invite): a link to choose its password. */
export function renderInviteEmail(input: {
  locale: Locale;
  recipientName: string;
  email: string;
  link: string;
  validMinutes: number;
}): EmailContent {
  const words =
    input.locale === 'vi'
      ? {
          subject: 'Tài khoản FabLab Bình Dương của bạn',
          opened: `Quản trị viên FabLab Bình Dương mời bạn đặt mật khẩu cho tài khoản dùng email ${input.email}. Mở liên kết sau để chọn mật khẩu, rồi đăng nhập bằng email này:`,
          once: `Liên kết chỉ dùng được một lần và hết hạn sau ${durationWords(input.validMinutes, 'vi')}. Khi hết hạn, hãy nhờ quản trị viên gửi lời mời mới.`,
          ignore: 'Nếu bạn không biết vì sao nhận được email này, hãy bỏ qua nó.',
          button: 'Đặt mật khẩu',
        }
      : {
          subject: 'Your FabLab Binh Duong account',
          opened: `An administrator of FabLab Binh Duong invites you to choose the password of your account, which uses the email ${input.email}. Open this link to choose it, then sign in with this email:`,
          once: `The link works once and expires in ${durationWords(input.validMinutes, 'en')}. Once it has, ask the administrator for a new invitation.`,
          ignore: 'If you do not know why you received this email, ignore it.',
          button: 'Choose my password',
        };
  return linkEmail({
    locale: input.locale,
    recipientName: input.recipientName,
    paragraphs: [words.opened],
    link: input.link,
    words,
  });
}

/**
 * The guardian's consent link (Decree 13/2023, art. 20): to a parent or guardian, who has no
 * account, about the account a minor opened. In the minor's language.
 */
export function renderGuardianConsentEmail(input: {
  locale: Locale;
  guardianName: string;
  memberName: string;
  link: string;
  validDays: number;
}): EmailContent {
  const valid = durationWords(input.validDays * 1440, input.locale);
  const words =
    input.locale === 'vi'
      ? {
          subject: `Xác nhận đồng ý cho ${input.memberName} dùng FabLab Bình Dương`,
          ask: `${input.memberName} (dưới 16 tuổi) đã đăng ký tài khoản đặt máy tại các phòng FabLab Bình Dương và ghi bạn là cha mẹ hoặc người giám hộ. Theo Nghị định 13/2023/NĐ-CP, tài khoản chỉ được đặt máy sau khi bạn đồng ý.`,
          open: 'Mở liên kết sau để xem những thông tin được lưu và xác nhận sự đồng ý của bạn:',
          once: `Liên kết chỉ dùng được một lần và hết hạn sau ${valid}.`,
          ignore:
            'Nếu bạn không đồng ý hoặc không biết về tài khoản này, hãy bỏ qua email này: tài khoản sẽ không đặt được máy.',
          button: 'Xem và xác nhận',
        }
      : {
          subject: `Confirm your consent for ${input.memberName} to use FabLab Binh Duong`,
          ask: `${input.memberName} (under 16) has opened an account to book machines at the FabLabs of Binh Duong and named you as their parent or guardian. Under Decree 13/2023/ND-CP the account may book only once you consent.`,
          open: 'Open this link to see what is kept about them and to confirm your consent:',
          once: `The link works once and expires in ${valid}.`,
          ignore:
            'If you do not agree, or do not know of this account, ignore this email: the account will not be able to book.',
          button: 'Review and confirm',
        };
  return linkEmail({
    locale: input.locale,
    recipientName: input.guardianName,
    paragraphs: [words.ask, words.open],
    link: input.link,
    words,
  });
}

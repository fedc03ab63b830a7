// The reasons the system itself writes on bookings it cancels. They are stored as written here
// (the API and the audit log carry them so); calendars and mail word them in the reader's language.
import type { Locale } from '@fablab/shared';

export const SYSTEM_REASONS = {
  seriesCancelled: 'Series cancelled',
  accountDeleted: 'Account deleted',
  openingHoursChanged: 'Opening hours changed',
} as const;

const WORDS: Record<string, Record<Locale, string>> = {
  [SYSTEM_REASONS.seriesCancelled]: { vi: 'Chuỗi lịch đã bị hủy', en: 'Series cancelled' },
  [SYSTEM_REASONS.accountDeleted]: { vi: 'Tài khoản đã bị xóa', en: 'Account deleted' },
  [SYSTEM_REASONS.openingHoursChanged]: { vi: 'Giờ mở cửa đã thay đổi', en: 'Opening hours changed' },
};

/** A reason as the reader reads it: a system reason in their language, a person's words as typed. */
export function reasonInLocale(reason: string, locale: Locale): string {
  return WORDS[reason]?.[locale] ?? reason;
}

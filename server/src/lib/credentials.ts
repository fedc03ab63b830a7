import { randomUUID } from 'node:crypto';

/**
 * The columns that end every credential an account has handed out: sign-in tokens carry the
 * version, and a calendar-feed URL is the token itself. Written on a password change (however it
 * is made: by the member, an administrator, a reset or an invite link), on disabling and on
 * deletion; a new feed URL is made on the next request for one. Here rather than in the accounts
 * module because the set-password links (notifications module) write it too.
 */
export function revokedCredentials(): { tokenVersion: string; calendarToken: null; labsCalendarToken: null } {
  return { tokenVersion: randomUUID(), calendarToken: null, labsCalendarToken: null };
}

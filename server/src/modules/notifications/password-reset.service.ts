// Set-password links: a reset the member asks for by email, and an administrator's invite to a new
// account. Only the sha256 of the single-use token is stored, so a copy of the database cannot be
// used to take over accounts; a reset expires in an hour, an invite in a week. The reset request
// answers the same whether or not the email exists (the route also evens out the time).
import type { Invite, Locale } from '@fablab/shared';
import { createHash, randomBytes } from 'node:crypto';
import type { Db, DbOrTx } from '../../db/client.js';
import type { AuditLog } from '../../lib/audit.js';
import type { Clock } from '../../lib/clock.js';
import { revokedCredentials } from '../../lib/credentials.js';
import { DomainError } from '../../lib/errors.js';
import { hashPassword } from '../../lib/password.js';
import { renderInviteEmail, renderPasswordResetEmail } from './email-templates.js';
import { createNotificationRepository } from './notifications.repository.js';

export const RESET_VALID_MINUTES = 60;
/** Long enough for someone told by phone to find the mail after a weekend. */
export const INVITE_VALID_MINUTES = 7 * 24 * 60;
/** Live reset links per account at once: enough for a lost email, too few to flood a mailbox. */
const MAX_LIVE_TOKENS = 3;

export function hashResetToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

const invalidToken = () =>
  new DomainError(400, 'INVALID_TOKEN', 'This set-password link is invalid, used or expired');

/** Who an invite goes to. */
export interface Invitee {
  id: string;
  email: string;
  fullName: string;
  locale: Locale;
}

export function createPasswordResetService(deps: {
  db: Db;
  clock: Clock;
  publicUrl: string;
  emailEnabled: boolean;
  audit: AuditLog;
}) {
  const { audit } = deps;
  const { db, clock, publicUrl, emailEnabled } = deps;
  const repo = createNotificationRepository(db);
  const newToken = () => randomBytes(32).toString('base64url');

  return {
    /** Emails a reset link when the account exists and email is configured; says nothing either way. */
    async request(emailInput: string): Promise<void> {
      const email = emailInput.trim().toLowerCase();
      const user = await repo.findAccountByEmail(email);
      // Without SMTP there is no way to deliver the link: an admin sets a temporary password instead.
      if (!emailEnabled || !user || !user.email || user.deletedAt) return;
      const now = clock.now();
      await db.transaction(async (tx) => {
        // Serialises requests for one account, so the cap below holds under concurrency.
        await repo.lockAccount(user.id, tx);
        if ((await repo.liveResetCount(user.id, 'reset', now, tx)) >= MAX_LIVE_TOKENS) return;
        const token = newToken();
        await repo.insertReset(
          {
            userId: user.id,
            kind: 'reset',
            tokenHash: hashResetToken(token),
            expiresAt: new Date(now.getTime() + RESET_VALID_MINUTES * 60_000),
          },
          tx,
        );
        const link = `${publicUrl}/reset-password?token=${encodeURIComponent(token)}`;
        const mail = renderPasswordResetEmail({
          locale: user.locale,
          recipientName: user.fullName,
          link,
          validMinutes: RESET_VALID_MINUTES,
        });
        await repo.queueEmail(
          { toAddress: user.email!, subject: mail.subject, body: mail.text, html: mail.html, nextAttemptAt: now },
          tx,
        );
      });
    },

    /**
     * A new invite link for the account, in the caller's transaction; the account's older invites
     * stop working. Mailed when email is configured (and then not told to the caller: it belongs to
     * the recipient); otherwise handed back, for the administrator to pass on.
     */
    async issueInvite(tx: DbOrTx, user: Invitee): Promise<Invite> {
      const now = clock.now();
      await repo.lockAccount(user.id, tx);
      await repo.endResets(user.id, 'invite', now, tx);
      const token = newToken();
      const expiresAt = new Date(now.getTime() + INVITE_VALID_MINUTES * 60_000);
      await repo.insertReset({ userId: user.id, kind: 'invite', tokenHash: hashResetToken(token), expiresAt }, tx);
      const url = `${publicUrl}/set-password?token=${encodeURIComponent(token)}`;
      if (emailEnabled) {
        const mail = renderInviteEmail({
          locale: user.locale,
          recipientName: user.fullName,
          email: user.email,
          link: url,
          validMinutes: INVITE_VALID_MINUTES,
        });
        await repo.queueEmail(
          { toAddress: user.email, subject: mail.subject, body: mail.text, html: mail.html, nextAttemptAt: now },
          tx,
        );
      }
      return { url: emailEnabled ? null : url, expiresAt: expiresAt.toISOString(), mailed: emailEnabled };
    },

    /** Sets the new password once; older sign-in tokens and every other link of the account stop working. */
    async confirm(token: string, password: string): Promise<void> {
      // Hashed before looking the token up, so a wrong token costs what a right one does.
      const passwordHash = await hashPassword(password);
      const now = clock.now();
      await db.transaction(async (tx) => {
        const link = await repo.useReset(hashResetToken(token), now, tx);
        if (!link) throw invalidToken();
        const user = await repo.setPassword(link.userId, { passwordHash, ...revokedCredentials() }, tx);
        if (!user) throw invalidToken();
        await repo.useAllResets(user.id, now, tx);
        await audit.write(tx, {
          actorId: user.id,
          action: link.kind === 'invite' ? 'account.invite_accept' : 'account.password_reset',
          entityType: 'account',
          entityId: user.id,
        });
      });
    },
  };
}

export type PasswordResetService = ReturnType<typeof createPasswordResetService>;

// Password reset by email. Only the sha256 of the single-use token is stored, so a copy of the
// database cannot be used to take over accounts; the token expires in an hour. The request
// answers the same whether or not the email exists (the route also evens out the time).
import { createHash, randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Db } from '../../db/client.js';
import type { AuditLog } from '../../lib/audit.js';
import type { Clock } from '../../lib/clock.js';
import { DomainError } from '../../lib/errors.js';
import { hashPassword } from '../../lib/password.js';
import { renderPasswordResetEmail } from './email-templates.js';
import { createNotificationRepository } from './notifications.repository.js';

export const RESET_VALID_MINUTES = 60;
/** Live links per account at once: enough for a lost email, too few to flood a mailbox. */
const MAX_LIVE_TOKENS = 3;

export function hashResetToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

const invalidToken = () =>
  new DomainError(400, 'INVALID_TOKEN', 'This password reset link is invalid, used or expired');

export function createPasswordResetService(deps: {
  db: Db;
  clock: Clock;
  publicUrl: string;
  emailEnabled: boolean;
  audit: AuditLog;
  accounts: Pick<FastifyInstance['accounts'], 'revokedCredentials'>;
}) {
  const { audit } = deps;
  const { db, clock, publicUrl, emailEnabled } = deps;
  const repo = createNotificationRepository(db);

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
        if ((await repo.liveResetCount(user.id, now, tx)) >= MAX_LIVE_TOKENS) return;
        const token = randomBytes(32).toString('base64url');
        await repo.insertReset(
          {
            userId: user.id,
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

    /** Sets the new password once; older sign-in tokens and every other reset link stop working. */
    async confirm(token: string, password: string): Promise<void> {
      // Hashed before looking the token up, so a wrong token costs what a right one does.
      const passwordHash = await hashPassword(password);
      const now = clock.now();
      await db.transaction(async (tx) => {
        const reset = await repo.useReset(hashResetToken(token), now, tx);
        if (!reset) throw invalidToken();
        const user = await repo.setPassword(reset.userId, { passwordHash, ...deps.accounts.revokedCredentials() }, tx);
        if (!user) throw invalidToken();
        await repo.useAllResets(user.id, now, tx);
        await audit.write(tx, {
          actorId: user.id,
          action: 'account.password_reset',
          entityType: 'account',
          entityId: user.id,
        });
      });
    },
  };
}

// Password reset by email. Only the sha256 of the single-use token is stored, so a copy of the
// database cannot be used to take over accounts; the token expires in an hour. The request
// answers the same whether or not the email exists (the route also evens out the time).
import { and, count, eq, gt, isNull } from 'drizzle-orm';
import { createHash, randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Db } from '../../db/client.js';
import { outbox, passwordResets, users } from '../../db/schema/index.js';
import type { AuditLog } from '../../lib/audit.js';
import type { Clock } from '../../lib/clock.js';
import { DomainError } from '../../lib/errors.js';
import { hashPassword } from '../../lib/password.js';
import { renderPasswordResetEmail } from './email-templates.js';

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

  return {
    /** Emails a reset link when the account exists and email is configured; says nothing either way. */
    async request(emailInput: string): Promise<void> {
      const email = emailInput.trim().toLowerCase();
      const [user] = await db
        .select({
          id: users.id,
          email: users.email,
          fullName: users.fullName,
          locale: users.locale,
          deletedAt: users.deletedAt,
        })
        .from(users)
        .where(eq(users.email, email));
      // Without SMTP there is no way to deliver the link: an admin sets a temporary password instead.
      if (!emailEnabled || !user || !user.email || user.deletedAt) return;
      const now = clock.now();
      await db.transaction(async (tx) => {
        // Serialises requests for one account, so the cap below holds under concurrency.
        await tx.select({ id: users.id }).from(users).where(eq(users.id, user.id)).for('update');
        const [live] = await tx
          .select({ n: count() })
          .from(passwordResets)
          .where(
            and(eq(passwordResets.userId, user.id), isNull(passwordResets.usedAt), gt(passwordResets.expiresAt, now)),
          );
        if ((live?.n ?? 0) >= MAX_LIVE_TOKENS) return;
        const token = randomBytes(32).toString('base64url');
        await tx.insert(passwordResets).values({
          userId: user.id,
          tokenHash: hashResetToken(token),
          expiresAt: new Date(now.getTime() + RESET_VALID_MINUTES * 60_000),
        });
        const link = `${publicUrl}/reset-password?token=${encodeURIComponent(token)}`;
        const mail = renderPasswordResetEmail({
          locale: user.locale,
          recipientName: user.fullName,
          link,
          validMinutes: RESET_VALID_MINUTES,
        });
        await tx
          .insert(outbox)
          .values({ toAddress: user.email!, subject: mail.subject, body: mail.text, html: mail.html, nextAttemptAt: now });
      });
    },

    /** Sets the new password once; older sign-in tokens and every other reset link stop working. */
    async confirm(token: string, password: string): Promise<void> {
      // Hashed before looking the token up, so a wrong token costs what a right one does.
      const passwordHash = await hashPassword(password);
      const now = clock.now();
      await db.transaction(async (tx) => {
        const [reset] = await tx
          .update(passwordResets)
          .set({ usedAt: now })
          .where(
            and(
              eq(passwordResets.tokenHash, hashResetToken(token)),
              isNull(passwordResets.usedAt),
              gt(passwordResets.expiresAt, now),
            ),
          )
          .returning({ userId: passwordResets.userId });
        if (!reset) throw invalidToken();
        const [user] = await tx
          .update(users)
          .set({ passwordHash, ...deps.accounts.revokedCredentials() })
          .where(and(eq(users.id, reset.userId), isNull(users.deletedAt)))
          .returning({ id: users.id });
        if (!user) throw invalidToken();
        await tx
          .update(passwordResets)
          .set({ usedAt: now })
          .where(and(eq(passwordResets.userId, user.id), isNull(passwordResets.usedAt)));
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

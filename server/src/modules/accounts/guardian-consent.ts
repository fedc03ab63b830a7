// A guardian's consent to an under-16 account (Decree 13/2023, art. 20). The guardian confirms
// through a one-time link mailed to their contact, or signs a paper form that a lab's manager
// records; until then the account books nothing (booking-rules.ts asks the users row). Only the
// sha256 of a link's secret is stored, as for password resets; a link works once, until it
// expires, and only while the guardian's contact is still the address it went to. Confirmations
// and recorded forms are audited, and the member is told.
import type { CollectedField, GuardianConsentGiven, GuardianConsentLinkBody, GuardianConsentRequest, PaperConsentBody } from '@fablab/shared';
import { and, desc, eq, gt, inArray, isNull, sql } from 'drizzle-orm';
import { createHash, randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { DbOrTx, Tx } from '../../db/client.js';
import { guardianConsentLinks, labs, users } from '../../db/schema/index.js';
import { DomainError, conflict, notFound } from '../../lib/errors.js';
import { inTransaction } from '../../lib/transaction.js';
import type { Core } from '../../plugins/core.js';
import { requireCan, type Actor } from '../../plugins/policy.js';
import type { UserRow } from './accounts.repository.js';

/** Guardians read their mail less often than members: a link stays good for two weeks. */
export const CONSENT_LINK_VALID_DAYS = 14;
/** Live links per account at once: enough for a lost email, too few to flood a guardian's mailbox. */
const MAX_LIVE_LINKS = 3;

export function hashConsentToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** A contact the link can be mailed to; a phone number cannot take one (the paper form remains). */
export function isEmailAddress(contact: string): boolean {
  return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(contact.trim());
}

const invalidLink = () => new DomainError(400, 'INVALID_TOKEN', 'This consent link is invalid, used or expired');

/** The last link that went to a member's guardian, as their account page tells it. */
export interface SentLink {
  sentTo: string;
  createdAt: Date;
}

export interface GuardianConsentDeps extends Core {
  notifications: Pick<FastifyInstance['notifications'], 'emailGuardianConsent'>;
  publicUrl: string;
}

export function createGuardianConsent(deps: GuardianConsentDeps) {
  const { db, clock, audit, notifier } = deps;

  /** Ends the live links of a member (consent given, or the contact they went to changed). */
  async function retireLinks(tx: DbOrTx, userId: string, now: Date): Promise<void> {
    await tx
      .update(guardianConsentLinks)
      .set({ usedAt: now })
      .where(and(eq(guardianConsentLinks.userId, userId), isNull(guardianConsentLinks.usedAt), gt(guardianConsentLinks.expiresAt, now)));
  }

  async function liveLinks(tx: DbOrTx, userId: string, now: Date): Promise<number> {
    const [row] = await tx
      .select({ n: sql<number>`count(*)::int` })
      .from(guardianConsentLinks)
      .where(and(eq(guardianConsentLinks.userId, userId), isNull(guardianConsentLinks.usedAt), gt(guardianConsentLinks.expiresAt, now)));
    return row?.n ?? 0;
  }

  /**
   * Mails a new link to the guardian, in the caller's transaction: when the account waits for
   * consent, its guardian's contact is an email address and email is configured. Says where it went.
   */
  async function sendLink(tx: Tx, user: UserRow): Promise<SentLink | null> {
    const contact = user.guardianContact?.trim() ?? '';
    if (!user.under16 || user.guardianConsentAt || user.deletedAt || !isEmailAddress(contact)) return null;
    const now = clock.now();
    const token = randomBytes(32).toString('base64url');
    const link = `${deps.publicUrl}/guardian-consent/${token}`;
    const queued = await deps.notifications.emailGuardianConsent(tx, {
      to: contact,
      locale: user.locale,
      guardianName: user.guardianName ?? '',
      memberName: user.fullName,
      link,
      validDays: CONSENT_LINK_VALID_DAYS,
    });
    if (!queued) return null;
    await tx.insert(guardianConsentLinks).values({
      userId: user.id,
      tokenHash: hashConsentToken(token),
      sentTo: contact,
      expiresAt: new Date(now.getTime() + CONSENT_LINK_VALID_DAYS * 86_400_000),
      createdAt: now,
    });
    return { sentTo: contact, createdAt: now };
  }

  /** The live link with this secret and its member, who still waits for this guardian's consent. */
  async function findLive(tx: DbOrTx, token: string, now: Date, lock: boolean) {
    const query = tx
      .select({ link: guardianConsentLinks, user: users })
      .from(guardianConsentLinks)
      .innerJoin(users, eq(users.id, guardianConsentLinks.userId))
      .where(
        and(
          eq(guardianConsentLinks.tokenHash, hashConsentToken(token)),
          isNull(guardianConsentLinks.usedAt),
          gt(guardianConsentLinks.expiresAt, now),
        ),
      );
    const [found] = lock ? await query.for('update') : await query;
    if (!found) return undefined;
    const { link, user } = found;
    const stillTheirs = user.under16 && !user.deletedAt && !user.guardianConsentAt && user.guardianContact?.trim() === link.sentTo;
    return stillTheirs ? found : undefined;
  }

  return {
    sendLink,

    /** The last link sent to each member's guardian. */
    async lastLinks(userIds: string[], tx: DbOrTx = db): Promise<Map<string, SentLink>> {
      const map = new Map<string, SentLink>();
      if (userIds.length === 0) return map;
      const rows = await tx
        .selectDistinctOn([guardianConsentLinks.userId], {
          userId: guardianConsentLinks.userId,
          sentTo: guardianConsentLinks.sentTo,
          createdAt: guardianConsentLinks.createdAt,
        })
        .from(guardianConsentLinks)
        .where(inArray(guardianConsentLinks.userId, userIds))
        .orderBy(guardianConsentLinks.userId, desc(guardianConsentLinks.createdAt));
      for (const r of rows) map.set(r.userId, { sentTo: r.sentTo, createdAt: r.createdAt });
      return map;
    },

    /**
     * The member asks for a new link, with the guardian's name or contact corrected if need be (a
     * new contact ends the links sent to the old one). 409 once consent is given or when the
     * account is not under 16; 429 past the live links allowed.
     */
    async requestLink(userId: string, body: GuardianConsentLinkBody): Promise<UserRow> {
      const now = clock.now();
      return inTransaction(db, async (tx) => {
        const [row] = await tx.select().from(users).where(eq(users.id, userId)).for('update');
        if (!row || row.deletedAt) throw notFound('User');
        if (!row.under16) throw conflict('INVALID_STATE', 'Only an account of someone under 16 needs a guardian’s consent');
        if (row.guardianConsentAt) throw conflict('INVALID_STATE', 'The guardian’s consent is already recorded');
        let user = row;
        const name = body.name?.trim();
        const contact = body.contact?.trim();
        const changes: Partial<UserRow> = {};
        if (name && name !== row.guardianName) changes.guardianName = name;
        if (contact && contact !== row.guardianContact) changes.guardianContact = contact;
        if (Object.keys(changes).length > 0) {
          if (changes.guardianContact) await retireLinks(tx, userId, now);
          [user] = (await tx.update(users).set(changes).where(eq(users.id, userId)).returning()) as [UserRow];
        }
        if ((await liveLinks(tx, userId, now)) >= MAX_LIVE_LINKS) {
          throw new DomainError(429, 'TOO_MANY_REQUESTS', `At most ${MAX_LIVE_LINKS} consent links may wait at once; ask the guardian to look for the last one`);
        }
        await sendLink(tx, user);
        return user;
      });
    },

    /** What the guardian reads before confirming. */
    async read(token: string): Promise<GuardianConsentRequest> {
      const found = await findLive(db, token, clock.now(), false);
      if (!found) throw invalidLink();
      const { user, link } = found;
      const collected: CollectedField[] = [
        'fullName',
        'email',
        ...(user.phone ? (['phone'] as const) : []),
        ...(user.organization ? (['organization'] as const) : []),
        'category',
        'gender',
        'guardian',
        'bookings',
        'usage',
        'certifications',
      ];
      return { memberName: user.fullName, guardianName: user.guardianName, collected, expiresAt: link.expiresAt.toISOString() };
    },

    /** The guardian consents: once per link; every other link of the member ends with it. */
    async confirm(token: string): Promise<GuardianConsentGiven> {
      const now = clock.now();
      return inTransaction(db, async (tx) => {
        const found = await findLive(tx, token, now, true);
        if (!found) throw invalidLink();
        const { user, link } = found;
        await tx.update(guardianConsentLinks).set({ usedAt: now }).where(eq(guardianConsentLinks.id, link.id));
        await retireLinks(tx, user.id, now);
        await tx
          .update(users)
          .set({ guardianConsentAt: now, guardianConsentMethod: 'link', guardianConsentBy: null, guardianConsentLabId: null, guardianConsentNote: null })
          .where(eq(users.id, user.id));
        await audit.write(tx, {
          actorId: null,
          action: 'account.guardian_consent',
          entityType: 'account',
          entityId: user.id,
          details: { method: 'link', sentTo: link.sentTo },
        });
        await notifier.notify(tx, { userId: user.id, kind: 'guardian_consent_given', data: { method: 'link' } });
        return { memberName: user.fullName, confirmedAt: now.toISOString() };
      });
    },

    /**
     * A lab's manager records the paper form the guardian signed, filed at that lab (policy
     * 'guardian_consent.record': the lab's managers and admins, never for their own account).
     */
    async recordPaper(actor: Actor, userId: string, body: PaperConsentBody): Promise<UserRow> {
      const now = clock.now();
      // Asked before the account is looked up: who may not record a form learns nothing of it.
      requireCan(actor, 'guardian_consent.record', { labId: body.labId, userId }, 'Only a lab’s managers record a paper consent form, for their lab and not for themselves');
      return inTransaction(db, async (tx) => {
        const [row] = await tx.select().from(users).where(eq(users.id, userId)).for('update');
        if (!row || row.deletedAt) throw notFound('User');
        const [lab] = await tx.select({ id: labs.id }).from(labs).where(eq(labs.id, body.labId));
        if (!lab) throw notFound('Lab');
        if (!row.under16) throw conflict('INVALID_STATE', 'Only an account of someone under 16 needs a guardian’s consent');
        if (row.guardianConsentAt) throw conflict('INVALID_STATE', 'The guardian’s consent is already recorded');
        const note = body.note?.trim() || null;
        await retireLinks(tx, userId, now);
        const [updated] = await tx
          .update(users)
          .set({ guardianConsentAt: now, guardianConsentMethod: 'paper', guardianConsentBy: actor.id, guardianConsentLabId: body.labId, guardianConsentNote: note })
          .where(eq(users.id, userId))
          .returning();
        await audit.write(tx, {
          actorId: actor.id,
          action: 'account.guardian_consent',
          entityType: 'account',
          entityId: userId,
          labId: body.labId,
          details: { method: 'paper', ...(note ? { note } : {}) },
        });
        await notifier.notify(tx, { userId, kind: 'guardian_consent_given', data: { method: 'paper', labId: body.labId } });
        return updated as UserRow;
      });
    },

    /** Removes what a deleted account's links hold (the guardian's address). */
    async forget(tx: DbOrTx, userId: string): Promise<void> {
      await tx.delete(guardianConsentLinks).where(eq(guardianConsentLinks.userId, userId));
    },
  };
}

export type GuardianConsent = ReturnType<typeof createGuardianConsent>;

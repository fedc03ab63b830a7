import type {
  CreateUserBody,
  GuardianConsentLinkBody,
  Invite,
  PaperConsentBody,
  RegisterBody,
  UpdateMeBody,
  UpdateUserBody,
  User,
} from '@fablab/shared';
import type { FastifyInstance } from 'fastify';
import type { DbOrTx } from '../../db/client.js';
import { revokedCredentials } from '../../lib/credentials.js';
import { DomainError, badRequest, conflict, forbidden, notFound, sqlState, unprocessable } from '../../lib/errors.js';
import { DUMMY_HASH, hashPassword, verifyPassword } from '../../lib/password.js';
import { SYSTEM_REASONS } from '../../lib/system-reasons.js';
import { inTransaction } from '../../lib/transaction.js';
import type { Core } from '../../plugins/core.js';
import type { Actor } from '../../plugins/policy.js';
import { createAccountRepository, type UserRow } from './accounts.repository.js';
import { createGuardianConsent, type SentLink } from './guardian-consent.js';

export { revokedCredentials };

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** Where an under-16 account's guardian consent stands; nothing for other accounts. */
function consentOf(row: UserRow, link: SentLink | undefined): Pick<User, 'guardianConsent'> {
  if (!row.under16) return {};
  return {
    guardianConsent: {
      status: row.guardianConsentAt ? 'confirmed' : 'pending',
      method: row.guardianConsentMethod ?? null,
      confirmedAt: row.guardianConsentAt ? row.guardianConsentAt.toISOString() : null,
      guardianName: row.guardianName,
      linkSentTo: link?.sentTo ?? null,
      linkSentAt: link ? link.createdAt.toISOString() : null,
    },
  };
}

export function toApiUser(row: UserRow, managedLabIds: string[], link?: SentLink): User {
  return {
    id: row.id,
    email: row.email ?? '',
    fullName: row.fullName,
    role: row.role,
    category: row.category,
    gender: row.gender,
    organization: row.organization,
    phone: row.phone,
    locale: row.locale,
    managedLabIds: row.role === 'manager' ? managedLabIds : [],
    under16: row.under16,
    ...consentOf(row, link),
    disabled: row.disabled,
    createdAt: row.createdAt.toISOString(),
  };
}

export interface AccountServiceDeps extends Core {
  bookings: FastifyInstance['bookings'];
  passwordLinks: Pick<FastifyInstance['passwordLinks'], 'issueInvite'>;
  notifications: Pick<FastifyInstance['notifications'], 'emailGuardianConsent'>;
  publicUrl: string;
}

/** The current password, asked again before a change that takes the account (password, deletion). */
async function checkCurrentPassword(row: UserRow, currentPassword: string | undefined): Promise<void> {
  if (!currentPassword) throw badRequest('CURRENT_PASSWORD_REQUIRED', 'Give the current password to change it');
  if (!(await verifyPassword(currentPassword, row.passwordHash ?? DUMMY_HASH))) {
    throw forbidden('The current password is wrong', 'WRONG_PASSWORD');
  }
}

const emailTaken = () => conflict('EMAIL_TAKEN', 'An account with this email already exists');

export function createAccountService(deps: AccountServiceDeps) {
  const { db, clock, audit } = deps;
  const repo = createAccountRepository(db);
  const consent = createGuardianConsent(deps);

  async function apiUser(row: UserRow): Promise<User> {
    const [managed, links] = await Promise.all([
      repo.managedLabIds([row.id]),
      consent.lastLinks(row.under16 ? [row.id] : []),
    ]);
    return toApiUser(row, managed.get(row.id) ?? [], links.get(row.id));
  }

  async function mustFind(id: string): Promise<UserRow> {
    const row = await repo.findById(id);
    if (!row || row.deletedAt) throw notFound('User');
    return row;
  }

  /** Only labs that exist; a manager's labs are replaced by these. */
  async function setManagedLabs(userId: string, labIds: string[], tx: DbOrTx): Promise<string[]> {
    const ids = [...new Set(labIds)];
    if ((await repo.existingLabIds(ids, tx)).length !== ids.length)
      throw unprocessable('NOT_FOUND', 'A managed lab does not exist');
    await repo.setManagedLabs(userId, ids, tx);
    return ids;
  }

  function invite(tx: DbOrTx, row: UserRow): Promise<Invite> {
    return deps.passwordLinks.issueInvite(tx, {
      id: row.id,
      email: row.email!,
      fullName: row.fullName,
      locale: row.locale,
    });
  }

  return {
    revokedCredentials,
    normalizeEmail,

    apiUser,

    async register(body: RegisterBody): Promise<UserRow> {
      const email = normalizeEmail(body.email);
      const guardianName = body.guardian?.name.trim() ?? '';
      const guardianContact = body.guardian?.contact.trim() ?? '';
      // The guardian is named here; their consent comes from them (the link, or a paper form).
      if (body.under16 && (!guardianName || !guardianContact || body.guardian?.consent === false)) {
        throw badRequest(
          'GUARDIAN_REQUIRED',
          'An account for someone under 16 needs a parent’s or guardian’s name and contact',
        );
      }
      const passwordHash = await hashPassword(body.password);
      try {
        return await inTransaction(db, async (tx) => {
          const row = await repo.insert(
            {
              email,
              passwordHash,
              fullName: body.fullName.trim(),
              category: body.category,
              gender: body.gender ?? 'undisclosed',
              organization: body.organization || null,
              phone: body.phone || null,
              locale: body.locale ?? 'vi',
              under16: body.under16 ?? false,
              guardianName: body.under16 ? guardianName : null,
              guardianContact: body.under16 ? guardianContact : null,
            },
            tx,
          );
          if (row.under16) await consent.sendLink(tx, row);
          return row;
        });
      } catch (err) {
        if (sqlState(err) === '23505') throw emailTaken();
        throw err;
      }
    },

    /**
     * An administrator opens an account for someone, without a password: its owner chooses one
     * through the invite link, which the answer carries when it could not be mailed.
     */
    async createUser(actorId: string, body: CreateUserBody): Promise<{ user: UserRow; invite: Invite }> {
      const email = normalizeEmail(body.email);
      const role = body.role ?? 'member';
      try {
        return await inTransaction(db, async (tx) => {
          const row = await repo.insert(
            {
              email,
              passwordHash: null,
              fullName: body.fullName.trim(),
              category: body.category,
              role,
              locale: body.locale ?? 'vi',
            },
            tx,
          );
          // Labs are managed by managers only; others' would lie in wait for a later promotion.
          const managedLabIds = role === 'manager' ? await setManagedLabs(row.id, body.managedLabIds ?? [], tx) : [];
          const sent = await invite(tx, row);
          await audit.write(tx, {
            actorId,
            action: 'account.create',
            entityType: 'account',
            entityId: row.id,
            details: { role, managedLabIds, inviteMailed: sent.mailed },
          });
          return { user: row, invite: sent };
        });
      } catch (err) {
        if (sqlState(err) === '23505') throw emailTaken();
        throw err;
      }
    },

    /** A new invite link for the account (its older ones stop working): one that expired or was lost. */
    async reinvite(actorId: string, userId: string): Promise<{ user: UserRow; invite: Invite }> {
      const row = await mustFind(userId);
      return inTransaction(db, async (tx) => {
        const sent = await invite(tx, row);
        await audit.write(tx, {
          actorId,
          action: 'account.invite',
          entityType: 'account',
          entityId: row.id,
          details: { inviteMailed: sent.mailed },
        });
        return { user: row, invite: sent };
      });
    },

    /** The same answer, in about the same time, whether or not the email exists. */
    async login(emailInput: string, password: string): Promise<UserRow> {
      const row = await repo.findByEmail(normalizeEmail(emailInput));
      const ok = await verifyPassword(password, row?.passwordHash ?? DUMMY_HASH);
      if (!row || !ok || row.deletedAt) {
        throw new DomainError(401, 'INVALID_CREDENTIALS', 'Wrong email or password');
      }
      if (row.disabled) throw new DomainError(403, 'ACCOUNT_DISABLED', 'This account is disabled; ask a lab manager');
      return row;
    },

    async updateMe(userId: string, body: UpdateMeBody): Promise<UserRow> {
      const row = await mustFind(userId);
      const values: Partial<UserRow> = {};
      if (body.fullName !== undefined) values.fullName = body.fullName.trim();
      if (body.category !== undefined) values.category = body.category;
      if (body.gender !== undefined) values.gender = body.gender;
      if (body.organization !== undefined) values.organization = body.organization || null;
      if (body.phone !== undefined) values.phone = body.phone || null;
      if (body.locale !== undefined) values.locale = body.locale;
      if (body.password !== undefined) {
        await checkCurrentPassword(row, body.currentPassword);
        values.passwordHash = await hashPassword(body.password);
        Object.assign(values, revokedCredentials());
      }
      if (Object.keys(values).length === 0) return row;
      if (body.password === undefined) return (await repo.update(userId, values)) as UserRow;
      return inTransaction(db, async (tx) => {
        const updated = (await repo.update(userId, values, tx)) as UserRow;
        await audit.write(tx, {
          actorId: userId,
          action: 'account.password_change',
          entityType: 'account',
          entityId: userId,
        });
        return updated;
      });
    },

    /** Everything the system holds about the member (Decree 13/2023/ND-CP). */
    async exportMe(userId: string) {
      const row = await mustFind(userId);
      const records = await repo.recordsOf(userId);
      const {
        passwordHash: _hash,
        tokenVersion: _ver,
        calendarToken: _cal,
        labsCalendarToken: _labsCal,
        ...account
      } = row;
      return {
        exportedAt: clock.now().toISOString(),
        account: { ...account, guardianName: row.guardianName, guardianContact: row.guardianContact },
        bookings: records.bookings.map(({ occupiedUntil: _o, ...b }) => b),
        usage: records.usage.map((u) => ({
          ...u,
          materials: records.materials.filter((m) => m.usageSessionId === u.id),
        })),
        certifications: records.certifications,
        notifications: records.notifications,
      };
    },

    /** Anonymises the account; statistics keep anonymous counts (category and gender stay). */
    async deleteMe(userId: string, currentPassword: string): Promise<void> {
      const row = await mustFind(userId);
      await checkCurrentPassword(row, currentPassword);
      const now = clock.now();
      await inTransaction(db, async (tx) => {
        // The member's row first: a booking being made for them locks it too, so either it commits
        // before and is cancelled below, or it waits and then finds the account gone.
        await repo.lock(userId, tx);
        await deps.bookings.transitions.cancelSelected(
          tx,
          { userId, startingAfter: now },
          { by: userId, reason: SYSTEM_REASONS.accountDeleted, cause: 'account_deleted' },
        );
        await repo.clearNamesOnUsage(userId, tx);
        await consent.forget(tx, userId);
        await repo.deleteNotifications(userId, tx);
        await repo.setManagedLabs(userId, [], tx);
        await repo.update(
          userId,
          {
            email: null,
            passwordHash: null,
            fullName: 'Deleted member',
            organization: null,
            phone: null,
            guardianName: null,
            guardianContact: null,
            guardianConsentAt: null,
            guardianConsentMethod: null,
            guardianConsentBy: null,
            guardianConsentLabId: null,
            guardianConsentNote: null,
            deletedAt: now,
            disabled: true,
            ...revokedCredentials(),
          },
          tx,
        );
        await audit.write(tx, { actorId: userId, action: 'account.delete', entityType: 'account', entityId: userId });
      });
    },

    async list(filter: { q?: string; role?: UserRow['role'] }, page: { limit: number; offset: number }) {
      const { rows, total } = await repo.list(filter, page);
      const [managed, links] = await Promise.all([
        repo.managedLabIds(rows.map((r) => r.id)),
        consent.lastLinks(rows.filter((r) => r.under16).map((r) => r.id)),
      ]);
      return { items: rows.map((r) => toApiUser(r, managed.get(r.id) ?? [], links.get(r.id))), total };
    },

    // ---------- a guardian's consent (guardian-consent.ts) ----------

    /** The member asks for a (new) link to their guardian. */
    requestConsentLink: (userId: string, body: GuardianConsentLinkBody) => consent.requestLink(userId, body),
    /** The guardian's page: whose account, and what it keeps. */
    readConsent: (token: string) => consent.read(token),
    /** The guardian consents through the link. */
    confirmConsent: (token: string) => consent.confirm(token),
    /** A lab's manager records the guardian's signed paper form. */
    recordPaperConsent: (actor: Actor, userId: string, body: PaperConsentBody) =>
      consent.recordPaper(actor, userId, body),

    async updateUser(actorId: string, userId: string, body: UpdateUserBody): Promise<UserRow> {
      await mustFind(userId);
      return db.transaction(async (tx) => {
        const values: Partial<UserRow> = {};
        if (body.role !== undefined) values.role = body.role;
        if (body.disabled !== undefined) {
          values.disabled = body.disabled;
          if (body.disabled) Object.assign(values, revokedCredentials());
        }
        if (body.password !== undefined) {
          values.passwordHash = await hashPassword(body.password);
          Object.assign(values, revokedCredentials());
        }
        const updated = Object.keys(values).length
          ? await repo.update(userId, values, tx)
          : await repo.findById(userId, tx);
        if (body.managedLabIds !== undefined) await setManagedLabs(userId, body.managedLabIds, tx);
        await audit.write(tx, {
          actorId,
          action: 'account.update',
          entityType: 'account',
          entityId: userId,
          details: {
            role: body.role,
            managedLabIds: body.managedLabIds,
            disabled: body.disabled,
            passwordReset: body.password !== undefined ? true : undefined,
          },
        });
        return updated as UserRow;
      });
    },
  };
}

export type AccountService = ReturnType<typeof createAccountService>;

// Who may do what, and which fields of a record a caller sees. Every permission in the server is
// decided here: routes and services ask `can(actor, action, resource)` and never re-derive a rule
// from roles themselves. The authorization-matrix test walks the same table.
import type { Role } from '@fablab/shared';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { ErrorCode } from '@fablab/shared';
import { and, eq, isNull } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.js';
import { labManagers, users } from '../db/schema/index.js';
import { forbidden } from '../lib/errors.js';

export interface Actor {
  id: string;
  role: Role;
  managedLabIds: string[];
  fullName: string;
  email: string;
  locale: 'vi' | 'en';
}

/** What an action is about: the lab it happens in and the member it concerns, where there is one. */
export interface Resource {
  labId?: string | null;
  userId?: string | null;
}

/** Who asks: the signed-in caller, or an account the question is about (a booking's owner). */
export type Subject = Pick<Actor, 'id' | 'role' | 'managedLabIds'>;

type Rule = (actor: Subject, resource: Resource) => boolean;

/** A lab's managers, and every admin (an admin may do whatever a lab's manager may, in every lab). */
function manages(actor: Subject, resource: Resource): boolean {
  if (!resource.labId) return false;
  return actor.role === 'admin' || (actor.role === 'manager' && actor.managedLabIds.includes(resource.labId));
}

function owns(actor: Subject, resource: Resource): boolean {
  return resource.userId !== undefined && resource.userId !== null && resource.userId === actor.id;
}

const isRole =
  (...roles: Role[]): Rule =>
  (actor) =>
    roles.includes(actor.role);

export const RULES = {
  // Labs and their machines, devices, closures, maintenance, certifications, walk-ins.
  'lab.manage': manages,
  'lab.create': isRole('admin'),
  /** Slug, names, host and zone: what other systems key on, so only admins change them. */
  'lab.edit_identity': isRole('admin'),
  /** The machine types every lab chooses from: administrators add and rename them. */
  'machine_type.manage': isRole('admin'),
  /** A lab's materials catalogue: its managers add and rename entries, also by naming a new one at check-out or walk-in. */
  'material.manage': manages,
  /** Usage, incidents, maintenance records: the lab's managers and the department (without names). */
  'lab.read_records': (a, r) => a.role === 'department' || manages(a, r),
  'lab.read_audit': (a, r) => (r.labId ? manages(a, r) : a.role === 'admin'),
  /** The audit route: admins, and managers (for their labs). */
  'audit.read': isRole('admin', 'manager'),
  /** Statistics of one lab (labId given) or of the network (not given). */
  'stats.read': (a, r) =>
    a.role === 'department' || a.role === 'admin' || (r.labId ? manages(a, r) : a.role === 'manager'),
  /** A lab's feed of all bookings and maintenance: people who manage some lab. */
  'feed.labs': isRole('manager', 'admin'),

  // Bookings.
  'booking.read': (a, r) => owns(a, r) || manages(a, r) || a.role === 'department' || a.role === 'admin',
  /** Cancel, reschedule, check in, check out: the owner or the lab's managers. */
  'booking.act': (a, r) => owns(a, r) || manages(a, r),
  /** Approve, reject; book for someone else; a class or a series; act past the cut-off. */
  'booking.decide': manages,
  /** Department and admin accounts report and administer; they do not book machines for themselves. */
  'booking.for_self': isRole('member', 'manager'),
  /** The managers' exemption from certification, for the bookings they make and hold themselves. */
  'certification.exempt': manages,

  // People (Decree 13/2023): names, emails, member ids and free text that may name people.
  'person.see_name': (a, r) => owns(a, r) || manages(a, r),
  'person.see_personal_data': (a, r) => a.role !== 'department' || owns(a, r),
  /** That a booking's member is under 16 (a badge at approval and check-in): the lab's managers. */
  'person.see_minor': manages,
  /**
   * Record the paper consent form an under-16 member's guardian signed, filed at the lab named:
   * its managers and admins. Any lab's manager may (members belong to no lab), for their own lab;
   * nobody for their own account.
   */
  'guardian_consent.record': (a, r) => manages(a, r) && !owns(a, r),

  // Accounts and cards.
  'users.search': isRole('admin', 'manager'),
  'users.administer': isRole('admin'),
  /** Open an account for someone and send them a link to choose its password. */
  'users.invite': isRole('admin'),
  'card.assign': isRole('admin', 'manager'),
  'card.read': (a, r) => owns(a, r) || a.role === 'manager' || a.role === 'admin',
  'certification.read_others': isRole('admin', 'manager'),
} satisfies Record<string, Rule>;

export type Action = keyof typeof RULES;

export function can(actor: Subject | undefined, action: Action, resource: Resource = {}): boolean {
  if (!actor) return false;
  return RULES[action](actor, resource);
}

/** 403 unless the actor may; for callers that already know the resource is visible to them. */
export function requireCan(actor: Actor, action: Action, resource: Resource, message: string, code?: ErrorCode): void {
  if (!can(actor, action, resource)) throw forbidden(message, code);
}

/** Shorthand for the commonest question. */
export function managesLab(actor: Subject | undefined, labId: string): boolean {
  return can(actor, 'lab.manage', { labId });
}

/** 403 unless the actor manages the lab (the resource being visible to them already). */
export function requireLabManager(actor: Actor, labId: string): void {
  requireCan(actor, 'lab.manage', { labId }, 'Only this lab’s managers may do this');
}

/** What the guardian-consent rule reads of an account. */
export interface ConsentFacts {
  under16: boolean;
  guardianConsentAt: Date | null;
}

/**
 * An account of someone under 16 books and starts machines only once the guardian's consent is
 * recorded (Decree 13/2023, art. 20): a new booking for it (by the member or a manager) and a
 * machine started without a booking are refused until then; bookings it holds may still be moved.
 */
export function requireGuardianConsent(member: ConsentFacts, forSelf: boolean): void {
  if (!member.under16 || member.guardianConsentAt !== null) return;
  throw forbidden(
    forSelf
      ? 'Your parent or guardian has not confirmed their consent yet: a link was sent to them, or a lab’s manager records their signed form'
      : 'This member is under 16 and their parent or guardian has not confirmed consent yet',
    'GUARDIAN_CONSENT_REQUIRED',
  );
}

/**
 * The people who manage a lab now (its managers' usable accounts; admins are not told of every
 * booking): those told of pending bookings, incidents and due maintenance.
 */
export async function labManagerIds(db: DbOrTx, labId: string): Promise<string[]> {
  const rows = await db
    .select({ id: users.id })
    .from(labManagers)
    .innerJoin(users, eq(users.id, labManagers.userId))
    .where(and(eq(labManagers.labId, labId), eq(users.role, 'manager'), eq(users.disabled, false), isNull(users.deletedAt)));
  return rows.map((r) => r.id);
}

/** Whether this account (not the caller: a booking's owner, say) manages the lab now. */
export async function userManagesLab(db: DbOrTx, userId: string, labId: string): Promise<boolean> {
  const [row] = await db
    .select({ role: users.role, managed: labManagers.labId })
    .from(users)
    .leftJoin(labManagers, and(eq(labManagers.userId, users.id), eq(labManagers.labId, labId)))
    .where(eq(users.id, userId));
  if (!row) return false;
  return row.role === 'admin' || (row.role === 'manager' && row.managed !== null);
}

export interface Policy {
  can: typeof can;
  requireCan: typeof requireCan;
  managesLab: typeof managesLab;
  labManagerIds: typeof labManagerIds;
}

declare module 'fastify' {
  interface FastifyInstance {
    policy: Policy;
  }
}

export default fp(
  async function policy(app: FastifyInstance) {
    app.decorate('policy', { can, requireCan, managesLab, labManagerIds });
  },
  { name: 'policy' },
);

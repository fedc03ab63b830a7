// A manager's record that a member was trained on a machine type in a lab. It may expire, be
// revoked, or lapse after the lab's certificationLapseMonths without use of that machine type.
import {
  labSettings,
  type Certification,
  type CertificationBody,
  type CertificationListQuery,
  type CertificationState,
  type LabSettings,
} from '@fablab/shared';
import { and, asc, count, desc, eq, inArray, isNull, max, type SQL } from 'drizzle-orm';
import { DateTime } from 'luxon';
import type { DbOrTx } from '../../db/client.js';
import type { Core } from '../../plugins/core.js';
import { certifications, labs, machines, usageSessions, users } from '../../db/schema/index.js';
import { badRequest, forbidden, notFound } from '../../lib/errors.js';
import { can, managesLab, requireLabManager, type Actor } from '../../plugins/policy.js';

export type CertificationRow = typeof certifications.$inferSelect;

const keyOf = (c: { userId: string; labId: string; machineType: string }) => `${c.userId}|${c.labId}|${c.machineType}`;

/** When each member last used each machine type in each lab (usage sessions' starts). */
export async function lastUses(db: DbOrTx, rows: Array<{ userId: string; labId: string }>): Promise<Map<string, Date>> {
  const result = new Map<string, Date>();
  if (rows.length === 0) return result;
  const userIds = [...new Set(rows.map((r) => r.userId))];
  const labIds = [...new Set(rows.map((r) => r.labId))];
  const found = await db
    .select({ userId: usageSessions.userId, labId: usageSessions.labId, machineType: machines.type, last: max(usageSessions.startAt) })
    .from(usageSessions)
    .innerJoin(machines, eq(machines.id, usageSessions.machineId))
    .where(and(inArray(usageSessions.userId, userIds), inArray(usageSessions.labId, labIds)))
    .groupBy(usageSessions.userId, usageSessions.labId, machines.type);
  for (const r of found) {
    if (r.userId && r.last) result.set(keyOf({ userId: r.userId, labId: r.labId, machineType: r.machineType }), new Date(r.last));
  }
  return result;
}

/** The instant a certification lapses for want of use, or null when the lab sets no lapse. */
export function lapsesAt(cert: { grantedAt: Date }, lastUse: Date | undefined, lapseMonths: number | null, zone: string): Date | null {
  if (!lapseMonths) return null;
  const lastActivity = lastUse && lastUse > cert.grantedAt ? lastUse : cert.grantedAt;
  return DateTime.fromJSDate(lastActivity, { zone }).plus({ months: lapseMonths }).toJSDate();
}

export async function labSettingsOf(db: DbOrTx, labIds: string[]): Promise<Map<string, { settings: LabSettings; timezone: string; name: string }>> {
  if (labIds.length === 0) return new Map();
  const rows = await db
    .select({ id: labs.id, settings: labs.settings, timezone: labs.timezone, name: labs.name })
    .from(labs)
    .where(inArray(labs.id, [...new Set(labIds)]));
  return new Map(rows.map((r) => [r.id, { settings: labSettings(r.settings), timezone: r.timezone, name: r.name }]));
}

/** The API view of certifications, with their state now; `showName` says whose names the caller may see. */
async function viewCertifications(db: DbOrTx, rows: CertificationRow[], now: Date, showName: (row: CertificationRow) => boolean): Promise<Certification[]> {
  const [uses, labInfo] = await Promise.all([
    lastUses(db, rows),
    labSettingsOf(
      db,
      rows.map((r) => r.labId),
    ),
  ]);
  const named = [...new Set(rows.filter(showName).map((r) => r.userId))];
  const names = new Map<string, string>();
  if (named.length > 0) {
    for (const u of await db.select({ id: users.id, fullName: users.fullName }).from(users).where(inArray(users.id, named))) {
      names.set(u.id, u.fullName);
    }
  }
  return rows.map((row) => {
    const lab = labInfo.get(row.labId);
    let state: CertificationState = 'valid';
    if (row.revokedAt) state = 'revoked';
    else if (row.expiresAt && row.expiresAt <= now) state = 'expired';
    else {
      const lapse = lapsesAt(row, uses.get(keyOf(row)), lab?.settings.certificationLapseMonths ?? null, lab?.timezone ?? 'UTC');
      if (lapse && now >= lapse) state = 'lapsed';
    }
    const cert: Certification = {
      id: row.id,
      userId: row.userId,
      labId: row.labId,
      machineType: row.machineType,
      grantedBy: row.grantedBy,
      grantedAt: row.grantedAt.toISOString(),
      expiresAt: row.expiresAt?.toISOString() ?? null,
      revokedAt: row.revokedAt?.toISOString() ?? null,
      revokedBy: row.revokedBy,
      state,
    };
    if (showName(row)) cert.userName = names.get(row.userId) ?? null;
    return cert;
  });
}

export function createCertificationService(deps: Core) {
  const { db, clock, audit, notifier } = deps;

  /** Names only for the member, the lab's managers and admins. */
  const nameVisibleTo = (actor: Actor) => (row: CertificationRow) => can(actor, 'person.see_name', row);

  return {
    async grant(actor: Actor, labId: string, body: CertificationBody): Promise<Certification> {
      const now = clock.now();
      const [lab] = await db.select({ name: labs.name }).from(labs).where(eq(labs.id, labId));
      if (!lab) throw notFound('Lab');
      requireLabManager(actor, labId);
      const [member] = await db.select({ id: users.id, deletedAt: users.deletedAt }).from(users).where(eq(users.id, body.userId));
      if (!member || member.deletedAt) throw notFound('User');
      const expiresAt = body.expiresAt ? new Date(body.expiresAt) : null;
      if (expiresAt && expiresAt <= now) throw badRequest('VALIDATION_ERROR', 'expiresAt must be in the future');
      const row = await db.transaction(async (tx) => {
        const [row] = await tx
          .insert(certifications)
          .values({ userId: body.userId, labId, machineType: body.machineType, grantedBy: actor.id, grantedAt: now, expiresAt })
          .returning();
        await notifier.notify(tx, {
          userId: body.userId,
          kind: 'certification_granted',
          data: {
            certificationId: row!.id,
            labId,
            labName: lab.name,
            machineType: body.machineType,
            expiresAt: expiresAt?.toISOString() ?? null,
          },
        });
        await audit.write(tx, {
          actorId: actor.id,
          action: 'certification.grant',
          entityType: 'certification',
          entityId: row!.id,
          labId,
          details: { userId: body.userId, machineType: body.machineType, expiresAt: expiresAt?.toISOString() ?? null },
        });
        return row!;
      });
      const [view] = await viewCertifications(db, [row], now, nameVisibleTo(actor));
      return view!;
    },

    /**
     * Members (and department staff) see their own certifications; managers and admins see any
     * member's, so that a manager knows who was trained where.
     */
    async list(actor: Actor, q: CertificationListQuery): Promise<{ items: Certification[]; total: number }> {
      const now = clock.now();
      const where: SQL[] = [];
      const seesOthers = can(actor, 'certification.read_others');
      if (!seesOthers && q.userId && q.userId !== actor.id) throw forbidden('You may see only your own certifications');
      const userId = seesOthers ? q.userId : actor.id;
      if (userId) where.push(eq(certifications.userId, userId));
      if (q.labId) where.push(eq(certifications.labId, q.labId));
      if (q.machineType) where.push(eq(certifications.machineType, q.machineType));
      if (!q.includeRevoked) where.push(isNull(certifications.revokedAt));
      const condition = where.length > 0 ? and(...where) : undefined;
      const [rows, [totalRow]] = await Promise.all([
        db
          .select()
          .from(certifications)
          .where(condition)
          .orderBy(desc(certifications.grantedAt), asc(certifications.id))
          .limit(q.limit ?? 50)
          .offset(q.offset ?? 0),
        db.select({ n: count() }).from(certifications).where(condition),
      ]);
      return { items: await viewCertifications(db, rows, now, nameVisibleTo(actor)), total: Number(totalRow?.n ?? 0) };
    },

    /** Revoking keeps the record (who was trained, and until when); revoking twice changes nothing. */
    async revoke(actor: Actor, certificationId: string): Promise<void> {
      const now = clock.now();
      const [row] = await db.select().from(certifications).where(eq(certifications.id, certificationId));
      if (!row) throw notFound('Certification');
      if (!managesLab(actor, row.labId)) {
        if (row.userId === actor.id || actor.role === 'manager') throw forbidden('Only this lab’s managers may revoke it');
        throw notFound('Certification');
      }
      if (row.revokedAt) return;
      await db.transaction(async (tx) => {
        await tx
          .update(certifications)
          .set({ revokedAt: now, revokedBy: actor.id })
          .where(and(eq(certifications.id, certificationId), isNull(certifications.revokedAt)));
        await audit.write(tx, {
          actorId: actor.id,
          action: 'certification.revoke',
          entityType: 'certification',
          entityId: row.id,
          labId: row.labId,
          details: { userId: row.userId, machineType: row.machineType },
        });
      });
    },
  };
}

// A manager's record that a member was trained on a machine type in a lab. It may expire, be
// revoked, or lapse after the lab's certificationLapseMonths without use of that machine type.
import type { Certification, CertificationBody, CertificationListQuery, CertificationState } from '@fablab/shared';
import { DateTime } from 'luxon';
import { pageOf } from '../../db/paging.js';
import type { Core } from '../../plugins/core.js';
import { badRequest, forbidden, notFound } from '../../lib/errors.js';
import { can, managesLab, requireLabManager, type Actor } from '../../plugins/policy.js';
import { createCertificationRepository, typeKey, type CertificationRow } from './certifications.repository.js';

export type { CertificationRow } from './certifications.repository.js';

type CertificationRepository = ReturnType<typeof createCertificationRepository>;

/** The instant a certification lapses for want of use, or null when the lab sets no lapse. */
export function lapsesAt(cert: { grantedAt: Date }, lastUse: Date | undefined, lapseMonths: number | null, zone: string): Date | null {
  if (!lapseMonths) return null;
  const lastActivity = lastUse && lastUse > cert.grantedAt ? lastUse : cert.grantedAt;
  return DateTime.fromJSDate(lastActivity, { zone }).plus({ months: lapseMonths }).toJSDate();
}

/** The API view of certifications, with their state now; `showName` says whose names the caller may see. */
async function viewCertifications(
  repo: CertificationRepository,
  rows: CertificationRow[],
  now: Date,
  showName: (row: CertificationRow) => boolean,
): Promise<Certification[]> {
  const [uses, labInfo, recognizers] = await Promise.all([
    repo.lastUses(rows),
    repo.labsOf(rows.map((r) => r.labId)),
    repo.recognizersOf(rows.map((r) => r.labId)),
  ]);
  const names = await repo.namesOf([...new Set(rows.filter(showName).map((r) => r.userId))]);
  return rows.map((row) => {
    const lab = labInfo.get(row.labId);
    let state: CertificationState = 'valid';
    if (row.revokedAt) state = 'revoked';
    else if (row.expiresAt && row.expiresAt <= now) state = 'expired';
    else {
      const lapse = lapsesAt(row, uses.get(typeKey(row)), lab?.settings.certificationLapseMonths ?? null, lab?.timezone ?? 'UTC');
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
      countsIn: [row.labId, ...(recognizers.get(`${row.labId}|${row.machineType}`) ?? [])],
    };
    if (showName(row)) cert.userName = names.get(row.userId) ?? null;
    return cert;
  });
}

export function createCertificationService(deps: Core) {
  const { db, clock, audit, notifier } = deps;
  const repo = createCertificationRepository(db);

  /** Names only for the member, the lab's managers and admins. */
  const nameVisibleTo = (actor: Actor) => (row: CertificationRow) => can(actor, 'person.see_name', row);

  return {
    async grant(actor: Actor, labId: string, body: CertificationBody): Promise<Certification> {
      const now = clock.now();
      const labName = await repo.labName(labId);
      if (labName === undefined) throw notFound('Lab');
      requireLabManager(actor, labId);
      const member = await repo.findMember(body.userId);
      if (!member || member.deletedAt) throw notFound('User');
      const expiresAt = body.expiresAt ? new Date(body.expiresAt) : null;
      if (expiresAt && expiresAt <= now) throw badRequest('VALIDATION_ERROR', 'expiresAt must be in the future');
      const row = await db.transaction(async (tx) => {
        const row = await repo.insert({ userId: body.userId, labId, machineType: body.machineType, grantedBy: actor.id, grantedAt: now, expiresAt }, tx);
        await notifier.notify(tx, {
          userId: body.userId,
          kind: 'certification_granted',
          data: {
            certificationId: row.id,
            labId,
            labName,
            machineType: body.machineType,
            expiresAt: expiresAt?.toISOString() ?? null,
          },
        });
        await audit.write(tx, {
          actorId: actor.id,
          action: 'certification.grant',
          entityType: 'certification',
          entityId: row.id,
          labId,
          details: { userId: body.userId, machineType: body.machineType, expiresAt: expiresAt?.toISOString() ?? null },
        });
        return row;
      });
      const [view] = await viewCertifications(repo, [row], now, nameVisibleTo(actor));
      return view!;
    },

    /**
     * Members (and department staff) see their own certifications; managers and admins see any
     * member's, so that a manager knows who was trained where.
     */
    async list(actor: Actor, q: CertificationListQuery): Promise<{ items: Certification[]; total: number }> {
      const now = clock.now();
      const seesOthers = can(actor, 'certification.read_others');
      if (!seesOthers && q.userId && q.userId !== actor.id) throw forbidden('You may see only your own certifications');
      const { rows, total } = await repo.list(
        { userId: seesOthers ? q.userId : actor.id, labId: q.labId, machineType: q.machineType, includeRevoked: q.includeRevoked },
        pageOf(q),
      );
      return { items: await viewCertifications(repo, rows, now, nameVisibleTo(actor)), total };
    },

    /** Revoking keeps the record (who was trained, and until when); revoking twice changes nothing. */
    async revoke(actor: Actor, certificationId: string): Promise<void> {
      const now = clock.now();
      const row = await repo.findById(certificationId);
      if (!row) throw notFound('Certification');
      if (!managesLab(actor, row.labId)) {
        if (row.userId === actor.id || actor.role === 'manager') throw forbidden('Only this lab’s managers may revoke it');
        throw notFound('Certification');
      }
      if (row.revokedAt) return;
      await db.transaction(async (tx) => {
        await repo.revoke(certificationId, actor.id, now, tx);
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

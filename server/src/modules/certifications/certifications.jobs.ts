import type { FastifyInstance } from 'fastify';
import { createCertificationRepository, typeKey, type CertificationRow } from './certifications.repository.js';
import { lapsesAt } from './certifications.service.js';

const WARN_BEFORE_MS = 7 * 24 * 3600_000;

interface Expiring {
  cert: CertificationRow;
  endsAt: Date;
  reason: 'expires' | 'lapses';
  labName: string;
}

/**
 * A member whose right to use a machine type in a lab ends within a week is told once: the end
 * is the latest expiry among their unrevoked certifications of that type, or earlier where the
 * lab lets certifications lapse without use. A new end (renewal, recent use) is a new warning.
 */
export async function notifyExpiringCertifications(app: FastifyInstance, now: Date): Promise<{ notified: number; certificationIds: string[] }> {
  const horizon = new Date(now.getTime() + WARN_BEFORE_MS);
  const repo = createCertificationRepository(app.db);
  const rows = await repo.inForceAt(now);
  const [uses, labInfo] = await Promise.all([repo.lastUses(rows), repo.labsOf(rows.map((r) => r.labId))]);

  const groups = new Map<string, CertificationRow[]>();
  for (const r of rows) {
    const key = typeKey(r);
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const expiring: Expiring[] = [];
  for (const [key, certs] of groups) {
    const lab = labInfo.get(certs[0]!.labId);
    if (!lab) continue;
    // The certification that lasts longest speaks for the group.
    const ref = [...certs].sort(
      (a, b) =>
        (b.expiresAt?.getTime() ?? Infinity) - (a.expiresAt?.getTime() ?? Infinity) || b.grantedAt.getTime() - a.grantedAt.getTime(),
    )[0]!;
    const latestGrant = certs.reduce((d, c) => (c.grantedAt > d ? c.grantedAt : d), certs[0]!.grantedAt);
    const lapse = lapsesAt({ grantedAt: latestGrant }, uses.get(key), lab.settings.certificationLapseMonths, lab.timezone);
    const expiry = ref.expiresAt;
    let endsAt: Date | null = expiry;
    let reason: Expiring['reason'] = 'expires';
    if (lapse && (!expiry || lapse < expiry)) {
      endsAt = lapse;
      reason = 'lapses';
    }
    if (endsAt && endsAt > now && endsAt <= horizon) expiring.push({ cert: ref, endsAt, reason, labName: lab.name });
  }

  const certificationIds: string[] = [];
  for (const e of expiring) {
    const endsAt = e.endsAt.toISOString();
    await app.db.transaction(async (tx) => {
      if (await repo.wasWarnedOfEnd(e.cert.userId, e.cert.id, endsAt, tx)) return;
      await app.notifier.notify(tx, {
        userId: e.cert.userId,
        kind: 'certification_expiring',
        data: {
          certificationId: e.cert.id,
          labId: e.cert.labId,
          labName: e.labName,
          machineType: e.cert.machineType,
          expiresAt: endsAt,
          reason: e.reason,
        },
      });
      certificationIds.push(e.cert.id);
    });
  }
  return { notified: certificationIds.length, certificationIds };
}

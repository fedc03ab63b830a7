import { and, desc, eq, gt, isNull, or } from 'drizzle-orm';
import { DateTime } from 'luxon';
import type { DbOrTx } from '../../db/client.js';
import { certifications, machines, usageSessions } from '../../db/schema/index.js';

export interface CertificationQuery {
  userId: string;
  labId: string;
  machineType: string;
  /** The instant the certification must be valid at (the booking's start, the check-in time). */
  at: Date;
  /** The lab's certificationLapseMonths: lapses after that many months without use of the type. */
  lapseMonths: number | null;
}

/**
 * True when the member holds an unrevoked certification for the machine type in the lab that
 * has not expired by `at` and, where the lab sets a lapse, was used (or granted) recently enough.
 */
export async function hasValidCertification(db: DbOrTx, q: CertificationQuery): Promise<boolean> {
  const rows = await db
    .select({ grantedAt: certifications.grantedAt })
    .from(certifications)
    .where(
      and(
        eq(certifications.userId, q.userId),
        eq(certifications.labId, q.labId),
        eq(certifications.machineType, q.machineType),
        isNull(certifications.revokedAt),
        or(isNull(certifications.expiresAt), gt(certifications.expiresAt, q.at)),
      ),
    )
    .orderBy(desc(certifications.grantedAt))
    .limit(1);
  const cert = rows[0];
  if (!cert) return false;
  if (!q.lapseMonths) return true;
  const [lastUse] = await db
    .select({ startAt: usageSessions.startAt })
    .from(usageSessions)
    .innerJoin(machines, eq(machines.id, usageSessions.machineId))
    .where(and(eq(usageSessions.userId, q.userId), eq(usageSessions.labId, q.labId), eq(machines.type, q.machineType)))
    .orderBy(desc(usageSessions.startAt))
    .limit(1);
  const lastActivity = lastUse && lastUse.startAt > cert.grantedAt ? lastUse.startAt : cert.grantedAt;
  const lapsesAt = DateTime.fromJSDate(lastActivity).plus({ months: q.lapseMonths }).toJSDate();
  return q.at < lapsesAt;
}

import { DateTime } from 'luxon';
import type { DbOrTx } from '../../db/client.js';
import { createCertificationRepository } from './certifications.repository.js';

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
  const repo = createCertificationRepository(db);
  const grantedAt = await repo.latestValidGrant(q);
  if (!grantedAt) return false;
  if (!q.lapseMonths) return true;
  const lastUse = await repo.lastUseOfType(q);
  const lastActivity = lastUse && lastUse > grantedAt ? lastUse : grantedAt;
  const lapsesAt = DateTime.fromJSDate(lastActivity).plus({ months: q.lapseMonths }).toJSDate();
  return q.at < lapsesAt;
}

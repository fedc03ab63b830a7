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

type CertificationRepository = ReturnType<typeof createCertificationRepository>;

/** Whether the member's certification for the type granted in `labId` holds at `at` by that lab's rules. */
async function validIn(
  repo: CertificationRepository,
  q: CertificationQuery,
  labId: string,
  lapseMonths: number | null,
): Promise<boolean> {
  const where = { ...q, labId };
  const grantedAt = await repo.latestValidGrant(where);
  if (!grantedAt) return false;
  if (!lapseMonths) return true;
  const lastUse = await repo.lastUseOfType(where);
  const lastActivity = lastUse && lastUse > grantedAt ? lastUse : grantedAt;
  const lapsesAt = DateTime.fromJSDate(lastActivity).plus({ months: lapseMonths }).toJSDate();
  return q.at < lapsesAt;
}

/**
 * True when the member holds an unrevoked certification for the machine type in the lab that
 * has not expired by `at` and, where the lab sets a lapse, was used (or granted) recently enough;
 * or holds one granted in a lab this lab recognises for the type, valid there by that lab's rules
 * (as the member's certification list shows it).
 */
export async function hasValidCertification(db: DbOrTx, q: CertificationQuery): Promise<boolean> {
  const repo = createCertificationRepository(db);
  if (await validIn(repo, q, q.labId, q.lapseMonths)) return true;
  for (const source of await repo.recognizedSources(q.labId, q.machineType)) {
    if (await validIn(repo, q, source.labId, source.settings.certificationLapseMonths)) return true;
  }
  return false;
}

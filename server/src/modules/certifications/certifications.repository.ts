import { labSettings, type LabSettings } from '@fablab/shared';
import { and, asc, desc, eq, gt, inArray, isNull, max, or, sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { pagedQuery, type Page, type Paged } from '../../db/paging.js';
import { certificationRecognitions, certifications, labs, machines, notifications, usageSessions, users } from '../../db/schema/index.js';

export type CertificationRow = typeof certifications.$inferSelect;
export type NewCertificationRow = typeof certifications.$inferInsert;
export type RecognitionRow = typeof certificationRecognitions.$inferSelect;
type RecognitionKey = Pick<RecognitionRow, 'labId' | 'recognizedLabId' | 'machineType'>;

const recognitionIs = (key: RecognitionKey) =>
  and(
    eq(certificationRecognitions.labId, key.labId),
    eq(certificationRecognitions.recognizedLabId, key.recognizedLabId),
    eq(certificationRecognitions.machineType, key.machineType),
  );

/** What a certification is for: a member, a lab and a machine type (the key of lastUses). */
export const typeKey = (c: { userId: string; labId: string; machineType: string }) => `${c.userId}|${c.labId}|${c.machineType}`;

export interface CertificationFilter {
  userId?: string;
  labId?: string;
  machineType?: string;
  includeRevoked?: boolean;
}

export interface LabInfo {
  settings: LabSettings;
  timezone: string;
  name: string;
}

export function createCertificationRepository(db: DbOrTx) {
  return {
    async findById(id: string, tx: DbOrTx = db): Promise<CertificationRow | undefined> {
      const [row] = await tx.select().from(certifications).where(eq(certifications.id, id));
      return row;
    },

    /** When the member's latest certification for the type that is unrevoked and unexpired at `at` was granted. */
    async latestValidGrant(q: { userId: string; labId: string; machineType: string; at: Date }, tx: DbOrTx = db): Promise<Date | undefined> {
      const [row] = await tx
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
      return row?.grantedAt;
    },

    /** The start of the member's latest usage session on a machine of the type in the lab. */
    async lastUseOfType(q: { userId: string; labId: string; machineType: string }, tx: DbOrTx = db): Promise<Date | undefined> {
      const [row] = await tx
        .select({ startAt: usageSessions.startAt })
        .from(usageSessions)
        .innerJoin(machines, eq(machines.id, usageSessions.machineId))
        .where(and(eq(usageSessions.userId, q.userId), eq(usageSessions.labId, q.labId), eq(machines.type, q.machineType)))
        .orderBy(desc(usageSessions.startAt))
        .limit(1);
      return row?.startAt;
    },

    /** When each of these members last used each machine type in each of these labs, by typeKey. */
    async lastUses(rows: Array<{ userId: string; labId: string }>, tx: DbOrTx = db): Promise<Map<string, Date>> {
      const result = new Map<string, Date>();
      if (rows.length === 0) return result;
      const userIds = [...new Set(rows.map((r) => r.userId))];
      const labIds = [...new Set(rows.map((r) => r.labId))];
      const found = await tx
        .select({ userId: usageSessions.userId, labId: usageSessions.labId, machineType: machines.type, last: max(usageSessions.startAt) })
        .from(usageSessions)
        .innerJoin(machines, eq(machines.id, usageSessions.machineId))
        .where(and(inArray(usageSessions.userId, userIds), inArray(usageSessions.labId, labIds)))
        .groupBy(usageSessions.userId, usageSessions.labId, machines.type);
      for (const r of found) {
        if (r.userId && r.last) result.set(typeKey({ userId: r.userId, labId: r.labId, machineType: r.machineType }), new Date(r.last));
      }
      return result;
    },

    /** The labs' settings, zones and names, by lab id. */
    async labsOf(labIds: string[], tx: DbOrTx = db): Promise<Map<string, LabInfo>> {
      if (labIds.length === 0) return new Map();
      const rows = await tx
        .select({ id: labs.id, settings: labs.settings, timezone: labs.timezone, name: labs.name })
        .from(labs)
        .where(inArray(labs.id, [...new Set(labIds)]));
      return new Map(rows.map((r) => [r.id, { settings: labSettings(r.settings), timezone: r.timezone, name: r.name }]));
    },

    async labName(labId: string, tx: DbOrTx = db): Promise<string | undefined> {
      const [row] = await tx.select({ name: labs.name }).from(labs).where(eq(labs.id, labId));
      return row?.name;
    },

    async findMember(userId: string, tx: DbOrTx = db): Promise<{ id: string; deletedAt: Date | null } | undefined> {
      const [row] = await tx.select({ id: users.id, deletedAt: users.deletedAt }).from(users).where(eq(users.id, userId));
      return row;
    },

    /** Full names by user id. */
    async namesOf(userIds: string[], tx: DbOrTx = db): Promise<Map<string, string>> {
      const names = new Map<string, string>();
      if (userIds.length === 0) return names;
      for (const u of await tx.select({ id: users.id, fullName: users.fullName }).from(users).where(inArray(users.id, userIds))) {
        names.set(u.id, u.fullName);
      }
      return names;
    },

    async insert(values: NewCertificationRow, tx: DbOrTx = db): Promise<CertificationRow> {
      const [row] = await tx.insert(certifications).values(values).returning();
      return row!;
    },

    /** Revokes it unless it already was. */
    async revoke(id: string, by: string, at: Date, tx: DbOrTx = db): Promise<void> {
      await tx
        .update(certifications)
        .set({ revokedAt: at, revokedBy: by })
        .where(and(eq(certifications.id, id), isNull(certifications.revokedAt)));
    },

    /** Certifications newest first. */
    async list(filter: CertificationFilter, page: Page, tx: DbOrTx = db): Promise<Paged<CertificationRow>> {
      const where: SQL[] = [];
      if (filter.userId) where.push(eq(certifications.userId, filter.userId));
      if (filter.labId) where.push(eq(certifications.labId, filter.labId));
      if (filter.machineType) where.push(eq(certifications.machineType, filter.machineType));
      if (!filter.includeRevoked) where.push(isNull(certifications.revokedAt));
      const condition = where.length > 0 ? and(...where) : undefined;
      return pagedQuery(
        tx,
        tx.select().from(certifications).where(condition).orderBy(desc(certifications.grantedAt), asc(certifications.id)),
        { table: certifications, where: condition },
        page,
      );
    },

    /** Every certification neither revoked nor expired at `now`. */
    async inForceAt(now: Date, tx: DbOrTx = db): Promise<CertificationRow[]> {
      return tx
        .select()
        .from(certifications)
        .where(and(isNull(certifications.revokedAt), or(isNull(certifications.expiresAt), gt(certifications.expiresAt, now))));
    },

    /** The labs whose certifications of the type the lab accepts, with their settings (for their lapse). */
    async recognizedSources(labId: string, machineType: string, tx: DbOrTx = db): Promise<Array<{ labId: string; settings: LabSettings }>> {
      const rows = await tx
        .select({ labId: labs.id, settings: labs.settings })
        .from(certificationRecognitions)
        .innerJoin(labs, eq(labs.id, certificationRecognitions.recognizedLabId))
        .where(and(eq(certificationRecognitions.labId, labId), eq(certificationRecognitions.machineType, machineType)));
      return rows.map((r) => ({ labId: r.labId, settings: labSettings(r.settings) }));
    },

    /** The labs recognising each of these labs' certifications, by `labId|machineType` of the recognised lab. */
    async recognizersOf(labIds: string[], tx: DbOrTx = db): Promise<Map<string, string[]>> {
      const result = new Map<string, string[]>();
      if (labIds.length === 0) return result;
      const rows = await tx
        .select()
        .from(certificationRecognitions)
        .where(inArray(certificationRecognitions.recognizedLabId, [...new Set(labIds)]))
        .orderBy(asc(certificationRecognitions.labId));
      for (const r of rows) {
        const key = `${r.recognizedLabId}|${r.machineType}`;
        result.set(key, [...(result.get(key) ?? []), r.labId]);
      }
      return result;
    },

    /** The lab's recognitions of other labs, by machine type. */
    async listRecognitions(labId: string, tx: DbOrTx = db): Promise<RecognitionRow[]> {
      return tx
        .select()
        .from(certificationRecognitions)
        .where(eq(certificationRecognitions.labId, labId))
        .orderBy(asc(certificationRecognitions.machineType), asc(certificationRecognitions.createdAt), asc(certificationRecognitions.recognizedLabId));
    },

    /** The new row, or undefined when the lab already recognises that one. */
    async insertRecognition(values: typeof certificationRecognitions.$inferInsert, tx: DbOrTx = db): Promise<RecognitionRow | undefined> {
      const [row] = await tx.insert(certificationRecognitions).values(values).onConflictDoNothing().returning();
      return row;
    },

    /** Whether there was one to delete. */
    async deleteRecognition(key: RecognitionKey, tx: DbOrTx = db): Promise<boolean> {
      const rows = await tx.delete(certificationRecognitions).where(recognitionIs(key)).returning({ labId: certificationRecognitions.labId });
      return rows.length > 0;
    },

    /** Whether the member was already warned that this certification ends at `endsAt` (an ISO instant). */
    async wasWarnedOfEnd(userId: string, certificationId: string, endsAt: string, tx: DbOrTx = db): Promise<boolean> {
      const [already] = await tx
        .select({ id: notifications.id })
        .from(notifications)
        .where(
          and(
            eq(notifications.userId, userId),
            eq(notifications.kind, 'certification_expiring'),
            sql`${notifications.data} ->> 'certificationId' = ${certificationId}`,
            sql`${notifications.data} ->> 'expiresAt' = ${endsAt}`,
          ),
        )
        .limit(1);
      return already !== undefined;
    },
  };
}

import { and, asc, desc, eq, gt, isNull, lt, sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { pagedQuery, type Page, type Paged } from '../../db/paging.js';
import { labs, machines, maintenanceLog, maintenancePlans, maintenanceWindows, users } from '../../db/schema/index.js';

export type WindowRow = typeof maintenanceWindows.$inferSelect;
export type NewWindowRow = typeof maintenanceWindows.$inferInsert;
export type LogRow = typeof maintenanceLog.$inferSelect;
export type NewLogRow = typeof maintenanceLog.$inferInsert;
export type PlanRow = typeof maintenancePlans.$inferSelect;
export type NewPlanRow = typeof maintenancePlans.$inferInsert;

/** A plan with what its due state is made of: the machine, its lab's zone and the hours used since lastDoneAt. */
export interface PlanState {
  plan: PlanRow;
  labId: string;
  machineName: string;
  timezone: string;
  usageHours: number;
}

/** Which plans: one, a machine's, a lab's, or those whose managers were not told they are due. */
export interface PlanFilter {
  planId?: string;
  machineId?: string;
  labId?: string;
  dueNotNotified?: boolean;
}

export interface WindowFilter {
  labId?: string;
  machineId?: string;
  /** Windows that end after it. */
  from?: Date;
  /** Windows that start before it. */
  to?: Date;
}

export function createMaintenanceRepository(db: DbOrTx) {
  return {
    /** Locks the machine's row FOR UPDATE until the transaction ends. */
    async lockMachine(machineId: string, tx: DbOrTx = db): Promise<void> {
      await tx.select({ id: machines.id }).from(machines).where(eq(machines.id, machineId)).for('update');
    },

    async insertWindow(values: NewWindowRow, tx: DbOrTx = db): Promise<WindowRow> {
      const [row] = await tx.insert(maintenanceWindows).values(values).returning();
      return row!;
    },

    async findWindow(id: string, tx: DbOrTx = db): Promise<WindowRow | undefined> {
      const [row] = await tx.select().from(maintenanceWindows).where(eq(maintenanceWindows.id, id));
      return row;
    },

    async deleteWindow(id: string, tx: DbOrTx = db): Promise<void> {
      await tx.delete(maintenanceWindows).where(eq(maintenanceWindows.id, id));
    },

    /** Windows by start. */
    async listWindows(filter: WindowFilter, page: Page, tx: DbOrTx = db): Promise<Paged<WindowRow>> {
      const where: SQL[] = [];
      if (filter.labId) where.push(eq(maintenanceWindows.labId, filter.labId));
      if (filter.machineId) where.push(eq(maintenanceWindows.machineId, filter.machineId));
      if (filter.from) where.push(gt(maintenanceWindows.endAt, filter.from));
      if (filter.to) where.push(lt(maintenanceWindows.startAt, filter.to));
      const condition = where.length > 0 ? and(...where) : undefined;
      return pagedQuery(
        tx,
        tx.select().from(maintenanceWindows).where(condition).orderBy(asc(maintenanceWindows.startAt), asc(maintenanceWindows.id)),
        { table: maintenanceWindows, where: condition },
        page,
      );
    },

    /** The machine's log newest first, with the name of who did the work. */
    async listLog(machineId: string, page: Page, tx: DbOrTx = db): Promise<Paged<{ entry: LogRow; name: string | null }>> {
      const condition = eq(maintenanceLog.machineId, machineId);
      return pagedQuery(
        tx,
        tx
          .select({ entry: maintenanceLog, name: users.fullName })
          .from(maintenanceLog)
          .leftJoin(users, eq(users.id, maintenanceLog.performedBy))
          .where(condition)
          .orderBy(desc(maintenanceLog.performedAt), asc(maintenanceLog.id)),
        { table: maintenanceLog, where: condition },
        page,
      );
    },

    async insertLogEntry(values: NewLogRow, tx: DbOrTx = db): Promise<LogRow> {
      const [row] = await tx.insert(maintenanceLog).values(values).returning();
      return row!;
    },

    /** The plan, if it is one of the machine's. */
    async findPlan(machineId: string, planId: string, tx: DbOrTx = db): Promise<PlanRow | undefined> {
      const [row] = await tx
        .select()
        .from(maintenancePlans)
        .where(and(eq(maintenancePlans.id, planId), eq(maintenancePlans.machineId, machineId)));
      return row;
    },

    async insertPlan(values: NewPlanRow, tx: DbOrTx = db): Promise<PlanRow> {
      const [row] = await tx.insert(maintenancePlans).values(values).returning();
      return row!;
    },

    async updatePlan(id: string, values: Partial<NewPlanRow>, tx: DbOrTx = db): Promise<void> {
      await tx.update(maintenancePlans).set(values).where(eq(maintenancePlans.id, id));
    },

    async deletePlan(id: string, tx: DbOrTx = db): Promise<void> {
      await tx.delete(maintenancePlans).where(eq(maintenancePlans.id, id));
    },

    /** Marks the managers told that the plan is due; false when another process already did. */
    async claimDueNotice(planId: string, now: Date, tx: DbOrTx = db): Promise<boolean> {
      const [claimed] = await tx
        .update(maintenancePlans)
        .set({ dueNotifiedAt: now })
        .where(and(eq(maintenancePlans.id, planId), isNull(maintenancePlans.dueNotifiedAt)))
        .returning({ id: maintenancePlans.id });
      return claimed !== undefined;
    },

    /**
     * Plans with the hours of real use of their machine since they were last done: usage sessions
     * clipped to [lastDoneAt, now), an open session counting up to now.
     */
    async planStates(now: Date, filter: PlanFilter, tx: DbOrTx = db): Promise<PlanState[]> {
      const where: SQL[] = [];
      if (filter.planId) where.push(eq(maintenancePlans.id, filter.planId));
      if (filter.machineId) where.push(eq(maintenancePlans.machineId, filter.machineId));
      if (filter.labId) where.push(eq(machines.labId, filter.labId));
      if (filter.dueNotNotified) where.push(isNull(maintenancePlans.dueNotifiedAt));
      const nowSql = sql`${now.toISOString()}::timestamptz`;
      const usageHours = sql<number>`(coalesce((
          select sum(greatest(0, extract(epoch from (
            least(coalesce(us.end_at, ${nowSql}), ${nowSql}) - greatest(us.start_at, ${maintenancePlans.lastDoneAt})
          ))))
          from usage_sessions us
          where us.machine_id = ${maintenancePlans.machineId}
            and us.start_at < ${nowSql}
            and coalesce(us.end_at, 'infinity'::timestamptz) > ${maintenancePlans.lastDoneAt}
        ), 0) / 3600.0)::float8`;
      const rows = await tx
        .select({ plan: maintenancePlans, labId: machines.labId, machineName: machines.name, timezone: labs.timezone, usageHours })
        .from(maintenancePlans)
        .innerJoin(machines, eq(machines.id, maintenancePlans.machineId))
        .innerJoin(labs, eq(labs.id, machines.labId))
        .where(where.length > 0 ? and(...where) : undefined)
        .orderBy(asc(machines.name), asc(maintenancePlans.title), asc(maintenancePlans.id));
      return rows.map((r) => ({ ...r, usageHours: Number(r.usageHours) }));
    },
  };
}

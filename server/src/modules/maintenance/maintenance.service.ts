// Maintenance windows (time a machine cannot be booked), the maintenance log, and preventive
// plans that come due after N days or N hours of real use.
import type {
  MaintenanceBody,
  MaintenanceCreated,
  CancelledBookings,
  MaintenanceListQuery,
  MaintenanceLogBody,
  MaintenanceLogEntry,
  MaintenancePlan,
  MaintenancePlanBody,
  MaintenancePlanDone,
  MaintenancePlanDoneBody,
  MaintenancePlanPatchBody,
  MaintenanceWindow,
} from '@fablab/shared';
import { and, asc, count, desc, eq, gt, lt, sql, type SQL } from 'drizzle-orm';
import { plusLocalDays } from '@fablab/shared';
import type { FastifyInstance } from 'fastify';
import type { DbOrTx } from '../../db/client.js';
import { labs, machines, maintenanceLog, maintenancePlans, maintenanceWindows, users } from '../../db/schema/index.js';
import { badRequest, forbidden, notFound } from '../../lib/errors.js';
import { inTransaction } from '../../lib/transaction.js';
import type { Core } from '../../plugins/core.js';
import { can, requireLabManager, type Actor } from '../../plugins/policy.js';

type MachineRow = typeof machines.$inferSelect;

type WindowRow = typeof maintenanceWindows.$inferSelect;
type LogRow = typeof maintenanceLog.$inferSelect;
type PlanRow = typeof maintenancePlans.$inferSelect;

export function toApiWindow(row: WindowRow): MaintenanceWindow {
  return {
    id: row.id,
    machineId: row.machineId,
    labId: row.labId,
    start: row.startAt.toISOString(),
    end: row.endAt.toISOString(),
    reason: row.reason,
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
  };
}

/** Without `showNames` (department staff), who did the work is nulled, as in toApiUsage. */
function toApiLog(row: LogRow, performedByName: string | null, showNames = true): MaintenanceLogEntry {
  return {
    id: row.id,
    machineId: row.machineId,
    performedAt: row.performedAt.toISOString(),
    performedBy: showNames ? row.performedBy : null,
    performedByName: showNames ? performedByName : null,
    description: row.description,
    costVnd: row.costVnd,
    parts: row.parts,
    planId: row.planId,
    createdAt: row.createdAt.toISOString(),
  };
}

/** A plan with what its due state is made of: the machine, its lab's zone and the hours used since lastDoneAt. */
export interface PlanState {
  plan: PlanRow;
  labId: string;
  machineName: string;
  timezone: string;
  usageHours: number;
}

export function planView(state: PlanState, now: Date): MaintenancePlan {
  const { plan } = state;
  const dueAt = plan.everyDays
    ? plusLocalDays(plan.lastDoneAt, plan.everyDays, state.timezone)
    : null;
  const byHours = plan.everyUsageHours !== null && state.usageHours >= plan.everyUsageHours;
  const byDays = dueAt !== null && now >= dueAt;
  return {
    id: plan.id,
    machineId: plan.machineId,
    labId: state.labId,
    machineName: state.machineName,
    title: plan.title,
    everyDays: plan.everyDays,
    everyUsageHours: plan.everyUsageHours,
    lastDoneAt: plan.lastDoneAt.toISOString(),
    dueNotifiedAt: plan.dueNotifiedAt?.toISOString() ?? null,
    createdAt: plan.createdAt.toISOString(),
    usageHoursSinceDone: Math.round(state.usageHours * 100) / 100,
    dueAt: dueAt?.toISOString() ?? null,
    due: byHours || byDays,
    dueBecause: byHours ? 'usage_hours' : byDays ? 'days' : null,
  };
}

/**
 * Plans with the hours of real use of their machine since they were last done: usage sessions
 * clipped to [lastDoneAt, now), an open session counting up to now.
 */
export async function loadPlanStates(db: DbOrTx, now: Date, where: SQL | undefined): Promise<PlanState[]> {
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
  const rows = await db
    .select({ plan: maintenancePlans, labId: machines.labId, machineName: machines.name, timezone: labs.timezone, usageHours })
    .from(maintenancePlans)
    .innerJoin(machines, eq(machines.id, maintenancePlans.machineId))
    .innerJoin(labs, eq(labs.id, machines.labId))
    .where(where)
    .orderBy(asc(machines.name), asc(maintenancePlans.title), asc(maintenancePlans.id));
  return rows.map((r) => ({ ...r, usageHours: Number(r.usageHours) }));
}

function checkPlanRules(rules: { everyDays?: number | null; everyUsageHours?: number | null }): void {
  if (!rules.everyDays && !rules.everyUsageHours) {
    throw badRequest('VALIDATION_ERROR', 'A plan needs everyDays, everyUsageHours or both');
  }
}

export interface MaintenanceServiceDeps extends Core {
  labs: FastifyInstance['labs'];
  machines: FastifyInstance['machines'];
  bookings: FastifyInstance['bookings'];
}

export function createMaintenanceService(deps: MaintenanceServiceDeps) {
  const { db, clock, labEvents, audit } = deps;
  const maySeeNames = (actor: Actor, row: { labId: string; userId: string | null }) => can(actor, 'person.see_name', row);

  /** The bookings a window cancels, as the lab's manager who made it sees them. */
  async function viewBookings(rows: Parameters<typeof deps.bookings.view>[0][]) {
    const owners = await deps.bookings.ownersOf(rows);
    return rows.map((b) => deps.bookings.view(b, owners.get(b.userId ?? '')));
  }

  async function managedMachine(actor: Actor, machineId: string): Promise<MachineRow> {
    const machine = await deps.machines.find(machineId);
    requireLabManager(actor, machine.labId);
    return machine;
  }

  /** Reading a machine's maintenance: its lab's managers, admins and department staff. */
  async function readableMachine(actor: Actor, machineId: string): Promise<MachineRow> {
    const machine = await deps.machines.find(machineId);
    if (!can(actor, 'lab.read_records', { labId: machine.labId })) throw forbidden('Only this lab’s managers may see its maintenance');
    return machine;
  }

  async function findPlan(machineId: string, planId: string): Promise<PlanRow> {
    const [row] = await db
      .select()
      .from(maintenancePlans)
      .where(and(eq(maintenancePlans.id, planId), eq(maintenancePlans.machineId, machineId)));
    if (!row) throw notFound('Maintenance plan');
    return row;
  }

  async function planById(planId: string, now: Date): Promise<MaintenancePlan> {
    const [state] = await loadPlanStates(db, now, eq(maintenancePlans.id, planId));
    if (!state) throw notFound('Maintenance plan');
    return planView(state, now);
  }

  return {
    /**
     * Schedules (or records) a window. The machine's pending and approved bookings that overlap
     * it are cancelled in the same transaction, with the window's reason, and their owners told.
     */
    async createWindow(actor: Actor, machineId: string, body: MaintenanceBody, opts: { dryRun?: boolean } = {}): Promise<MaintenanceCreated | CancelledBookings> {
      const now = clock.now();
      const machine = await managedMachine(actor, machineId);
      const startAt = new Date(body.start);
      const endAt = new Date(body.end);
      if (endAt <= startAt) throw badRequest('VALIDATION_ERROR', 'end must be after start');
      const reason = body.reason.trim();
      if (!reason) throw badRequest('VALIDATION_ERROR', 'A reason is required');
      const selection = { machineIds: [machine.id], overlapping: [{ from: startAt, to: endAt }] };
      if (opts.dryRun) {
        const colliding = await deps.bookings.transitions.colliding(db, selection, { lock: false });
        return { cancelledBookings: await viewBookings(colliding) };
      }

      const { window, cancelled } = await inTransaction(db, async (tx) => {
        // Booking creation checks maintenance under the same machine row: holding it here keeps a
        // booking from slipping in between the window and its cancellations.
        await tx.select({ id: machines.id }).from(machines).where(eq(machines.id, machine.id)).for('update');
        const [window] = await tx
          .insert(maintenanceWindows)
          .values({ machineId: machine.id, labId: machine.labId, startAt, endAt, reason, createdBy: actor.id, createdAt: now })
          .returning();
        const cancelled = await deps.bookings.transitions.cancelSelected(tx, selection, {
          by: actor.id,
          reason,
          cause: 'maintenance',
          details: { maintenanceId: window!.id },
        });
        await audit.write(tx, {
          actorId: actor.id,
          action: 'maintenance.create',
          entityType: 'maintenance',
          entityId: window!.id,
          labId: machine.labId,
          details: { machineId: machine.id, start: body.start, end: body.end, reason, cancelledBookings: cancelled.map((b) => b.id) },
        });
        return { window: window!, cancelled };
      });
      labEvents.publish({ labId: machine.labId, kind: 'maintenance', machineIds: [machine.id] });
      return { maintenance: toApiWindow(window), cancelledBookings: await viewBookings(cancelled) };
    },

    /** Frees the window's time again; bookings it cancelled stay cancelled. */
    async deleteWindow(actor: Actor, windowId: string): Promise<void> {
      const [window] = await db.select().from(maintenanceWindows).where(eq(maintenanceWindows.id, windowId));
      if (!window) throw notFound('Maintenance window');
      requireLabManager(actor, window.labId);
      await db.transaction(async (tx) => {
        await tx.delete(maintenanceWindows).where(eq(maintenanceWindows.id, windowId));
        await audit.write(tx, {
          actorId: actor.id,
          action: 'maintenance.delete',
          entityType: 'maintenance',
          entityId: window.id,
          labId: window.labId,
          details: { machineId: window.machineId, start: window.startAt.toISOString(), end: window.endAt.toISOString(), reason: window.reason },
        });
      });
      labEvents.publish({ labId: window.labId, kind: 'maintenance', machineIds: [window.machineId] });
    },

    async listWindows(q: MaintenanceListQuery): Promise<{ items: MaintenanceWindow[]; total: number }> {
      const where: SQL[] = [];
      if (q.labId) where.push(eq(maintenanceWindows.labId, q.labId));
      if (q.machineId) where.push(eq(maintenanceWindows.machineId, q.machineId));
      if (q.from) where.push(gt(maintenanceWindows.endAt, new Date(q.from)));
      if (q.to) where.push(lt(maintenanceWindows.startAt, new Date(q.to)));
      const condition = where.length > 0 ? and(...where) : undefined;
      const [rows, [totalRow]] = await Promise.all([
        db
          .select()
          .from(maintenanceWindows)
          .where(condition)
          .orderBy(asc(maintenanceWindows.startAt), asc(maintenanceWindows.id))
          .limit(q.limit ?? 50)
          .offset(q.offset ?? 0),
        db.select({ n: count() }).from(maintenanceWindows).where(condition),
      ]);
      return { items: rows.map(toApiWindow), total: Number(totalRow?.n ?? 0) };
    },

    async listLog(actor: Actor, machineId: string, page: { limit?: number; offset?: number }): Promise<{ items: MaintenanceLogEntry[]; total: number }> {
      const machine = await readableMachine(actor, machineId);
      const condition = eq(maintenanceLog.machineId, machineId);
      const [rows, [totalRow]] = await Promise.all([
        db
          .select({ entry: maintenanceLog, name: users.fullName })
          .from(maintenanceLog)
          .leftJoin(users, eq(users.id, maintenanceLog.performedBy))
          .where(condition)
          .orderBy(desc(maintenanceLog.performedAt), asc(maintenanceLog.id))
          .limit(page.limit ?? 50)
          .offset(page.offset ?? 0),
        db.select({ n: count() }).from(maintenanceLog).where(condition),
      ]);
      return {
        items: rows.map((r) => toApiLog(r.entry, r.name, maySeeNames(actor, { labId: machine.labId, userId: r.entry.performedBy }))),
        total: Number(totalRow?.n ?? 0),
      };
    },

    async addLog(actor: Actor, machineId: string, body: MaintenanceLogBody): Promise<MaintenanceLogEntry> {
      const now = clock.now();
      const machine = await managedMachine(actor, machineId);
      const entry = await db.transaction(async (tx) => {
        const [row] = await tx
          .insert(maintenanceLog)
          .values({
            machineId: machine.id,
            performedAt: body.performedAt ? new Date(body.performedAt) : now,
            performedBy: actor.id,
            description: body.description,
            costVnd: body.costVnd ?? 0,
            parts: body.parts ?? null,
            createdAt: now,
          })
          .returning();
        await audit.write(tx, {
          actorId: actor.id,
          action: 'maintenance_log.create',
          entityType: 'maintenance',
          entityId: row!.id,
          labId: machine.labId,
          details: { machineId: machine.id, description: body.description, costVnd: body.costVnd ?? 0 },
        });
        return row!;
      });
      return toApiLog(entry, actor.fullName);
    },

    /** Plans carry no names, so department staff see them as the managers do. */
    async listPlans(actor: Actor, machineId: string): Promise<{ items: MaintenancePlan[]; total: number }> {
      await readableMachine(actor, machineId);
      const now = clock.now();
      const items = (await loadPlanStates(db, now, eq(maintenancePlans.machineId, machineId))).map((s) => planView(s, now));
      return { items, total: items.length };
    },

    async createPlan(actor: Actor, machineId: string, body: MaintenancePlanBody): Promise<MaintenancePlan> {
      const now = clock.now();
      const machine = await managedMachine(actor, machineId);
      checkPlanRules(body);
      const lastDoneAt = body.lastDoneAt ? new Date(body.lastDoneAt) : now;
      if (lastDoneAt > now) throw badRequest('VALIDATION_ERROR', 'lastDoneAt cannot be in the future');
      const plan = await db.transaction(async (tx) => {
        const [row] = await tx
          .insert(maintenancePlans)
          .values({
            machineId: machine.id,
            title: body.title,
            everyDays: body.everyDays ?? null,
            everyUsageHours: body.everyUsageHours ?? null,
            lastDoneAt,
            createdAt: now,
          })
          .returning();
        await audit.write(tx, {
          actorId: actor.id,
          action: 'maintenance_plan.create',
          entityType: 'maintenance',
          entityId: row!.id,
          labId: machine.labId,
          details: { machineId: machine.id, title: body.title, everyDays: body.everyDays ?? null, everyUsageHours: body.everyUsageHours ?? null },
        });
        return row!;
      });
      return planById(plan.id, now);
    },

    async updatePlan(actor: Actor, machineId: string, planId: string, body: MaintenancePlanPatchBody): Promise<MaintenancePlan> {
      const now = clock.now();
      const machine = await managedMachine(actor, machineId);
      const current = await findPlan(machineId, planId);
      const next = {
        title: body.title ?? current.title,
        everyDays: body.everyDays !== undefined ? body.everyDays : current.everyDays,
        everyUsageHours: body.everyUsageHours !== undefined ? body.everyUsageHours : current.everyUsageHours,
        lastDoneAt: body.lastDoneAt ? new Date(body.lastDoneAt) : current.lastDoneAt,
      };
      checkPlanRules(next);
      if (next.lastDoneAt > now) throw badRequest('VALIDATION_ERROR', 'lastDoneAt cannot be in the future');
      // A changed rule is a new due date: the managers are told again when it comes.
      const ruleChanged =
        next.everyDays !== current.everyDays ||
        next.everyUsageHours !== current.everyUsageHours ||
        next.lastDoneAt.getTime() !== current.lastDoneAt.getTime();
      await db.transaction(async (tx) => {
        await tx
          .update(maintenancePlans)
          .set({ ...next, ...(ruleChanged ? { dueNotifiedAt: null } : {}) })
          .where(eq(maintenancePlans.id, planId));
        await audit.write(tx, {
          actorId: actor.id,
          action: 'maintenance_plan.update',
          entityType: 'maintenance',
          entityId: planId,
          labId: machine.labId,
          details: { machineId, ...body },
        });
      });
      return planById(planId, now);
    },

    async deletePlan(actor: Actor, machineId: string, planId: string): Promise<void> {
      const machine = await managedMachine(actor, machineId);
      const plan = await findPlan(machineId, planId);
      await db.transaction(async (tx) => {
        await tx.delete(maintenancePlans).where(eq(maintenancePlans.id, planId));
        await audit.write(tx, {
          actorId: actor.id,
          action: 'maintenance_plan.delete',
          entityType: 'maintenance',
          entityId: planId,
          labId: machine.labId,
          details: { machineId, title: plan.title },
        });
      });
    },

    /** The plan was carried out now: it starts counting again, and the log says what was done. */
    async markPlanDone(actor: Actor, machineId: string, planId: string, body: MaintenancePlanDoneBody): Promise<MaintenancePlanDone> {
      const now = clock.now();
      const machine = await managedMachine(actor, machineId);
      const plan = await findPlan(machineId, planId);
      const entry = await db.transaction(async (tx) => {
        await tx.update(maintenancePlans).set({ lastDoneAt: now, dueNotifiedAt: null }).where(eq(maintenancePlans.id, planId));
        const [row] = await tx
          .insert(maintenanceLog)
          .values({
            machineId,
            performedAt: now,
            performedBy: actor.id,
            description: body.description ?? plan.title,
            costVnd: body.costVnd ?? 0,
            parts: body.parts ?? null,
            planId,
            createdAt: now,
          })
          .returning();
        await audit.write(tx, {
          actorId: actor.id,
          action: 'maintenance_plan.done',
          entityType: 'maintenance',
          entityId: planId,
          labId: machine.labId,
          details: { machineId, logEntryId: row!.id, costVnd: body.costVnd ?? 0 },
        });
        return row!;
      });
      return { plan: await planById(planId, now), logEntry: toApiLog(entry, actor.fullName) };
    },

    /** The lab's plans that are due now, for its managers and department staff. */
    async dueForLab(actor: Actor, labId: string): Promise<{ items: MaintenancePlan[]; total: number }> {
      await deps.labs.find(labId);
      if (!can(actor, 'lab.read_records', { labId })) throw forbidden('Only this lab’s managers may see due maintenance');
      const now = clock.now();
      const items = (await loadPlanStates(db, now, eq(machines.labId, labId))).map((s) => planView(s, now)).filter((p) => p.due);
      return { items, total: items.length };
    },
  };
}

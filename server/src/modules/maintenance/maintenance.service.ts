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
import { plusLocalDays } from '@fablab/shared';
import type { FastifyInstance } from 'fastify';
import { pageOf } from '../../db/paging.js';
import type { machines } from '../../db/schema/index.js';
import { badRequest, forbidden, notFound } from '../../lib/errors.js';
import { inTransaction } from '../../lib/transaction.js';
import type { Core } from '../../plugins/core.js';
import { can, requireLabManager, type Actor } from '../../plugins/policy.js';
import { createMaintenanceRepository, type LogRow, type PlanRow, type PlanState, type WindowRow } from './maintenance.repository.js';

export type { PlanState } from './maintenance.repository.js';

type MachineRow = typeof machines.$inferSelect;

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
  const repo = createMaintenanceRepository(db);
  const maySeeNames = (actor: Actor, row: { labId: string; userId: string | null }) => can(actor, 'person.see_name', row);

  /** The bookings a window cancels, as the lab's manager who made it sees them. */
  const viewBookings = (rows: Parameters<typeof deps.bookings.view>[0][]) => deps.bookings.viewWithOwners(rows);

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
    const row = await repo.findPlan(machineId, planId);
    if (!row) throw notFound('Maintenance plan');
    return row;
  }

  async function planById(planId: string, now: Date): Promise<MaintenancePlan> {
    const [state] = await repo.planStates(now, { planId });
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
        await repo.lockMachine(machine.id, tx);
        const window = await repo.insertWindow(
          { machineId: machine.id, labId: machine.labId, startAt, endAt, reason, createdBy: actor.id, createdAt: now },
          tx,
        );
        const cancelled = await deps.bookings.transitions.cancelSelected(tx, selection, {
          by: actor.id,
          reason,
          cause: 'maintenance',
          details: { maintenanceId: window.id },
        });
        await audit.write(tx, {
          actorId: actor.id,
          action: 'maintenance.create',
          entityType: 'maintenance',
          entityId: window.id,
          labId: machine.labId,
          details: { machineId: machine.id, start: body.start, end: body.end, reason, cancelledBookings: cancelled.map((b) => b.id) },
        });
        return { window, cancelled };
      });
      labEvents.publish({ labId: machine.labId, kind: 'maintenance', machineIds: [machine.id] });
      return { maintenance: toApiWindow(window), cancelledBookings: await viewBookings(cancelled) };
    },

    /** Frees the window's time again; bookings it cancelled stay cancelled. */
    async deleteWindow(actor: Actor, windowId: string): Promise<void> {
      const window = await repo.findWindow(windowId);
      if (!window) throw notFound('Maintenance window');
      requireLabManager(actor, window.labId);
      await db.transaction(async (tx) => {
        await repo.deleteWindow(windowId, tx);
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
      const { rows, total } = await repo.listWindows(
        { labId: q.labId, machineId: q.machineId, from: q.from ? new Date(q.from) : undefined, to: q.to ? new Date(q.to) : undefined },
        pageOf(q),
      );
      return { items: rows.map(toApiWindow), total };
    },

    async listLog(actor: Actor, machineId: string, page: { limit?: number; offset?: number }): Promise<{ items: MaintenanceLogEntry[]; total: number }> {
      const machine = await readableMachine(actor, machineId);
      const { rows, total } = await repo.listLog(machineId, pageOf(page));
      return {
        items: rows.map((r) => toApiLog(r.entry, r.name, maySeeNames(actor, { labId: machine.labId, userId: r.entry.performedBy }))),
        total,
      };
    },

    async addLog(actor: Actor, machineId: string, body: MaintenanceLogBody): Promise<MaintenanceLogEntry> {
      const now = clock.now();
      const machine = await managedMachine(actor, machineId);
      const entry = await db.transaction(async (tx) => {
        const row = await repo.insertLogEntry(
          {
            machineId: machine.id,
            performedAt: body.performedAt ? new Date(body.performedAt) : now,
            performedBy: actor.id,
            description: body.description,
            costVnd: body.costVnd ?? 0,
            parts: body.parts ?? null,
            createdAt: now,
          },
          tx,
        );
        await audit.write(tx, {
          actorId: actor.id,
          action: 'maintenance_log.create',
          entityType: 'maintenance',
          entityId: row.id,
          labId: machine.labId,
          details: { machineId: machine.id, description: body.description, costVnd: body.costVnd ?? 0 },
        });
        return row;
      });
      return toApiLog(entry, actor.fullName);
    },

    /** Plans carry no names, so department staff see them as the managers do. */
    async listPlans(actor: Actor, machineId: string): Promise<{ items: MaintenancePlan[]; total: number }> {
      await readableMachine(actor, machineId);
      const now = clock.now();
      const items = (await repo.planStates(now, { machineId })).map((s) => planView(s, now));
      return { items, total: items.length };
    },

    async createPlan(actor: Actor, machineId: string, body: MaintenancePlanBody): Promise<MaintenancePlan> {
      const now = clock.now();
      const machine = await managedMachine(actor, machineId);
      checkPlanRules(body);
      const lastDoneAt = body.lastDoneAt ? new Date(body.lastDoneAt) : now;
      if (lastDoneAt > now) throw badRequest('VALIDATION_ERROR', 'lastDoneAt cannot be in the future');
      const plan = await db.transaction(async (tx) => {
        const row = await repo.insertPlan(
          {
            machineId: machine.id,
            title: body.title,
            everyDays: body.everyDays ?? null,
            everyUsageHours: body.everyUsageHours ?? null,
            lastDoneAt,
            createdAt: now,
          },
          tx,
        );
        await audit.write(tx, {
          actorId: actor.id,
          action: 'maintenance_plan.create',
          entityType: 'maintenance',
          entityId: row.id,
          labId: machine.labId,
          details: { machineId: machine.id, title: body.title, everyDays: body.everyDays ?? null, everyUsageHours: body.everyUsageHours ?? null },
        });
        return row;
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
        await repo.updatePlan(planId, { ...next, ...(ruleChanged ? { dueNotifiedAt: null } : {}) }, tx);
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
        await repo.deletePlan(planId, tx);
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
        await repo.updatePlan(planId, { lastDoneAt: now, dueNotifiedAt: null }, tx);
        const row = await repo.insertLogEntry(
          {
            machineId,
            performedAt: now,
            performedBy: actor.id,
            description: body.description ?? plan.title,
            costVnd: body.costVnd ?? 0,
            parts: body.parts ?? null,
            planId,
            createdAt: now,
          },
          tx,
        );
        await audit.write(tx, {
          actorId: actor.id,
          action: 'maintenance_plan.done',
          entityType: 'maintenance',
          entityId: planId,
          labId: machine.labId,
          details: { machineId, logEntryId: row.id, costVnd: body.costVnd ?? 0 },
        });
        return row;
      });
      return { plan: await planById(planId, now), logEntry: toApiLog(entry, actor.fullName) };
    },

    /** The lab's plans that are due now, for its managers and department staff. */
    async dueForLab(actor: Actor, labId: string): Promise<{ items: MaintenancePlan[]; total: number }> {
      await deps.labs.find(labId);
      if (!can(actor, 'lab.read_records', { labId })) throw forbidden('Only this lab’s managers may see due maintenance');
      const now = clock.now();
      const items = (await repo.planStates(now, { labId })).map((s) => planView(s, now)).filter((p) => p.due);
      return { items, total: items.length };
    },
  };
}

import type { FastifyInstance } from 'fastify';
import { labManagerIds } from '../../plugins/policy.js';
import { createMaintenanceRepository } from './maintenance.repository.js';
import { planView } from './maintenance.service.js';

/**
 * Tells a lab's managers once when a preventive plan of one of its machines comes due. The plan
 * is claimed by setting dueNotifiedAt where it is still null, so a second process skips it.
 */
export async function notifyDueMaintenance(app: FastifyInstance, now: Date): Promise<{ notified: number; planIds: string[] }> {
  const repo = createMaintenanceRepository(app.db);
  const due = (await repo.planStates(now, { dueNotNotified: true }))
    .map((state) => ({ state, view: planView(state, now) }))
    .filter((p) => p.view.due);
  const planIds: string[] = [];
  for (const { state, view } of due) {
    await app.db.transaction(async (tx) => {
      if (!(await repo.claimDueNotice(view.id, now, tx))) return;
      const managers = await labManagerIds(tx, state.labId);
      await app.notifier.notify(
        tx,
        managers.map((userId) => ({
          userId,
          kind: 'maintenance_due',
          data: {
            planId: view.id,
            title: view.title,
            machineId: view.machineId,
            machineName: view.machineName,
            labId: view.labId,
            dueBecause: view.dueBecause,
            usageHoursSinceDone: view.usageHoursSinceDone,
            everyDays: view.everyDays,
            everyUsageHours: view.everyUsageHours,
            lastDoneAt: view.lastDoneAt,
          },
        })),
      );
      planIds.push(view.id);
    });
  }
  return { notified: planIds.length, planIds };
}

// Real use of the machines: check-in and check-out of bookings, walk-ins recorded by a manager,
// incidents, and what each machine is doing right now.
import type { UsageListQuery, UsageSession } from '@fablab/shared';
import { pageOf } from '../../db/paging.js';
import { forbidden, notFound } from '../../lib/errors.js';
import { managesLab, type Actor } from '../../plugins/policy.js';
import { createCheckInOut } from './check-in-out.js';
import { createIncidents } from './incidents.js';
import { createLabStatus } from './lab-status.js';
import { createUsageCore, type UsageServiceDeps } from './usage-core.js';
import type { UsageScope } from './usage.repository.js';
import { createWalkIns } from './walk-ins.js';

export type { UsageServiceDeps } from './usage-core.js';
export type { UsageRow } from './usage.repository.js';
export { toApiUsage } from './usage-view.js';

export function createUsageService(deps: UsageServiceDeps) {
  const core = createUsageCore(deps);

  return {
    ...createCheckInOut(core),
    ...createWalkIns(core),
    ...createIncidents(core),
    ...createLabStatus(core),

    async get(actor: Actor, sessionId: string): Promise<UsageSession> {
      const row = await core.findSession(sessionId);
      if (!core.mayReadSession(actor, row)) throw notFound('Usage session');
      return core.viewSession(row, actor);
    },

    /**
     * Admins and department staff see every lab (department without names); a lab's managers see
     * their labs; everyone else sees only their own sessions.
     */
    async list(actor: Actor, q: UsageListQuery): Promise<{ items: UsageSession[]; total: number }> {
      if (actor.role === 'department' && q.userId) throw forbidden('Department staff see usage without personal data');
      let scope: UsageScope = { all: true };
      if (actor.role !== 'admin' && actor.role !== 'department') {
        if (q.labId && !managesLab(actor, q.labId)) {
          if (q.userId && q.userId !== actor.id) throw forbidden('Only this lab’s managers may see others’ usage');
          scope = { all: false, ownerId: actor.id };
        } else if (!q.labId) {
          scope = { all: false, ownerId: actor.id, labIds: actor.role === 'manager' ? actor.managedLabIds : [] };
        }
      }
      const { rows, total } = await core.repo.listSessions(
        scope,
        { labId: q.labId, machineId: q.machineId, userId: q.userId, from: q.from, to: q.to ? new Date(q.to) : undefined },
        pageOf(q),
      );
      return { items: await core.viewSessions(rows, actor), total };
    },
  };
}

export type UsageService = ReturnType<typeof createUsageService>;

// Incidents reported on a session: the lab's managers are told, and a manager's report may take
// the machine out of service at once.
import type { Incident, IncidentBody } from '@fablab/shared';
import { pageOf } from '../../db/paging.js';
import { forbidden, notFound } from '../../lib/errors.js';
import { inTransaction } from '../../lib/transaction.js';
import { can, labManagerIds, managesLab, type Actor } from '../../plugins/policy.js';
import type { UsageCore } from './usage-core.js';
import { maySeeNames, toApiIncident } from './usage-view.js';

export function createIncidents(core: UsageCore) {
  const { db, clock, labEvents, audit, notifier, repo } = core;

  return {
    async reportIncident(actor: Actor, sessionId: string, body: IncidentBody): Promise<Incident> {
      const session = await core.findSession(sessionId);
      const isOwner = session.userId !== null && session.userId === actor.id;
      if (!isOwner && !managesLab(actor, session.labId)) {
        if (core.mayReadSession(actor, session)) throw forbidden('Only the member or the lab’s managers may report an incident');
        throw notFound('Usage session');
      }
      const machine = await core.machines.find(session.machineId);
      // Only the lab's managers take a machine out of service; a member's request reaches them as such.
      const requested = Boolean(body.putOutOfService);
      const putOutOfService = requested && can(actor, 'lab.manage', session) && machine.status === 'available';
      const incident = await inTransaction(db, async (tx) => {
        const row = await repo.insertIncident(
          {
            usageSessionId: session.id,
            machineId: session.machineId,
            labId: session.labId,
            kind: body.kind,
            description: body.description,
            machineOutOfService: putOutOfService,
            reportedBy: actor.id,
            createdAt: clock.now(),
          },
          tx,
        );
        if (putOutOfService) await core.machines.putOutOfService(tx, actor.id, machine, { incidentId: row.id });
        await audit.write(tx, {
          actorId: actor.id,
          action: 'usage.incident',
          entityType: 'usage',
          entityId: session.id,
          labId: session.labId,
          details: { incidentId: row.id, kind: body.kind, putOutOfService },
        });
        const managers = await labManagerIds(tx, session.labId);
        await notifier.notify(
          tx,
          managers.map((userId) => ({
            userId,
            kind: 'incident_reported',
            data: {
              incidentId: row.id,
              usageSessionId: session.id,
              machineId: session.machineId,
              machineName: machine.name,
              labId: session.labId,
              kind: body.kind,
              putOutOfService,
              ...(requested && !putOutOfService ? { outOfServiceRequested: true } : {}),
              reportedBy: actor.id,
            },
          })),
        );
        return row;
      });
      if (putOutOfService) labEvents.publish({ labId: session.labId, kind: 'machine', machineIds: [session.machineId] });
      return toApiIncident(incident, actor.fullName);
    },

    async listIncidents(actor: Actor, labId: string, page: { limit?: number; offset?: number }): Promise<{ items: Incident[]; total: number }> {
      await core.labs.find(labId);
      if (!can(actor, 'lab.read_records', { labId })) throw forbidden('Only this lab’s managers may see its incidents');
      const { rows, total } = await repo.listIncidents(labId, pageOf(page));
      return {
        items: rows.map((r) => toApiIncident(r.incident, r.reporter, maySeeNames(actor, { labId: r.incident.labId, userId: r.incident.reportedBy }))),
        total,
      };
    },
  };
}

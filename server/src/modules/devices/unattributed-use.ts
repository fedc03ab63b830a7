// Power switched on at the device itself, with no session to account for it: an incident for the
// lab's managers, logged and notified.
import { labManagerIds } from '../../plugins/policy.js';
import type { DevicesCore } from './devices-core.js';
import type { DeviceRow, MachineRow } from './devices.repository.js';

export function createUnattributedUse(core: DevicesCore) {
  const { db, clock, notifier, repo, logEvent } = core;

  /** An incident for the lab's managers: the machine drew power that no session accounts for. */
  async function unattributedUse(sw: DeviceRow, machine: MachineRow): Promise<string> {
    return db.transaction(async (tx) => {
      const incidentId = await repo.insertIncident(
        {
          machineId: machine.id,
          labId: machine.labId,
          kind: 'other',
          description: `Unattributed use: ${machine.name} was switched on at the device (${sw.deviceId}) without a session; the server switched it off`,
          createdAt: clock.now(),
        },
        tx,
      );
      await logEvent(tx, {
        labId: machine.labId,
        machineId: machine.id,
        deviceId: sw.deviceId,
        kind: 'unattributed',
        ok: false,
        code: 'UNATTRIBUTED_USE',
        details: { incidentId, apower: sw.apower },
      });
      const managers = await labManagerIds(tx, machine.labId);
      await notifier.notify(
        tx,
        managers.map((userId) => ({
          userId,
          kind: 'incident_reported',
          data: {
            incidentId,
            usageSessionId: null,
            machineId: machine.id,
            machineName: machine.name,
            labId: machine.labId,
            kind: 'other',
            putOutOfService: false,
            reportedBy: null,
          },
        })),
      );
      return incidentId;
    });
  }

  return { unattributedUse };
}

export type UnattributedUse = ReturnType<typeof createUnattributedUse>;

// What each machine of a lab is doing now, for the lab's live board.
import type { LabStatus, LiveMachineStatus } from '@fablab/shared';
import { managesLab, type Actor } from '../../plugins/policy.js';
import type { UsageCore } from './usage-core.js';

export function createLabStatus(core: UsageCore) {
  const { clock, repo } = core;

  return {
    /** What each machine of the lab is doing now; who uses it only for the lab's managers and admins. */
    async labStatus(actor: Actor | undefined, labId: string): Promise<LabStatus> {
      const now = clock.now();
      await core.labs.find(labId);
      const showNames = managesLab(actor, labId);
      const [machineRows, windows, sessions, switches] = await Promise.all([
        repo.machinesOfLab(labId),
        repo.maintenanceUnderWay(labId, now),
        repo.sessionsRunning(labId, now),
        repo.switchesOfLab(labId),
      ]);
      // A machine with a power switch shows it: reachable or not, on or off, and its draw.
      const powerOf = new Map(switches.map((d) => [d.machineId, { online: d.online ?? false, output: d.output, apower: d.apower }]));
      const maintenanceUntil = new Map<string, Date>();
      for (const w of windows) {
        const prev = maintenanceUntil.get(w.machineId);
        if (!prev || w.endAt > prev) maintenanceUntil.set(w.machineId, w.endAt);
      }
      const sessionOf = new Map(sessions.map((s) => [s.machineId, s]));
      return {
        machines: machineRows
          .map((m): LiveMachineStatus => {
            if (m.status !== 'available') return { machineId: m.id, state: 'out_of_service', until: null };
            const mUntil = maintenanceUntil.get(m.id);
            if (mUntil) return { machineId: m.id, state: 'maintenance', until: mUntil.toISOString() };
            const s = sessionOf.get(m.id);
            if (s) {
              // A booking's session runs until the booking ends; an open walk-in has no known end.
              const until = s.bookingEnd ?? s.endAt;
              const status: LiveMachineStatus = { machineId: m.id, state: 'in_use', until: until?.toISOString() ?? null };
              if (showNames) status.userName = s.guestName ?? s.userName ?? null;
              return status;
            }
            return { machineId: m.id, state: 'free', until: null };
          })
          .map((status) => {
            const power = powerOf.get(status.machineId);
            return power ? { ...status, power } : status;
          }),
      };
    },
  };
}

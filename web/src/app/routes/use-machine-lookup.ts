// Booking lists name machines and labs and read times in each lab's zone: built here, at the
// app level, from the labs feature, and handed to the lists as a plain function.
import { DEFAULT_TIMEZONE } from '@fablab/shared';
import { useMemo } from 'react';
import { useLabs } from '../../features/labs/api/get-labs';
import { useMachinesOfLabs } from '../../features/labs/api/get-lab-machines';
import { useNames } from '../../lib/names';

export function useMachineLookup() {
  const names = useNames();
  const labs = useLabs();
  const labIds = useMemo(() => (labs.data ?? []).map((l) => l.id), [labs.data]);
  const { machines, isPending } = useMachinesOfLabs(labIds);
  const labName = names.lab;
  return useMemo(() => {
    const labById = new Map((labs.data ?? []).map((l) => [l.id, l]));
    const machineById = new Map(machines.map((m) => [m.id, m]));
    const lookup = (machineId: string) => {
      const machine = machineById.get(machineId);
      const lab = machine ? labById.get(machine.labId) : undefined;
      if (!machine || !lab) return undefined;
      return {
        machineName: machine.name,
        machineType: machine.type,
        labId: lab.id,
        labName: labName(lab),
        zone: lab.timezone,
        checkInEarlyMinutes: lab.settings.checkInEarlyMinutes,
        cancelCutoffMinutes: lab.settings.cancelCutoffMinutes,
        machine,
        openingHours: lab.openingHours,
      };
    };
    return {
      lookup,
      labs: labs.data ?? [],
      machines,
      labNameOf: (labId: string) => {
        const lab = labById.get(labId);
        return lab ? labName(lab) : '';
      },
      zoneOf: (labId?: string) => (labId ? labById.get(labId)?.timezone : undefined) ?? DEFAULT_TIMEZONE,
      isPending: labs.isPending || isPending,
      error: labs.error ?? null,
    };
  }, [labs.data, labs.isPending, labs.error, machines, isPending, labName]);
}

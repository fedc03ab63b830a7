import type { Machine, OpeningHours } from '@fablab/shared';

/** What a booking list needs to name a booking's machine and lab; the page supplies it. */
export interface MachineInfo {
  machineName: string;
  machineType: string;
  labId: string;
  labName: string;
  zone: string;
  /** How early before its start a booking may be checked in (the lab's setting). */
  checkInEarlyMinutes: number;
  /** How long before its start a member may still cancel (the lab's setting). */
  cancelCutoffMinutes?: number;
  /** The machine's booking rules and the lab's hours, for rescheduling from a list. */
  machine?: Machine;
  openingHours?: OpeningHours;
}

export type MachineLookup = (machineId: string) => MachineInfo | undefined;

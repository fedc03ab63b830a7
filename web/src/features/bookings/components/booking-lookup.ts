/** What a booking list needs to name a booking's machine and lab; the page supplies it. */
export interface MachineInfo {
  machineName: string;
  machineType: string;
  labId: string;
  labName: string;
  zone: string;
  /** How early before its start a booking may be checked in (the lab's setting). */
  checkInEarlyMinutes: number;
}

export type MachineLookup = (machineId: string) => MachineInfo | undefined;

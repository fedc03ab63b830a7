// Turns a switch's reports into measured use. A report says what the switch is doing now; the
// time since the previous report is counted with the previous report's state (it held until this
// one), cut into UTC quarter hours so that statistics can split it at any lab's month boundary.

const QUARTER_MS = 15 * 60_000;

export interface SwitchState {
  output: boolean | null;
  apower: number | null;
}

export interface MeterSlice {
  quarterStart: Date;
  poweredSecs: number;
  runningSecs: number;
  energyWh: number;
}

export function isRunning(state: SwitchState, thresholdW: number): boolean {
  return state.output === true && state.apower !== null && state.apower > thresholdW;
}

/**
 * The Wh used between two reports: the difference of the switch's counter, or, where the counter
 * is missing or went backwards (the device was reset), what the earlier draw makes over the time.
 */
export function energyBetween(
  prev: SwitchState & { energyWh: number | null },
  nextEnergyWh: number | null,
  elapsedMs: number,
): number {
  if (prev.energyWh !== null && nextEnergyWh !== null && nextEnergyWh >= prev.energyWh)
    return nextEnergyWh - prev.energyWh;
  return estimateWh(prev, elapsedMs);
}

export function estimateWh(state: SwitchState, elapsedMs: number): number {
  if (state.output !== true || state.apower === null || state.apower <= 0) return 0;
  return (state.apower * elapsedMs) / 3_600_000;
}

/** [from, to) held in `state`, with `energyWh` spread evenly over it, per quarter hour. */
export function sliceInterval(
  state: SwitchState,
  from: Date,
  to: Date,
  energyWh: number,
  thresholdW: number,
): MeterSlice[] {
  const total = to.getTime() - from.getTime();
  if (total <= 0) return [];
  const powered = state.output === true;
  const running = isRunning(state, thresholdW);
  const slices: MeterSlice[] = [];
  for (let q = Math.floor(from.getTime() / QUARTER_MS) * QUARTER_MS; q < to.getTime(); q += QUARTER_MS) {
    const ms = Math.min(to.getTime(), q + QUARTER_MS) - Math.max(from.getTime(), q);
    if (ms <= 0) continue;
    const secs = ms / 1000;
    slices.push({
      quarterStart: new Date(q),
      poweredSecs: powered ? secs : 0,
      runningSecs: running ? secs : 0,
      energyWh: (energyWh * ms) / total,
    });
  }
  return slices;
}

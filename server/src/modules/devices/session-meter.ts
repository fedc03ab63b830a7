// The measured use a switch's reports add to the sessions on its machine: from a session's start,
// at every report, and for the last stretch up to its end.
import type { UsageRow } from './device-sessions.repository.js';
import { threshold, type DevicesCore } from './devices-core.js';
import type { DeviceRow } from './devices.repository.js';
import { energyBetween, estimateWh, sliceInterval, type SwitchState } from './metering.js';

export function createSessionMeter(core: DevicesCore) {
  const { db, clock, repo } = core;
  /** Switches whose last report added to a session (a hint only: the database decides). */
  const metering = new Set<string>();

  /** A session opened on a machine with a switch is measured from its start, even before the first report. */
  async function startMeter(session: UsageRow, sw: DeviceRow | undefined): Promise<void> {
    if (!sw) return;
    await repo.startMeter(session.id);
  }

  /**
   * Counts the time from the switch's last report to the session's end, in the state it last
   * reported. Locks the switch before the session, as a report does (handleStatus): the switch's
   * report of being switched off may be handled at the same moment.
   */
  async function finishMeter(session0: UsageRow): Promise<void> {
    await db.transaction(async (tx) => {
      const sw = await repo.lockSwitchOf(session0.machineId, tx);
      if (!sw?.statusAt) return;
      const session = await repo.lockSession(session0.id, tx);
      if (!session?.endAt) return;
      const from = new Date(
        Math.max(sw.statusAt.getTime(), session.startAt.getTime(), session.meteredUntil?.getTime() ?? 0),
      );
      if (session.endAt <= from) return;
      const state: SwitchState = { output: sw.output, apower: sw.apower };
      const slices = sliceInterval(
        state,
        from,
        session.endAt,
        estimateWh(state, session.endAt.getTime() - from.getTime()),
        threshold(sw),
      );
      await repo.addToSession(session.id, slices, session.endAt, tx);
    });
  }

  async function handleStatus(deviceId: string, payload: Buffer): Promise<void> {
    let status: { output?: unknown; apower?: unknown; aenergy?: { total?: unknown } };
    try {
      status = JSON.parse(payload.toString('utf8')) as typeof status;
    } catch {
      return;
    }
    if (!status || typeof status.output !== 'boolean') return;
    const output = status.output;
    const apower = typeof status.apower === 'number' && Number.isFinite(status.apower) ? status.apower : null;
    const total = status.aenergy?.total;
    const energyWh = typeof total === 'number' && Number.isFinite(total) ? total : null;
    const at = clock.now();
    const report = { output, apower, energyWh, at };
    // Most reports measure nothing: the switch of a machine nobody used since its last report. One
    // statement then, with no transaction around it; a report that adds to a session goes below.
    // A switch whose last report measured a session is likely to again: it goes there directly.
    if (!metering.has(deviceId)) {
      if (await repo.plainReport(deviceId, report)) return;
    }
    const measured = await db.transaction(async (tx) => {
      // The new state written and the one before it read back, in one statement, the row locked
      // until the session's share of the time is counted.
      const sw = await repo.report(deviceId, report, tx);
      if (!sw) return false;
      let measuredSessions = 0;
      const prevAt = sw.statusAt;
      if (prevAt && at > prevAt) {
        const elapsed = at.getTime() - prevAt.getTime();
        const prev = { output: sw.output, apower: sw.apower, energyWh: sw.energyWh };
        const energy = energyBetween(prev, energyWh, elapsed);
        const sessions = await repo.lockSessionsOverlapping(sw.machineId, prevAt, at, tx);
        measuredSessions = sessions.length;
        for (const s of sessions) {
          const from = new Date(Math.max(prevAt.getTime(), s.startAt.getTime(), s.meteredUntil?.getTime() ?? 0));
          const to = new Date(Math.min(at.getTime(), s.endAt?.getTime() ?? at.getTime()));
          if (to <= from) continue;
          const share = (energy * (to.getTime() - from.getTime())) / elapsed;
          await repo.addToSession(s.id, sliceInterval(prev, from, to, share, threshold(sw)), to, tx);
        }
      }
      return measuredSessions > 0;
    });
    if (measured) metering.add(deviceId);
    else metering.delete(deviceId);
  }

  return { startMeter, finishMeter, handleStatus };
}

export type SessionMeter = ReturnType<typeof createSessionMeter>;

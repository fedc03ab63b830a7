// The background jobs' watch over machines with devices: the warning at a checked-in booking's
// end, and switching off power that no session uses any more (after the grace period, or never
// attributed to anyone), repeated while the switch stays on.
import { labSettings, type ReaderReply } from '@fablab/shared';
import { threshold, type DevicesCore } from './devices-core.js';
import { isRunning } from './metering.js';
import type { PowerCommands } from './power-commands.js';
import type { UnattributedUse } from './unattributed-use.js';

/** Switch-off commands a switch that stays on gets before the server stops repeating them. */
const MAX_OFF_RETRIES = 3;

export function createSessionWatch(core: DevicesCore, commands: PowerCommands, incidents: UnattributedUse) {
  const { db, log, notifier, repo, logEvent, reply } = core;
  const { power } = commands;
  const { unattributedUse } = incidents;

  return {
    /**
     * The background job's pass over switches that report power with no session open on their
     * machine: a session the system checked out at its booking's end plus the grace period, or a
     * member who left without stopping, is switched off (a machine that may run unattended and
     * still draws above its threshold — a print in progress — goes off once idle); power switched
     * on at the device itself is unattributed use: the lab's managers get an incident, and it goes
     * off too. Each report that still says "on" gets the command again, at most MAX_OFF_RETRIES times.
     * A manager's override (setPower) is left on.
     */
    async powerOffUnused(): Promise<{ switchedOff: string[]; incidents: string[] }> {
      const switchedOff: string[] = [];
      const opened: string[] = [];
      const rows = await repo.switchesOn();
      for (const { sw, machine } of rows) {
        if (await repo.openSessionOf(machine.id)) continue;
        if (machine.mayRunUnattended && isRunning(sw, threshold(sw))) continue;
        const commands = await repo.recentCommands(sw.deviceId, MAX_OFF_RETRIES + 1);
        const last = commands[0];
        // A lab's manager switched it on from the status board: on until someone switches it off.
        if (last?.code === 'SWITCH_ON' && last.details.override === true) continue;
        // Sent, and no report since: wait for the switch to confirm.
        if (last?.code === 'SWITCH_OFF' && (!sw.statusAt || last.at >= sw.statusAt)) continue;
        const offsInARow = commands.findIndex((c) => c.code !== 'SWITCH_OFF');
        if ((offsInARow === -1 ? commands.length : offsInARow) >= MAX_OFF_RETRIES) continue;
        if (last?.code !== 'SWITCH_ON') {
          const since = commands.find((c) => c.code === 'SWITCH_ON')?.at ?? new Date(0);
          if (!(await repo.unattributedSince(sw.deviceId, since))) opened.push(await unattributedUse(sw, machine));
        }
        await power(machine, false, { userId: null, usageSessionId: last?.usageSessionId ?? null });
        switchedOff.push(sw.deviceId);
      }
      return { switchedOff, incidents: opened };
    },

    /**
     * At a checked-in booking's end the member is warned, once, on the machine's readers and by a
     * notification: the system checks the booking out after the lab's grace period (the usage
     * module's job) and the switch then goes off (powerOffUnused).
     */
    async warnBookingEnds(now: Date): Promise<{ warned: string[] }> {
      const due = await repo.endedInUseUnwarned(now);
      const warned: string[] = [];
      for (const { booking, session, machine, lab } of due) {
        const grace = labSettings(lab.settings).noShowGraceMinutes;
        const message: ReaderReply = {
          ok: true,
          code: 'BOOKING_ENDED',
          message: `Your booking has ended: tap to check out; the machine goes off in ${grace} minutes`,
        };
        await db.transaction(async (tx) => {
          await logEvent(tx, {
            labId: lab.id,
            machineId: machine.id,
            kind: 'warning',
            ok: true,
            code: message.code,
            userId: booking.userId,
            usageSessionId: session.id,
            at: now,
          });
          if (booking.userId) {
            await notifier.notify(tx, {
              userId: booking.userId,
              kind: 'booking_ended',
              data: {
                bookingId: booking.id,
                machineId: machine.id,
                machineName: machine.name,
                labId: lab.id,
                start: booking.startAt.toISOString(),
                end: booking.endAt.toISOString(),
              },
            });
          }
        });
        const readers = await repo.readersOf(machine.id);
        for (const r of readers) {
          reply(lab.slug, r.deviceId, message).catch((err: unknown) =>
            log.warn({ err, device: r.deviceId }, 'reader warning not sent'),
          );
        }
        warned.push(booking.id);
      }
      return { warned };
    },
  };
}

// The one decision that turns a machine on for a member, for a card tap and for the Start button
// alike, and its counterpart that ends the member's use and switches the machine off.
import { openPeriodAt, type Booking, type StartResult, type UsageSession } from '@fablab/shared';
import { DateTime } from 'luxon';
import { conflict, forbidden, unprocessable } from '../../lib/errors.js';
import { managesLab, type Actor } from '../../plugins/policy.js';
import type { UsageRow } from './device-sessions.repository.js';
import type { DevicesCore } from './devices-core.js';
import type { DeviceRow, MachineRow } from './devices.repository.js';
import type { PowerCommands } from './power-commands.js';
import type { SessionMeter } from './session-meter.js';

function localTime(at: Date, timezone: string): string {
  return DateTime.fromJSDate(at, { zone: timezone }).toFormat('HH:mm');
}

export function createStartDecision(core: DevicesCore, commands: PowerCommands, meter: SessionMeter) {
  const { db, clock, usage, repo, logEvent, labContext } = core;
  const { power } = commands;
  const { startMeter, finishMeter } = meter;
  /** No rows: what a query that need not run answers. */
  const none = Promise.resolve([] as never[]);

  /**
   * The one decision for a tap and for the Start button: the member's approved booking now (from
   * the check-in window on) is checked in through the usage module's check-in, which applies the
   * window, the machine's state and the certification; without one, a machine that takes walk-ins
   * opens a walk-in for a certified member while the lab is open and the machine is free for at
   * least its minimum length (inside the open period too, unless it may run unattended, as for a
   * booking). Then the switch goes on. The member's own open session (checked in on the phone) is
   * only switched on.
   */
  async function startUse(
    member: Actor,
    machine: MachineRow,
    known?: { open: UsageRow | undefined; sw: DeviceRow | undefined },
  ): Promise<{ booking?: Booking; session: UsageRow }> {
    const now = clock.now();
    if (machine.status !== 'available') throw unprocessable('MACHINE_UNAVAILABLE', 'The machine is out of service');
    const [open, sw] = known
      ? [known.open, known.sw]
      : await Promise.all([repo.openSessionOf(machine.id), repo.switchOf(machine.id)]);
    if (open) {
      if (open.userId !== member.id) throw conflict('MACHINE_IN_USE', 'Someone else is using this machine');
      await power(machine, true, { userId: member.id, usageSessionId: open.id }, sw);
      await startMeter(open, sw);
      let booking: Booking | undefined;
      if (open.bookingId) {
        const row = await repo.findBooking(open.bookingId);
        if (row) booking = core.bookings.view(row, { userName: member.fullName, userEmail: member.email });
      }
      return { booking, session: open };
    }

    const lab = await labContext(machine.labId);
    const settings = lab.settings;
    const windowOpensBy = new Date(now.getTime() + settings.checkInEarlyMinutes * 60_000);
    const until = new Date(now.getTime() + machine.minMinutes * 60_000);
    // Everything the decision may need, read at once: the member's approved booking now (or a
    // pending one, to say so); with walk-ins, the certification and whatever takes the machine
    // within its minimum length. Refused below in API.md's order.
    const [held, valid, [next], [window]] = await Promise.all([
      repo.memberBookingsNow(machine.id, member.id, windowOpensBy, now),
      machine.walkIns && machine.requiresCertification
        ? core.certifications.hasValid(db, {
            userId: member.id,
            labId: machine.labId,
            machineType: machine.type,
            at: now,
            lapseMonths: settings.certificationLapseMonths,
          })
        : true,
      machine.walkIns ? repo.nextHoldingBooking(machine.id, now, until) : none,
      machine.walkIns ? repo.maintenanceWithin(machine.id, now, until) : none,
    ]);

    const booking = held.find((b) => b.status === 'approved');
    let session: UsageRow;
    let checkedIn: Booking | undefined;
    if (booking) {
      const result = await usage.checkIn(member, booking.id);
      const { usageSession, ...rest } = result;
      checkedIn = rest;
      session = (await repo.findSession(usageSession.id))!;
    } else {
      if (!machine.walkIns) {
        throw unprocessable(
          'NO_BOOKING',
          held.some((b) => b.status === 'pending')
            ? 'Your booking is not approved yet'
            : 'You have no booking on this machine now, and it takes no walk-ins',
        );
      }
      // A walk-in keeps the lab's hours as a booking does (API.md's OUTSIDE_OPENING_HOURS).
      const period = openPeriodAt(now, lab.row.openingHours, lab.closures, lab.zone);
      if (!period) throw unprocessable('OUTSIDE_OPENING_HOURS', 'The lab is closed now');
      if (!machine.mayRunUnattended && until > period.end) {
        throw unprocessable(
          'OUTSIDE_OPENING_HOURS',
          `The lab closes at ${localTime(period.end, lab.zone)}: too soon for this machine's ${machine.minMinutes} minutes`,
        );
      }
      if (!valid) throw forbidden('You hold no valid certification for this machine type', 'CERTIFICATION_REQUIRED');
      if (next) throw conflict('MACHINE_IN_USE', `The machine is booked from ${localTime(next.startAt, lab.zone)}`);
      if (window) throw conflict('MAINTENANCE_CONFLICT', `Maintenance from ${localTime(window.startAt, lab.zone)}`);
      // Every rule of a walk-in is decided by now: the switch goes on while the session is written,
      // so the member at the machine does not wait for the commit. The command is logged at once
      // too (the power-off job then sees who switched it on) and given its session once written.
      // Only a race can still refuse the session (someone else's opened on the machine
      // meanwhile): power then follows the sessions.
      const sent = sw ? commands.send(machine, sw, true) : undefined;
      const [logged, opened] = await Promise.allSettled([
        sent ? commands.record(sent, { userId: member.id, usageSessionId: null }) : Promise.resolve(null),
        usage.openWalkIn(member, machine),
      ]);
      if (opened.status === 'rejected') {
        if (sent && !(await repo.openSessionOf(machine.id))) {
          await commands.record(commands.send(machine, sent.sw, false), { userId: member.id, usageSessionId: null });
        }
        throw opened.reason;
      }
      session = opened.value;
      // The session and the power are what matter: a command the log missed is only a warning.
      if (logged.status === 'rejected')
        core.log.warn({ err: logged.reason, machine: machine.id }, 'switch command not logged');
      else if (logged.value) await repo.setEventSession(logged.value, session.id);
      await startMeter(session, sw);
      return { session };
    }
    // A booking's check-in applies its own guards (window, certification, the machine's state)
    // before the switch goes on; the meter's start can follow the command.
    await power(machine, true, { userId: member.id, usageSessionId: session.id }, sw);
    await startMeter(session, sw);
    return { booking: checkedIn, session };
  }

  /**
   * Switches off, checks the booking out (or ends the walk-in), and counts the last stretch of
   * power. Off goes first: it is safe whatever the check-out then says, and the member at the
   * machine does not wait for the commit.
   */
  async function stopUse(
    actor: Actor,
    machine: MachineRow,
    session: UsageRow,
    sw?: DeviceRow | null,
  ): Promise<UsageSession> {
    const known = sw ?? (await repo.switchOf(machine.id));
    const sent = known ? commands.send(machine, known, false) : undefined;
    if (session.bookingId) await usage.checkOut(actor, session.bookingId, {});
    else await usage.endOwnSession(actor, session.id);
    if (sent) await commands.record(sent, { userId: actor.id, usageSessionId: session.id });
    await finishMeter(session);
    return usage.get(actor, session.id);
  }

  return {
    startUse,
    stopUse,

    async start(actor: Actor, machineId: string): Promise<StartResult> {
      const machine = await core.findMachine(machineId);
      const { booking, session } = await startUse(actor, machine);
      await logEvent(db, {
        labId: machine.labId,
        machineId: machine.id,
        kind: 'start',
        ok: true,
        code: 'STARTED',
        userId: actor.id,
        usageSessionId: session.id,
      });
      const view = await usage.get(actor, session.id);
      return booking ? { booking, usage: view } : { usage: view };
    },

    async stop(actor: Actor, machineId: string): Promise<UsageSession> {
      const machine = await core.findMachine(machineId);
      const open = await repo.openSessionOf(machine.id);
      if (!open) throw conflict('NOT_IN_USE', 'Nobody is using this machine now');
      if (open.userId !== actor.id && !managesLab(actor, machine.labId)) {
        throw forbidden('Only the member using it or the lab’s managers may stop the machine');
      }
      const ended = await stopUse(actor, machine, open);
      await logEvent(db, {
        labId: machine.labId,
        machineId: machine.id,
        kind: 'stop',
        ok: true,
        code: 'STOPPED',
        userId: actor.id,
        usageSessionId: open.id,
      });
      return ended;
    },
  };
}

export type StartDecision = ReturnType<typeof createStartDecision>;

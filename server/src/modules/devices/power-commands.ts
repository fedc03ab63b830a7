// Switching a machine's power: the Switch.Set command to its switch, logged, and a manager's
// override from the status board, which waits briefly for the switch to confirm it.
import { switchRpcTopic, type PowerBody, type PowerResult } from '@fablab/shared';
import { unprocessable } from '../../lib/errors.js';
import { requireLabManager, type Actor } from '../../plugins/policy.js';
import type { DevicesCore, ProcessedMessage } from './devices-core.js';
import type { DeviceRow, MachineRow } from './devices.repository.js';
import { toApiDevice } from './device-view.js';

/** A Switch.Set sent to a switch, to be logged with what caused it. */
export interface SentCommand {
  machine: MachineRow;
  sw: DeviceRow;
  on: boolean;
  rpcId: number;
}

export function createPowerCommands(core: DevicesCore) {
  const { db, clock, bus, log, audit, repo, processed, logEvent, confirmTimeoutMs } = core;
  let rpcId = 0;

  /**
   * Publishes Switch.Set to the switch; the switch's next report confirms it. Not awaited: with
   * the broker down the command waits in MQTT.js's queue, and the member's answer must not wait.
   */
  function send(machine: MachineRow, sw: DeviceRow, on: boolean): SentCommand {
    rpcId = (rpcId % 1_000_000_000) + 1;
    const command = { id: rpcId, src: 'fablab', method: 'Switch.Set', params: { id: 0, on } };
    bus
      .publish(switchRpcTopic(sw.deviceId), JSON.stringify(command))
      .catch((err: unknown) => log.warn({ err, device: sw.deviceId }, 'switch command not sent'));
    return { machine, sw, on, rpcId: command.id };
  }

  /**
   * Logs a sent command with its cause; answers the log entry's id. `override` marks a manager's
   * command from the status board (README "Devices").
   */
  async function record(
    sent: SentCommand,
    cause: { userId: string | null; usageSessionId: string | null; override?: { reason: string | null } },
  ): Promise<string> {
    return logEvent(db, {
      labId: sent.machine.labId,
      machineId: sent.machine.id,
      deviceId: sent.sw.deviceId,
      kind: 'command',
      ok: bus.enabled,
      code: sent.on ? 'SWITCH_ON' : 'SWITCH_OFF',
      userId: cause.userId,
      usageSessionId: cause.usageSessionId,
      details: cause.override
        ? { rpcId: sent.rpcId, override: true, ...(cause.override.reason ? { reason: cause.override.reason } : {}) }
        : { rpcId: sent.rpcId },
    });
  }

  /** Sends Switch.Set to the machine's switch, if it has one, and logs it. */
  async function power(
    machine: MachineRow,
    on: boolean,
    cause: { userId: string | null; usageSessionId: string | null; override?: { reason: string | null } },
    known?: DeviceRow,
  ): Promise<void> {
    const sw = known ?? (await repo.switchOf(machine.id));
    if (!sw) return;
    await record(send(machine, sw, on), cause);
  }

  /** Resolves with the next message of this device that the server handled, or after `ms`. */
  function nextMessageOf(deviceId: string, ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        processed.off('message', listener);
        resolve();
      };
      const listener = (m: ProcessedMessage) => {
        if (m.deviceId === deviceId) done();
      };
      const timer = setTimeout(done, ms);
      processed.on('message', listener);
    });
  }

  /**
   * Waits (at most `timeoutMs`) for the switch to report the output it was told, reading the state
   * the database keeps, so that a report handled by another server process counts too.
   */
  async function confirmOutput(
    sw: DeviceRow,
    on: boolean,
    sentAt: Date,
  ): Promise<{ row: DeviceRow; confirmed: boolean }> {
    const deadline = Date.now() + confirmTimeoutMs;
    for (;;) {
      const row = await repo.findDevice(sw.id);
      if (!row) return { row: sw, confirmed: false };
      const confirmed = row.output === on && row.statusAt !== null && row.statusAt >= sentAt;
      // Nobody to wait for: devices off, the broker away or the switch offline.
      if (confirmed || !bus.isConnected() || row.online !== true || Date.now() >= deadline) return { row, confirmed };
      await nextMessageOf(sw.deviceId, Math.min(250, Math.max(1, deadline - Date.now())));
    }
  }

  return {
    power,
    send,
    record,

    /**
     * A lab's manager (or an admin) switches the machine's power from the status board, whatever
     * the decision would say: off to stop a machine left running, on to test it after repairs or
     * for a member whose card fails. Audited; an override left on stays on (powerOffUnused). The
     * answer waits briefly for the switch's report of the new output.
     */
    async setPower(actor: Actor, machineId: string, body: PowerBody): Promise<PowerResult> {
      const machine = await core.findMachine(machineId);
      requireLabManager(actor, machine.labId);
      const sw = await repo.switchOf(machine.id);
      if (!sw) throw unprocessable('NO_SWITCH', 'This machine has no power switch');
      const open = await repo.openSessionOf(machine.id);
      const sentAt = clock.now();
      const reason = body.reason ?? null;
      await power(machine, body.on, { userId: actor.id, usageSessionId: open?.id ?? null, override: { reason } }, sw);
      await audit.write(db, {
        actorId: actor.id,
        action: 'device.power',
        entityType: 'machine',
        entityId: machine.id,
        labId: machine.labId,
        details: { deviceId: sw.deviceId, on: body.on, reason, usageSessionId: open?.id ?? null },
      });
      const { row, confirmed } = await confirmOutput(sw, body.on, sentAt);
      return { device: toApiDevice(row), confirmed };
    },
  };
}

export type PowerCommands = ReturnType<typeof createPowerCommands>;

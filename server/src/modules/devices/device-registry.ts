// Registering a lab's switches and readers, listing and removing them, the topics they are heard
// on, and the lab's device log.
import {
  DEFAULT_RUNNING_THRESHOLD_W,
  READER_TAPS,
  type Device,
  type DeviceBody,
  type DeviceEvent,
  type DeviceEventQuery,
} from '@fablab/shared';
import { conflict, notFound } from '../../lib/errors.js';
import { managesLab, requireLabManager, type Actor } from '../../plugins/policy.js';
import { uniqueRefusal, type DevicesCore } from './devices-core.js';
import { toApiDevice, topicsOf } from './device-view.js';

export function createDeviceRegistry(core: DevicesCore) {
  const { db, bus, audit, repo } = core;

  return {
    /** Every topic the registered devices are heard on, and the readers' taps. */
    async topics(): Promise<string[]> {
      const rows = await repo.allDevices();
      return [READER_TAPS, ...rows.flatMap(topicsOf)];
    },

    /** The lab's device log, newest first; `code=UNKNOWN_CARD` lists the cards still waiting for an owner. */
    async events(actor: Actor, labId: string, q: DeviceEventQuery): Promise<{ items: DeviceEvent[]; total: number }> {
      await core.findLab(labId);
      requireLabManager(actor, labId);
      const { rows, total } = await repo.listEvents(labId, q);
      return {
        items: rows.map((r) => ({
          id: r.id,
          machineId: r.machineId,
          deviceId: r.deviceId,
          kind: r.kind,
          ok: r.ok,
          code: r.code,
          uid: r.uid,
          userId: r.userId,
          usageSessionId: r.usageSessionId,
          at: r.at.toISOString(),
        })),
        total,
      };
    },

    async register(actor: Actor, machineId: string, body: DeviceBody): Promise<Device> {
      const machine = await core.findMachine(machineId);
      requireLabManager(actor, machine.labId);
      const row = await db
        .transaction(async (tx) => {
          const created = await repo.insertDevice(
            {
              machineId: machine.id,
              labId: machine.labId,
              kind: body.kind,
              deviceId: body.deviceId,
              runningThresholdW:
                body.kind === 'switch' ? (body.runningThresholdW ?? DEFAULT_RUNNING_THRESHOLD_W) : null,
            },
            tx,
          );
          await audit.write(tx, {
            actorId: actor.id,
            action: 'device.register',
            entityType: 'machine',
            entityId: machine.id,
            labId: machine.labId,
            details: { deviceId: body.deviceId, kind: body.kind },
          });
          return created;
        })
        .catch((err: unknown) =>
          uniqueRefusal(
            err,
            {
              devices_device_id_unique: conflict('DEVICE_TAKEN', 'This device is already registered'),
              devices_one_switch_per_machine: conflict('SWITCH_EXISTS', 'This machine already has a power switch'),
            },
            conflict('DEVICE_TAKEN', 'This device is already registered'),
          ),
        );
      await bus.watch(topicsOf(row));
      return toApiDevice(row);
    },

    async listForLab(actor: Actor, labId: string): Promise<Device[]> {
      await core.findLab(labId);
      requireLabManager(actor, labId);
      const rows = await repo.devicesOfLab(labId);
      return rows.map(toApiDevice);
    },

    async remove(actor: Actor, id: string): Promise<void> {
      const row = await repo.findDevice(id);
      if (!row || !managesLab(actor, row.labId)) throw notFound('Device');
      await db.transaction(async (tx) => {
        await repo.deleteDevice(id, tx);
        await audit.write(tx, {
          actorId: actor.id,
          action: 'device.remove',
          entityType: 'machine',
          entityId: row.machineId,
          labId: row.labId,
          details: { deviceId: row.deviceId, kind: row.kind },
        });
      });
      await bus.unwatch(topicsOf(row));
    },
  };
}

// How devices and cards look through the API, and the topics a device is heard on.
import { presenceTopic, switchStatusTopic, type Card, type Device } from '@fablab/shared';
import type { CardRow, DeviceRow } from './devices.repository.js';

export function toApiDevice(row: DeviceRow): Device {
  const device: Device = {
    id: row.id,
    machineId: row.machineId,
    labId: row.labId,
    kind: row.kind,
    deviceId: row.deviceId,
    runningThresholdW: row.runningThresholdW,
    online: row.online ?? false,
    lastSeenAt: row.lastSeenAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
  };
  if (row.kind === 'switch') {
    device.output = row.output;
    device.apower = row.apower;
  }
  return device;
}

export function toApiCard(row: CardRow): Card {
  return { id: row.id, userId: row.userId, uid: row.uid, createdAt: row.createdAt.toISOString() };
}

/** The topics a registered device is heard on. */
export function topicsOf(device: { kind: 'switch' | 'reader'; deviceId: string }): string[] {
  return device.kind === 'switch'
    ? [switchStatusTopic(device.deviceId), presenceTopic(device.deviceId)]
    : [presenceTopic(device.deviceId)];
}

// What every part of the devices module shares: its dependencies, the repository, the device log,
// the readers' replies and the news of each device message handled.
import { DEFAULT_RUNNING_THRESHOLD_W, readerReplyTopic, type ReaderReply } from '@fablab/shared';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { EventEmitter } from 'node:events';
import type { DbOrTx } from '../../db/client.js';
import { constraintName, sqlState, type DomainError } from '../../lib/errors.js';
import { createSlidingWindow } from '../../lib/sliding-window.js';
import type { Core } from '../../plugins/core.js';
import type { DeviceBus } from './device-bus.js';
import { createDeviceSessionsRepository } from './device-sessions.repository.js';
import { createDevicesRepository, type DeviceRow, type NewDeviceEventRow } from './devices.repository.js';

/** A lab's opening hours, closures and settings, as the bookings service keeps them. */
export type LabContext = Awaited<ReturnType<FastifyInstance['bookings']['labRules']>>;

export interface DevicesServiceDeps extends Core {
  usage: FastifyInstance['usage'];
  bookings: FastifyInstance['bookings'];
  certifications: FastifyInstance['certifications'];
  labs: FastifyInstance['labs'];
  machines: FastifyInstance['machines'];
  bus: DeviceBus;
  log: FastifyBaseLogger;
  tapDebounceMs: number;
  /** How long a manager's power command waits for the switch to report it; default 3 s. */
  confirmTimeoutMs?: number;
  /** A lab's opening hours, closures and settings; by default read afresh each time. */
  labContext?: (labId: string) => Promise<LabContext>;
  /**
   * Switch reports and presence handled at once, at most (default 4): a flood of reports then
   * leaves database connections to taps and requests, which people wait for.
   */
  statusConcurrency?: number;
}

export interface ProcessedMessage {
  kind: 'tap' | 'status' | 'presence';
  deviceId: string;
  reply?: ReaderReply;
}

export function threshold(sw: Pick<DeviceRow, 'runningThresholdW'>): number {
  return sw.runningThresholdW ?? DEFAULT_RUNNING_THRESHOLD_W;
}

/** Turns the database's refusal of a duplicate into the conflict named for its constraint. */
export function uniqueRefusal(err: unknown, codes: Record<string, DomainError>, fallback: DomainError): never {
  if (sqlState(err) === '23505') throw codes[constraintName(err) ?? ''] ?? fallback;
  throw err;
}

export function createDevicesCore(deps: DevicesServiceDeps) {
  const { db, clock, bus } = deps;
  const repo = { ...createDevicesRepository(db), ...createDeviceSessionsRepository(db) };
  const processed = new EventEmitter();
  processed.setMaxListeners(0);

  /** Logs a device event; answers its id. */
  async function logEvent(tx: DbOrTx, event: Omit<NewDeviceEventRow, 'at'> & { at?: Date }): Promise<string> {
    return repo.insertEvent({ ...event, at: event.at ?? clock.now() }, tx);
  }

  async function reply(labSlug: string, readerId: string, message: ReaderReply): Promise<void> {
    await bus.publish(readerReplyTopic(labSlug, readerId), JSON.stringify(message));
  }

  return {
    ...deps,
    repo,
    processed,
    // Unknown cards and readers are logged, but a flood of them is not.
    unknownLog: createSlidingWindow(20, 60_000),
    findLab: (labId: string) => deps.labs.find(labId),
    findMachine: (machineId: string) => deps.machines.find(machineId),
    labContext: deps.labContext ?? ((labId: string) => deps.bookings.labRules(labId)),
    confirmTimeoutMs: deps.confirmTimeoutMs ?? 3000,
    logEvent,
    reply,
  };
}

export type DevicesCore = ReturnType<typeof createDevicesCore>;

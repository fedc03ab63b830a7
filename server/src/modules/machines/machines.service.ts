import type { Machine, MachineBody, MachinePatchBody } from '@fablab/shared';
import type { FastifyInstance } from 'fastify';
import type { DbOrTx, Tx } from '../../db/client.js';
import { badRequest, notFound } from '../../lib/errors.js';
import { afterCommit, inTransaction } from '../../lib/transaction.js';
import type { Core } from '../../plugins/core.js';
import { requireLabManager, type Actor } from '../../plugins/policy.js';
import { createMachineRepository, type MachineRow } from './machines.repository.js';

export type { MachineRow } from './machines.repository.js';

export function toApiMachine(row: MachineRow): Machine {
  return {
    id: row.id,
    labId: row.labId,
    name: row.name,
    type: row.type,
    status: row.status,
    requiresApproval: row.requiresApproval,
    requiresCertification: row.requiresCertification,
    minMinutes: row.minMinutes,
    maxMinutes: row.maxMinutes,
    slotMinutes: row.slotMinutes,
    bufferMinutes: row.bufferMinutes,
    mayRunUnattended: row.mayRunUnattended,
    walkIns: row.walkIns,
  };
}

function checkRules(rules: { minMinutes: number; maxMinutes: number; slotMinutes: number }): void {
  if (rules.maxMinutes < rules.minMinutes) throw badRequest('VALIDATION_ERROR', 'maxMinutes is below minMinutes');
  if (rules.minMinutes % rules.slotMinutes !== 0 || rules.maxMinutes % rules.slotMinutes !== 0) {
    throw badRequest('VALIDATION_ERROR', 'minMinutes and maxMinutes must be multiples of slotMinutes');
  }
}

export interface MachineServiceDeps extends Core {
  labs: FastifyInstance['labs'];
  bookings: FastifyInstance['bookings'];
  machineTypes: FastifyInstance['machineTypes'];
}

const UNAVAILABLE_REASONS = { retired: 'Machine retired', out_of_service: 'Machine out of service' } as const;

export function createMachineService(deps: MachineServiceDeps) {
  const { db, labEvents, audit } = deps;
  const repo = createMachineRepository(db);

  async function findMachine(tx: DbOrTx, machineId: string): Promise<MachineRow> {
    const row = await repo.findById(machineId, tx);
    if (!row) throw notFound('Machine');
    return row;
  }

  /**
   * Takes the machine out of service (or retires it) in the caller's transaction and cancels its
   * upcoming bookings, whose owners are told why. Returns the cancelled bookings.
   */
  async function cancelUpcoming(tx: Tx, actorId: string, machine: MachineRow, details: Record<string, unknown> = {}) {
    const reason = machine.status === 'retired' ? UNAVAILABLE_REASONS.retired : UNAVAILABLE_REASONS.out_of_service;
    return deps.bookings.transitions.cancelSelected(
      tx,
      { machineIds: [machine.id], startingAfter: deps.clock.now() },
      { by: actorId, reason, cause: 'machine_unavailable', details },
    );
  }

  return {
    /** The machine's row, or 404. */
    find: (machineId: string, tx: DbOrTx = db) => findMachine(tx, machineId),

    async get(machineId: string): Promise<Machine> {
      return toApiMachine(await findMachine(db, machineId));
    },

    async listForLab(labId: string): Promise<Machine[]> {
      await deps.labs.find(labId);
      const rows = await repo.listForLab(labId);
      return rows.map(toApiMachine);
    },

    async create(actor: Actor, labId: string, body: MachineBody): Promise<Machine> {
      await deps.labs.find(labId);
      requireLabManager(actor, labId);
      checkRules(body);
      await deps.machineTypes.requireKnown(body.type);
      return inTransaction(db, async (tx) => {
        const created = await repo.insert({ ...body, labId }, tx);
        await audit.write(tx, { actorId: actor.id, action: 'machine.create', entityType: 'machine', entityId: created.id, labId, details: { name: created.name, type: created.type } });
        afterCommit(tx, () => labEvents.publish({ labId, kind: 'machine', machineIds: [created.id] }));
        return toApiMachine(created);
      });
    },

    /**
     * Edits a machine. Taking it out of service (or retiring it) refuses new bookings; with
     * cancelFutureBookings its future pending and approved bookings are cancelled and owners told.
     */
    async update(actor: Actor, machineId: string, body: MachinePatchBody): Promise<{ machine: Machine; cancelledBookingIds: string[] }> {
      const current = await findMachine(db, machineId);
      requireLabManager(actor, current.labId);
      const { cancelFutureBookings, ...fields } = body;
      checkRules({ ...current, ...fields });
      // A type from before the table (or one kept unchanged) is left alone; a new one must exist.
      if (fields.type !== undefined && fields.type !== current.type) await deps.machineTypes.requireKnown(fields.type);
      const result = await inTransaction(db, async (tx) => {
        // Only the flag: nothing to write on the machine itself, its bookings may still go.
        const machine = Object.keys(fields).length > 0 ? ((await repo.update(current.id, fields, tx)) as MachineRow) : current;
        const cancelled = cancelFutureBookings && machine.status !== 'available' ? await cancelUpcoming(tx, actor.id, machine) : [];
        await audit.write(tx, {
          actorId: actor.id,
          action: 'machine.update',
          entityType: 'machine',
          entityId: machine.id,
          labId: machine.labId,
          details: { ...fields, cancelledBookings: cancelled.length },
        });
        return { machine: toApiMachine(machine), cancelledBookingIds: cancelled.map((b) => b.id) };
      });
      labEvents.publish({ labId: current.labId, kind: 'machine', machineIds: [current.id] });
      return result;
    },

    /**
     * A lab's manager takes the machine out of service from an incident: in the caller's
     * transaction, its upcoming bookings cancelled with notice. Returns whether it changed.
     */
    async putOutOfService(tx: Tx, actorId: string, machine: MachineRow, details: Record<string, unknown>): Promise<boolean> {
      if (machine.status !== 'available') return false;
      const row = await repo.update(machine.id, { status: 'out_of_service' }, tx);
      const cancelled = await cancelUpcoming(tx, actorId, row!, details);
      await audit.write(tx, {
        actorId,
        action: 'machine.update',
        entityType: 'machine',
        entityId: machine.id,
        labId: machine.labId,
        details: { status: 'out_of_service', cancelledBookings: cancelled.length, ...details },
      });
      return true;
    },
  };
}

export type MachineService = ReturnType<typeof createMachineService>;

import type { Machine, MachineBody, MachinePatchBody } from '@fablab/shared';
import { and, asc, eq, gt, inArray } from 'drizzle-orm';
import type { Db, DbOrTx } from '../../db/client.js';
import { bookings, machines } from '../../db/schema/index.js';
import { writeAudit } from '../../lib/audit.js';
import type { Clock } from '../../lib/clock.js';
import { badRequest, notFound } from '../../lib/errors.js';
import type { LabEvents } from '../../lib/events.js';
import { notify } from '../../lib/notify.js';
import { findLab } from '../labs/labs.service.js';

export type MachineRow = typeof machines.$inferSelect;

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

export async function findMachine(db: DbOrTx, machineId: string): Promise<MachineRow> {
  const [row] = await db.select().from(machines).where(eq(machines.id, machineId));
  if (!row) throw notFound('Machine');
  return row;
}

function checkRules(rules: { minMinutes: number; maxMinutes: number; slotMinutes: number }): void {
  if (rules.maxMinutes < rules.minMinutes) throw badRequest('VALIDATION_ERROR', 'maxMinutes is below minMinutes');
  if (rules.minMinutes % rules.slotMinutes !== 0 || rules.maxMinutes % rules.slotMinutes !== 0) {
    throw badRequest('VALIDATION_ERROR', 'minMinutes and maxMinutes must be multiples of slotMinutes');
  }
}

export function createMachineService(deps: { db: Db; clock: Clock; labEvents: LabEvents }) {
  const { db, clock, labEvents } = deps;

  return {
    async listForLab(labId: string): Promise<Machine[]> {
      await findLab(db, labId);
      const rows = await db.select().from(machines).where(eq(machines.labId, labId)).orderBy(asc(machines.type), asc(machines.name));
      return rows.map(toApiMachine);
    },

    async create(actorId: string, labId: string, body: MachineBody): Promise<Machine> {
      await findLab(db, labId);
      checkRules(body);
      const machine = await db.transaction(async (tx) => {
        const [row] = await tx.insert(machines).values({ ...body, labId }).returning();
        const created = row as MachineRow;
        await writeAudit(tx, { actorId, action: 'machine.create', entityType: 'machine', entityId: created.id, labId, details: { name: created.name, type: created.type } });
        return toApiMachine(created);
      });
      labEvents.publish({ labId, kind: 'machine', machineIds: [machine.id] });
      return machine;
    },

    /**
     * Edits a machine. Taking it out of service (or retiring it) refuses new bookings; with
     * cancelFutureBookings its future pending and approved bookings are cancelled and owners told.
     */
    async update(actorId: string, current: MachineRow, body: MachinePatchBody): Promise<{ machine: Machine; cancelledBookingIds: string[] }> {
      const { cancelFutureBookings, ...fields } = body;
      checkRules({ ...current, ...fields });
      const now = clock.now();
      const result = await db.transaction(async (tx) => {
        // Only the flag: nothing to write on the machine itself, its bookings may still go.
        const [row] =
          Object.keys(fields).length > 0
            ? await tx.update(machines).set(fields).where(eq(machines.id, current.id)).returning()
            : [current];
        const machine = row as MachineRow;
        let cancelled: Array<{ id: string; userId: string | null; startAt: Date }> = [];
        if (cancelFutureBookings && machine.status !== 'available') {
          const reason = machine.status === 'retired' ? 'Machine retired' : 'Machine out of service';
          cancelled = await tx
            .update(bookings)
            .set({ status: 'cancelled', cancelledAt: now, cancelledBy: actorId, reason, updatedAt: now })
            .where(and(eq(bookings.machineId, machine.id), inArray(bookings.status, ['pending', 'approved']), gt(bookings.startAt, now)))
            .returning({ id: bookings.id, userId: bookings.userId, startAt: bookings.startAt });
          await notify(
            tx,
            cancelled
              .filter((b) => b.userId)
              .map((b) => ({
                userId: b.userId as string,
                kind: 'booking_cancelled',
                data: { bookingId: b.id, machineId: machine.id, machineName: machine.name, labId: machine.labId, start: b.startAt.toISOString(), reason },
              })),
          );
          await writeAudit(
            tx,
            cancelled.map((b) => ({ actorId, action: 'booking.cancel', entityType: 'booking' as const, entityId: b.id, labId: machine.labId, details: { reason } })),
          );
        }
        await writeAudit(tx, {
          actorId,
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
  };
}

// When machines are busy, for calendars: slot-holding bookings (with their buffer), maintenance
// and the lab's closed time. Public, so it carries no one's name or booking details.
import {
  AVAILABILITY_MAX_DAYS,
  closedPeriodsBetween,
  type BusyInterval,
  type LabAvailability,
  type MachineAvailability,
} from '@fablab/shared';
import type { Db } from '../../db/client.js';
import type { Clock } from '../../lib/clock.js';
import { badRequest, notFound } from '../../lib/errors.js';
import type { LabCache } from '../../lib/lab-cache.js';
import { openSessionHoldsUntil, type LabContext } from './booking-rules.js';
import { createBookingRepository, type MachineRow } from './bookings.repository.js';

const DAY_MS = 86_400_000;

function checkRange(from: Date, to: Date): void {
  if (!(to > from)) throw badRequest('VALIDATION_ERROR', '`to` must be after `from`');
  if (to.getTime() - from.getTime() > AVAILABILITY_MAX_DAYS * DAY_MS) {
    throw badRequest('VALIDATION_ERROR', `Ask for at most ${AVAILABILITY_MAX_DAYS} days at a time`);
  }
}

const clip = (d: Date, from: Date, to: Date) => (d < from ? from : d > to ? to : d);

/**
 * Answers arrive serialized (UTF-8 JSON), as the cache keeps them: a kept answer is written to
 * every calendar that asks as the same bytes, with nothing built, encoded or copied again.
 */
export function createAvailabilityService(deps: {
  db: Db;
  clock: Clock;
  answers: LabCache<Buffer>;
  /** The lab's rules from the bookings' cache of them. */
  labContext: (labId: string) => Promise<LabContext>;
}) {
  const { answers: cache } = deps;
  const { labContext } = deps;
  const repo = createBookingRepository(deps.db);

  async function busyOf(
    machines: MachineRow[],
    lab: LabContext,
    from: Date,
    to: Date,
  ): Promise<Map<string, BusyInterval[]>> {
    const ids = machines.map((m) => m.id);
    const [occupied, maintenance, open] = await Promise.all([
      repo.occupiedBetween(ids, from, to),
      repo.maintenanceBetween(ids, from, to),
      repo.openSessions(ids),
    ]);
    const closed = closedPeriodsBetween(from, to, lab.row.openingHours, lab.closures, lab.zone);
    const busy = new Map<string, Array<{ start: Date; end: Date; kind: BusyInterval['kind'] }>>(
      ids.map((id) => [id, closed.map((p) => ({ start: p.start, end: p.end, kind: 'closed' as const }))]),
    );
    for (const b of occupied) busy.get(b.machineId)?.push({ start: b.startAt, end: b.occupiedUntil, kind: 'booking' });
    for (const w of maintenance) busy.get(w.machineId)?.push({ start: w.startAt, end: w.endAt, kind: 'maintenance' });
    // Someone at the machine now holds it as a booking does, until the next slot (as the rules say).
    const byId = new Map(machines.map((m) => [m.id, m]));
    for (const s of open) {
      busy.get(s.machineId)?.push({ start: s.startAt, end: openSessionHoldsUntil(byId.get(s.machineId)!, lab, deps.clock.now()), kind: 'booking' });
    }
    const result = new Map<string, BusyInterval[]>();
    for (const [id, list] of busy) {
      result.set(
        id,
        list
          .map((i) => ({ start: clip(i.start, from, to), end: clip(i.end, from, to), kind: i.kind }))
          .filter((i) => i.end > i.start)
          .sort((a, b) => a.start.getTime() - b.start.getTime() || a.end.getTime() - b.end.getTime())
          .map((i) => ({ start: i.start.toISOString(), end: i.end.toISOString(), kind: i.kind })),
      );
    }
    return result;
  }

  return {
    async forMachine(machineId: string, from: Date, to: Date): Promise<Buffer> {
      checkRange(from, to);
      const machine = await repo.findMachine(machineId);
      if (!machine) throw notFound('Machine');
      return cache.get(machine.labId, `machine ${machineId} ${from.toISOString()} ${to.toISOString()}`, async () => {
        const lab = await labContext(machine.labId);
        const busy = await busyOf([machine], lab, from, to);
        return Buffer.from(JSON.stringify({ busy: busy.get(machine.id) ?? [] } satisfies MachineAvailability));
      });
    },

    async forLab(labId: string, from: Date, to: Date): Promise<Buffer> {
      checkRange(from, to);
      return cache.get(labId, `lab ${labId} ${from.toISOString()} ${to.toISOString()}`, async () => {
        const lab = await labContext(labId);
        const machines = await repo.machinesOfLab(labId);
        const busy = await busyOf(machines, lab, from, to);
        return Buffer.from(
          JSON.stringify({
            machines: machines.map((m) => ({ machineId: m.id, busy: busy.get(m.id) ?? [] })),
          } satisfies LabAvailability),
        );
      });
    },
  };
}

export type AvailabilityService = ReturnType<typeof createAvailabilityService>;

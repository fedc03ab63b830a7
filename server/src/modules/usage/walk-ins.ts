// Use of a machine without a booking: recorded afterwards by the lab's manager, or started and
// stopped by the member at the machine (the devices' card reader or Start button).
import type { EndUsageBody, MaterialUse, UsageSession, WalkInBody } from '@fablab/shared';
import { badRequest, conflict, forbidden, notFound } from '../../lib/errors.js';
import { inTransaction } from '../../lib/transaction.js';
import { managesLab, requireGuardianConsent, type Actor } from '../../plugins/policy.js';
import { appendNote, endingNow, refuseFutureEnd, refuseOverlap, type UsageCore } from './usage-core.js';
import type { MachineRow, NewUsageRow, UsageRow } from './usage.repository.js';

type Person = Pick<NewUsageRow, 'userId' | 'guestName' | 'guestCategory' | 'guestGender' | 'category' | 'gender'>;

export function createWalkIns(core: UsageCore) {
  const { db, clock, labEvents, audit, repo } = core;

  /**
   * Times are typed to the minute, sessions end to the second: the next visitor recorded at the
   * minute the previous session ended starts when it ended, not inside it.
   */
  async function afterPreviousSession(machineId: string, start: Date): Promise<Date> {
    return (await repo.endOfSessionRunningInto(machineId, start, new Date(start.getTime() + 60_000))) ?? start;
  }

  /** Opens (or records) a session without a booking: written, audited, and announced on the lab's live status. */
  async function openSession(
    actor: Actor,
    machine: MachineRow,
    session: Omit<NewUsageRow, 'machineId' | 'labId' | 'createdBy'>,
    materials: MaterialUse[] | undefined,
    details: Record<string, unknown>,
  ): Promise<UsageRow> {
    const row = await refuseOverlap(() =>
      inTransaction(db, async (tx) => {
        const row = await repo.insertSession({ machineId: machine.id, labId: machine.labId, ...session, createdBy: actor.id }, tx);
        const recorded = await core.recordMaterials(tx, actor, machine.labId, row.id, materials);
        await audit.write(tx, {
          actorId: actor.id,
          action: 'usage.create',
          entityType: 'usage',
          entityId: row.id,
          labId: machine.labId,
          details: { machineId: machine.id, ...details, ...(recorded.length > 0 ? { materials: recorded } : {}) },
        });
        return row;
      }),
    );
    labEvents.publish({ labId: machine.labId, kind: 'usage', machineIds: [machine.id] });
    return row;
  }

  /** Ends a walk-in that is still open: written, audited, and announced on the lab's live status. */
  async function endWalkIn(
    actor: Actor,
    sessionId: string,
    end: { endAt: Date; note?: string | null },
    materials: MaterialUse[] | undefined,
    details: Record<string, unknown> = {},
  ): Promise<UsageRow> {
    const session = await inTransaction(db, async (tx) => {
      const row = await repo.endOpenSession(sessionId, end, tx);
      if (!row) throw conflict('INVALID_STATE', 'The usage session has already ended');
      const recorded = await core.recordMaterials(tx, actor, row.labId, row.id, materials);
      await audit.write(tx, {
        actorId: actor.id,
        action: 'usage.end',
        entityType: 'usage',
        entityId: row.id,
        labId: row.labId,
        details: { end: end.endAt.toISOString(), materials: recorded, ...details },
      });
      return row;
    });
    labEvents.publish({ labId: session.labId, kind: 'usage', machineIds: [session.machineId] });
    return session;
  }

  return {
    /** A walk-in (or any use without a booking) recorded by the lab's manager; past and after-hours use are fine. */
    async recordWalkIn(actor: Actor, body: WalkInBody): Promise<UsageSession> {
      const now = clock.now();
      const machine = await core.machines.find(body.machineId);
      if (!managesLab(actor, machine.labId)) throw forbidden('Only this lab’s managers may record walk-in use');
      if (body.userId && body.guest) throw badRequest('VALIDATION_ERROR', 'Give either userId or guest, not both');
      const startAt = await afterPreviousSession(machine.id, new Date(body.start));
      const endAt = body.end ? new Date(body.end) : null;
      if (endAt && endAt <= startAt) throw badRequest('VALIDATION_ERROR', 'end must be after start');
      // It records what happened: it may have started now, not later.
      if (startAt.getTime() > now.getTime() + 60_000) throw badRequest('VALIDATION_ERROR', 'A usage session cannot start in the future');
      if (endAt) refuseFutureEnd(endAt, now);

      let person: Person;
      if (body.guest) {
        const gender = body.guest.gender ?? 'undisclosed';
        person = {
          userId: null,
          guestName: body.guest.name.trim(),
          guestCategory: body.guest.category,
          guestGender: gender,
          category: body.guest.category,
          gender,
        };
      } else {
        const user = await repo.findMember(body.userId ?? actor.id);
        if (!user || user.deletedAt) throw notFound('User');
        person = { userId: user.id, guestName: null, guestCategory: null, guestGender: null, category: user.category, gender: user.gender };
      }

      const session = await openSession(
        actor,
        machine,
        { ...person, purpose: body.purpose ?? null, startAt, endAt, note: body.note ?? null, createdAt: now },
        body.materials,
        { start: body.start, end: body.end ?? null, guest: Boolean(body.guest) },
      );
      return core.viewSession(session, actor);
    },

    /**
     * A member starting a machine without a booking (its card or Start button): the session opens
     * now and stays open until they stop. Whether they may is the devices' decision, made before.
     */
    async openWalkIn(actor: Actor, machine: MachineRow): Promise<UsageRow> {
      const now = clock.now();
      const user = await repo.findMember(actor.id);
      if (!user) throw notFound('User');
      requireGuardianConsent(user, true);
      return openSession(
        actor,
        machine,
        { userId: actor.id, category: user.category, gender: user.gender, startAt: now, createdAt: now },
        undefined,
        { start: now.toISOString(), end: null, guest: false, atMachine: true },
      );
    },

    /** The member ends their own walk-in at the machine (or a manager ends it): now, with nothing added. */
    async endOwnSession(actor: Actor, sessionId: string): Promise<UsageRow> {
      const current = await core.findSession(sessionId);
      const isOwner = current.userId !== null && current.userId === actor.id;
      if (!isOwner && !managesLab(actor, current.labId)) {
        if (core.mayReadSession(actor, current)) throw forbidden('Only the member using it or the lab’s managers may stop the machine');
        throw notFound('Usage session');
      }
      if (current.bookingId) throw conflict('INVALID_STATE', 'A booking’s session ends by checking the booking out');
      return endWalkIn(actor, sessionId, { endAt: endingNow(current.startAt, clock.now()) }, undefined, { atMachine: true });
    },

    /** Ends an open walk-in (a booking's session ends by check-out). */
    async endSession(actor: Actor, sessionId: string, body: EndUsageBody): Promise<UsageSession> {
      const now = clock.now();
      const current = await core.findSession(sessionId);
      if (!managesLab(actor, current.labId)) {
        if (core.mayReadSession(actor, current)) throw forbidden('Only this lab’s managers may end a usage session');
        throw notFound('Usage session');
      }
      if (current.bookingId) throw conflict('INVALID_STATE', 'A booking’s session ends by checking the booking out');
      if (current.endAt) throw conflict('INVALID_STATE', 'The usage session has already ended');
      const endAt = body.end ? new Date(body.end) : endingNow(current.startAt, now);
      if (endAt <= current.startAt) throw badRequest('VALIDATION_ERROR', 'end must be after the session’s start');
      if (body.end) refuseFutureEnd(endAt, now);
      const session = await endWalkIn(actor, sessionId, { endAt, note: appendNote(current.note, body.note) }, body.materials);
      return core.viewSession(session, actor);
    },
  };
}

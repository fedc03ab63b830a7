// A card tap on a reader: whose card, whether the same tap was handled before, the decision it
// makes (start or stop), logged and answered on the reader.
import { normalizeUid, type ReaderReply } from '@fablab/shared';
import { DomainError } from '../../lib/errors.js';
import type { Actor } from '../../plugins/policy.js';
import type { DevicesCore } from './devices-core.js';
import type { StartDecision } from './start-decision.js';

/** Taps numbered by their reader are recognised as resent for this long. */
const TAP_ID_MEMORY_MS = 24 * 3_600_000;

/** A tap's card (its UID as stored) and the reader's own number for the tap, if it numbers them. */
function parseTap(payload: Buffer): { uid: string; tapId: string | null } | null {
  let message: { uid?: unknown; id?: unknown };
  try {
    message = JSON.parse(payload.toString('utf8')) as { uid?: unknown; id?: unknown };
  } catch {
    return null;
  }
  const rawUid = typeof message?.uid === 'string' ? message.uid : '';
  if (!/^[0-9A-Fa-f]{2}([:-]?[0-9A-Fa-f]{2}){3,9}$/.test(rawUid)) return null;
  const tapId =
    typeof message.id === 'string' || typeof message.id === 'number' ? String(message.id).slice(0, 64) : null;
  return { uid: normalizeUid(rawUid), tapId };
}

export function createReaderTaps(core: DevicesCore, decision: StartDecision) {
  const { db, clock, repo, unknownLog, logEvent, reply } = core;
  const { startUse, stopUse } = decision;
  /** No rows: what a query that need not run answers. */
  const none = Promise.resolve([] as never[]);

  /** The member whose card this is, as an actor; null for a card of nobody, or of a disabled or deleted account. */
  async function memberOfCard(uid: string): Promise<Actor | null> {
    const u = await repo.memberOfCard(uid);
    if (!u || u.disabled || u.deletedAt || !u.email) return null;
    return {
      id: u.id,
      role: u.role,
      fullName: u.fullName,
      email: u.email,
      locale: u.locale,
      managedLabIds: u.role === 'manager' ? u.managedLabIds : [],
    };
  }

  /**
   * The same tap handled before (QoS 1 redelivery, a reader resending, a card held on the reader):
   * by the reader's number for it, else the same card on the same reader within the debounce.
   */
  function earlierTapOf(readerId: string, tap: { uid: string; tapId: string | null }, now: Date) {
    if (!tap.tapId)
      return repo.earlierTap(readerId, tap.uid, new Date(now.getTime() - core.tapDebounceMs).toISOString());
    return repo.earlierTapById(readerId, tap.uid, tap.tapId, new Date(now.getTime() - TAP_ID_MEMORY_MS));
  }

  async function handleTap(labSlug: string, readerId: string, payload: Buffer): Promise<ReaderReply | undefined> {
    const now = clock.now();
    const tap = parseTap(payload);
    // What the decision reads first, in one round: the reader with its machine, the machine's
    // switch and open session; the card's member; the same tap handled before.
    const [reader, [earlier], member] = await Promise.all([
      repo.readerOf(readerId),
      tap ? earlierTapOf(readerId, tap, now) : none,
      tap ? memberOfCard(tap.uid) : null,
    ]);
    if (!reader || reader.labSlug !== labSlug) {
      // Not ours (another lab's server on the same broker, or a stranger): logged, never answered.
      if (unknownLog.hit(`reader:${readerId}`) === 0) {
        await logEvent(db, {
          deviceId: readerId,
          kind: 'tap',
          ok: false,
          code: 'UNKNOWN_READER',
          details: { labSlug },
        });
      }
      return undefined;
    }
    const { device, machine } = reader;
    const base = { labId: device.labId, machineId: device.machineId, deviceId: device.deviceId };
    try {
      if (!tap) {
        const answer: ReaderReply = { ok: false, code: 'BAD_MESSAGE', message: 'A tap is {"uid":"<hex>"}' };
        if (unknownLog.hit(`bad:${readerId}`) === 0)
          await logEvent(db, { ...base, kind: 'tap', ok: false, code: answer.code });
        await reply(labSlug, readerId, answer);
        return answer;
      }
      // The first one's answer is repeated and nothing else happens.
      if (earlier) {
        const previous = earlier.details.reply as ReaderReply | undefined;
        if (previous) await reply(labSlug, readerId, previous);
        return previous;
      }

      let answer: ReaderReply;
      let sessionId: string | null = null;
      if (!member) {
        answer = { ok: false, code: 'UNKNOWN_CARD', message: 'This card is not registered' };
      } else {
        try {
          const open = reader.open ?? undefined;
          const sw = reader.sw ?? undefined;
          // Their own session ends with this tap, unless it was opened elsewhere (checked in on the
          // phone) and its power is not on yet: then the tap switches it on.
          const ends =
            open && open.userId === member.id && (!sw || sw.output === true || (await repo.poweredFor(open.id)));
          if (open && ends) {
            await stopUse(member, machine, open, sw);
            sessionId = open.id;
            answer = { ok: true, code: 'STOPPED', message: 'Checked out; the machine is off' };
          } else {
            const { session } = await startUse(member, machine, { open, sw });
            sessionId = session.id;
            answer = { ok: true, code: 'STARTED', message: 'The machine is on' };
          }
        } catch (err) {
          if (!(err instanceof DomainError) || err.statusCode >= 500) throw err;
          answer = { ok: false, code: err.code, message: err.message };
        }
      }
      const logIt = member || unknownLog.hit(`card:${readerId}`) === 0;
      if (logIt) {
        await logEvent(db, {
          ...base,
          kind: 'tap',
          ok: answer.ok,
          code: answer.code,
          uid: tap.uid,
          userId: member?.id ?? null,
          usageSessionId: sessionId,
          details: { reply: answer, ...(tap.tapId ? { tapId: tap.tapId } : {}) },
          at: now,
        });
      }
      await reply(labSlug, readerId, answer);
      return answer;
    } finally {
      // Bookkeeping after the answer: the member waits at the machine for the decision, not for this.
      await repo.touchLastSeen(device.id, now);
    }
  }

  return { handleTap };
}

export type ReaderTaps = ReturnType<typeof createReaderTaps>;

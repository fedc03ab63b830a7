// Tells open calendars that a lab's bookings or maintenance changed, so they refresh at once.
// publish() emits in this process at once and, when a relay is attached (PostgreSQL: the live
// plugin relays through NOTIFY/LISTEN), sends the change to the other server processes too.
import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';

export interface LabChange {
  labId: string;
  /** booking, maintenance, machine, lab, closure, usage */
  kind: string;
  /** Which machines changed, when known. */
  machineIds?: string[];
}

/** Carries published changes to other server processes. */
export interface LabEventsRelay {
  /** Fire and forget: a lost relay message only delays a calendar until its next refresh. */
  send(payload: string): void;
}

export interface LabEvents {
  /** Call after the transaction that made the change has committed. */
  publish(change: LabChange): void;
  subscribe(listener: (change: LabChange) => void): () => void;
  /**
   * Changes may have been missed (the relay to other processes was down): whatever was derived
   * from any lab's data is to be thrown away or fetched again.
   */
  resync(): void;
  onResync(listener: () => void): () => void;
  /** Sends every later publish() through this relay as well; undefined detaches it. */
  attachRelay(relay: LabEventsRelay | undefined): void;
  /** A payload that arrived through the relay; this process's own are dropped (already emitted). */
  receiveRelayed(payload: string): void;
}

/** PostgreSQL refuses NOTIFY payloads of 8000 bytes or more. */
const MAX_RELAY_PAYLOAD = 7900;

interface RelayMessage {
  /** The process (LabEvents instance) that published it. */
  o: string;
  c: LabChange;
}

function isChange(value: unknown): value is LabChange {
  if (!value || typeof value !== 'object') return false;
  const c = value as Record<string, unknown>;
  return (
    typeof c.labId === 'string' &&
    typeof c.kind === 'string' &&
    (c.machineIds === undefined || (Array.isArray(c.machineIds) && c.machineIds.every((m) => typeof m === 'string')))
  );
}

export function createLabEvents(): LabEvents & { emitLocal(change: LabChange): void; readonly origin: string } {
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  const origin = randomUUID();
  let relay: LabEventsRelay | undefined;

  function encode(change: LabChange): string {
    const full = JSON.stringify({ o: origin, c: change } satisfies RelayMessage);
    if (Buffer.byteLength(full) <= MAX_RELAY_PAYLOAD) return full;
    // A huge class session: the calendars refetch the whole lab anyway, so the machine list can go.
    return JSON.stringify({ o: origin, c: { labId: change.labId, kind: change.kind } } satisfies RelayMessage);
  }

  const api = {
    origin,
    publish(change: LabChange) {
      api.emitLocal(change);
      relay?.send(encode(change));
    },
    emitLocal(change: LabChange) {
      emitter.emit('change', change);
    },
    subscribe(listener: (change: LabChange) => void) {
      // A failing listener (a closed stream) must not throw into the publisher, which has committed.
      const safe = (change: LabChange) => {
        try {
          listener(change);
        } catch {
          /* the listener's own cleanup handles its failures */
        }
      };
      emitter.on('change', safe);
      return () => {
        emitter.off('change', safe);
      };
    },
    resync() {
      emitter.emit('resync');
    },
    onResync(listener: () => void) {
      const safe = () => {
        try {
          listener();
        } catch {
          /* as in subscribe */
        }
      };
      emitter.on('resync', safe);
      return () => {
        emitter.off('resync', safe);
      };
    },
    attachRelay(next: LabEventsRelay | undefined) {
      relay = next;
    },
    receiveRelayed(payload: string) {
      let message: Partial<RelayMessage>;
      try {
        message = JSON.parse(payload) as Partial<RelayMessage>;
      } catch {
        return;
      }
      if (!message || message.o === origin || !isChange(message.c)) return;
      const { labId, kind, machineIds } = message.c;
      api.emitLocal(machineIds ? { labId, kind, machineIds } : { labId, kind });
    },
  };
  return api;
}

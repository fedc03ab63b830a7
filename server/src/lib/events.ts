// Tells open calendars that a lab's bookings or maintenance changed, so they refresh at once.
// In-process here; the live-calendar plugin relays these between server processes.
import { EventEmitter } from 'node:events';

export interface LabChange {
  labId: string;
  /** booking, maintenance, machine, closure, usage */
  kind: string;
  /** Which machines changed, when known. */
  machineIds?: string[];
}

export interface LabEvents {
  /** Call after the transaction that made the change has committed. */
  publish(change: LabChange): void;
  subscribe(listener: (change: LabChange) => void): () => void;
}

export function createLabEvents(): LabEvents & { emitLocal(change: LabChange): void } {
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  const api = {
    publish(change: LabChange) {
      api.emitLocal(change);
    },
    emitLocal(change: LabChange) {
      emitter.emit('change', change);
    },
    subscribe(listener: (change: LabChange) => void) {
      emitter.on('change', listener);
      return () => emitter.off('change', listener);
    },
  };
  return api;
}

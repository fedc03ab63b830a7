// Machines that report their own use: registering switches and readers, members' cards, the one
// decision that turns a machine on for a member (a card tap or the Start button), and the measured
// use a switch's reports add to the open usage session. The parts live in their own files; this
// one builds them on one shared core and exposes the service the plugin decorates as app.devices.
import { createCards } from './cards.js';
import { createDeviceMessages } from './device-messages.js';
import { createDeviceRegistry } from './device-registry.js';
import { createDevicesCore, type DevicesServiceDeps } from './devices-core.js';
import { createPowerCommands } from './power-commands.js';
import { createReaderTaps } from './reader-taps.js';
import { createSessionMeter } from './session-meter.js';
import { createSessionWatch } from './session-watch.js';
import { createStartDecision } from './start-decision.js';
import { createUnattributedUse } from './unattributed-use.js';

export type { DevicesServiceDeps, ProcessedMessage } from './devices-core.js';
export type { DeviceRow } from './devices.repository.js';
export { toApiDevice } from './device-view.js';

export function createDevicesService(deps: DevicesServiceDeps) {
  const core = createDevicesCore(deps);
  const commands = createPowerCommands(core);
  const meter = createSessionMeter(core);
  const decision = createStartDecision(core, commands, meter);
  const messages = createDeviceMessages(core, createReaderTaps(core, decision), meter);
  const watch = createSessionWatch(core, commands, createUnattributedUse(core));
  const registry = createDeviceRegistry(core);
  const cards = createCards(core);

  return {
    onMessage: messages.onMessage,
    topics: registry.topics,
    idle: messages.idle,
    onProcessed: messages.onProcessed,
    powerOffUnused: watch.powerOffUnused,
    warnBookingEnds: watch.warnBookingEnds,
    events: registry.events,
    register: registry.register,
    listForLab: registry.listForLab,
    remove: registry.remove,
    addCard: cards.addCard,
    cardsOf: cards.cardsOf,
    removeCard: cards.removeCard,
    start: decision.start,
    stop: decision.stop,
    setPower: commands.setPower,
  };
}

export type DevicesService = ReturnType<typeof createDevicesService>;

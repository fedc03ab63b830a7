// npm run devices:sim -- --switch <deviceId>[:laser|print|idle] … --reader <labSlug>/<deviceId> …
//                        --demo   (the demo's devices, as `npm start` with MQTT_URL registers them)
// Plays Shelly switches and card readers on the broker named by MQTT_URL. Switches report every
// 2 s while on, drawing their profile's power; a line `tap <readerId> <uid>` on stdin taps a card.
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { loadMqttConfig } from '../config.js';
import { DEMO_CARDS, DEMO_DEVICES } from '../db/seed/catalogue.js';
import { demoSimSpecs, PROFILES, SimReader, SimSwitch } from './device-simulator.js';

const REPORT_MS = 2000;

const { values } = parseArgs({
  options: {
    switch: { type: 'string', multiple: true, default: [] },
    reader: { type: 'string', multiple: true, default: [] },
    demo: { type: 'boolean', default: false },
  },
});
if (values.demo) {
  const demo = demoSimSpecs();
  values.switch.push(...demo.switches);
  values.reader.push(...demo.readers);
}
const mqtt = loadMqttConfig();
if (!mqtt) {
  console.error('Set MQTT_URL to the broker (for example mqtt://127.0.0.1:1883).');
  process.exit(1);
}
if (values.switch.length === 0 && values.reader.length === 0) {
  console.error('Nothing to play: give --demo, --switch <deviceId>[:profile] and/or --reader <labSlug>/<deviceId>.');
  process.exit(1);
}
const broker = { url: mqtt.url, username: mqtt.username, password: mqtt.password };

const switches = await Promise.all(
  values.switch.map(async (spec) => {
    const [deviceId, profileName = 'laser'] = spec.split(':');
    const profile = PROFILES[profileName];
    if (!deviceId || !profile) throw new Error(`Bad --switch ${spec}; profiles: ${Object.keys(PROFILES).join(', ')}`);
    const sw = await SimSwitch.start(broker, deviceId);
    await sw.report();
    console.log(`switch ${deviceId} (${profileName}) on ${mqtt.url}`);
    return { sw, profile, onFor: 0 };
  }),
);
const readers = await Promise.all(
  values.reader.map(async (spec) => {
    const [labSlug, deviceId] = spec.split('/');
    if (!labSlug || !deviceId) throw new Error(`Bad --reader ${spec}: use <labSlug>/<deviceId>`);
    const reader = await SimReader.start(broker, labSlug, deviceId);
    console.log(`reader ${deviceId} in ${labSlug}`);
    return reader;
  }),
);

if (values.demo) {
  console.log('Demo cards (makers 1–3):');
  for (const c of DEMO_CARDS) console.log(`  ${c.uid}  ${c.email}`);
  // A printer takes walk-ins in the demo: this tap starts it while its lab is open.
  const printer = DEMO_DEVICES.find((d) => d.profile === 'print')!;
  console.log(`Tap one: tap ${printer.readerId} ${DEMO_CARDS[0]!.uid}`);
}

const timer = setInterval(() => {
  for (const s of switches) {
    s.onFor = s.sw.output ? s.onFor + REPORT_MS / 1000 : 0;
    s.sw.load = s.profile(s.onFor);
    void s.sw.advance(REPORT_MS);
  }
}, REPORT_MS);

const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  const [verb, readerId, uid] = line.trim().split(/\s+/);
  const reader = readers.find((r) => r.deviceId === readerId);
  if (verb !== 'tap' || !reader || !uid) {
    console.log('tap <readerId> <uid>');
    return;
  }
  reader.tap(uid).then(
    (answer) => console.log(`${readerId}: ${answer.ok ? 'OK' : 'REFUSED'} ${answer.code} — ${answer.message}`),
    (err: Error) => console.log(`${readerId}: ${err.message}`),
  );
});

async function shutdown() {
  clearInterval(timer);
  lines.close();
  await Promise.all([...switches.map((s) => s.sw.close()), ...readers.map((r) => r.close())]);
  process.exit(0);
}
process.on('SIGINT', () => void shutdown());
process.on('SIGTERM', () => void shutdown());

// Plays the lab's hardware on a real MQTT broker: Shelly Gen2 switches (RPC commands, status
// reports, retained presence with a last will) and card readers (taps, replies). The tests drive it
// step by step (advance() integrates energy over simulated time, so figures are exact); the
// devices:sim script runs it on a timer with power profiles.
import {
  presenceTopic,
  readerReplyTopic,
  readerTapTopic,
  switchRpcTopic,
  switchStatusTopic,
  type ReaderReply,
  type SwitchStatus,
} from '@fablab/shared';
import mqtt, { type MqttClient } from 'mqtt';
import { randomUUID } from 'node:crypto';
import { DEMO_DEVICES } from '../db/seed/catalogue.js';

export interface BrokerOptions {
  url: string;
  username?: string;
  password?: string;
}

async function connect(
  broker: BrokerOptions,
  clientId: string,
  will?: { topic: string; payload: string },
): Promise<MqttClient> {
  return mqtt.connectAsync(broker.url, {
    clientId,
    username: broker.username,
    password: broker.password,
    reconnectPeriod: 1000,
    ...(will ? { will: { topic: will.topic, payload: Buffer.from(will.payload), qos: 1, retain: true } } : {}),
  });
}

/** Waits for `predicate` to hold, checking on every change the simulator notices and on a short timer. */
async function until(predicate: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export interface RpcCall {
  id: number;
  src: string;
  method: string;
  params?: { id?: number; on?: boolean };
}

/** A Shelly Gen2 plug or relay with one output. */
export class SimSwitch {
  output = false;
  /** What the machine draws while the output is on, W. */
  load: number;
  /** The aenergy.total counter, Wh. */
  energyWh: number;
  readonly commands: RpcCall[] = [];
  private readonly commandListeners: Array<(call: RpcCall) => void> = [];

  private constructor(
    readonly deviceId: string,
    private readonly client: MqttClient,
    options: { load?: number; energyWh?: number },
  ) {
    this.load = options.load ?? 0;
    this.energyWh = options.energyWh ?? 0;
  }

  static async start(
    broker: BrokerOptions,
    deviceId: string,
    options: { load?: number; energyWh?: number; output?: boolean } = {},
  ): Promise<SimSwitch> {
    const client = await connect(broker, `sim-${deviceId}-${randomUUID().slice(0, 6)}`, {
      topic: presenceTopic(deviceId),
      payload: 'false',
    });
    const sw = new SimSwitch(deviceId, client, options);
    sw.output = options.output ?? false;
    client.on('message', (topic, payload) => {
      // A switch that cannot answer (its connection closing) stays silent, as a real one would.
      if (topic === switchRpcTopic(deviceId)) sw.onRpc(payload).catch(() => {});
    });
    await client.subscribeAsync(switchRpcTopic(deviceId), { qos: 1 });
    await client.publishAsync(presenceTopic(deviceId), 'true', { qos: 1, retain: true });
    return sw;
  }

  get apower(): number {
    return this.output ? this.load : 0;
  }

  status(): SwitchStatus {
    return {
      id: 0,
      output: this.output,
      apower: this.apower,
      aenergy: { total: Math.round(this.energyWh * 1000) / 1000 },
    };
  }

  /** Publishes the current state, as a Shelly does on every change. */
  async report(): Promise<void> {
    await this.client.publishAsync(switchStatusTopic(this.deviceId), JSON.stringify(this.status()), { qos: 1 });
  }

  async setLoad(watts: number): Promise<void> {
    this.load = watts;
    await this.report();
  }

  /** Lets `ms` of (simulated) time pass at the current draw, then reports. */
  async advance(ms: number): Promise<void> {
    this.energyWh += (this.apower * ms) / 3_600_000;
    await this.report();
  }

  /** Called on every RPC command, as it arrives (before the switch obeys it): what bench:devices times. */
  onCommand(listener: (call: RpcCall) => void): void {
    this.commandListeners.push(listener);
  }

  async waitForOutput(on: boolean, timeoutMs = 5000): Promise<void> {
    await until(() => this.output === on, timeoutMs, `${this.deviceId} to switch ${on ? 'on' : 'off'}`);
  }

  private async onRpc(payload: Buffer): Promise<void> {
    let call: RpcCall;
    try {
      call = JSON.parse(payload.toString('utf8')) as RpcCall;
    } catch {
      return;
    }
    this.commands.push(call);
    for (const listener of this.commandListeners) listener(call);
    let result: unknown;
    if (call.method === 'Switch.Set' && typeof call.params?.on === 'boolean') {
      result = { was_on: this.output };
      this.output = call.params.on;
    } else if (call.method === 'Switch.Toggle') {
      result = { was_on: this.output };
      this.output = !this.output;
    } else if (call.method === 'Switch.GetStatus') {
      result = this.status();
    }
    const response =
      result === undefined
        ? { id: call.id, src: this.deviceId, dst: call.src, error: { code: -105, message: `No method ${call.method}` } }
        : { id: call.id, src: this.deviceId, dst: call.src, result };
    await this.client.publishAsync(`${call.src}/rpc`, JSON.stringify(response), { qos: 1 });
    if (call.method !== 'Switch.GetStatus') await this.report();
  }

  /** Clears what a crashed switch's last will left retained on the broker. */
  static async clearRetained(broker: BrokerOptions, deviceId: string): Promise<void> {
    const client = await connect(broker, `sim-clear-${randomUUID().slice(0, 8)}`);
    await client.publishAsync(presenceTopic(deviceId), '', { qos: 1, retain: true });
    await client.endAsync();
  }

  /** Drops off the network: the broker publishes its last will (`online` false). */
  async crash(): Promise<void> {
    this.client.stream.destroy();
    await this.client.endAsync(true);
  }

  /** Leaves cleanly and clears its retained presence, so that nothing of it stays on the broker. */
  async close(): Promise<void> {
    if (this.client.connected)
      await this.client.publishAsync(presenceTopic(this.deviceId), '', { qos: 1, retain: true });
    await this.client.endAsync();
  }
}

/** A card reader at a machine (ESP32 + PN532 in the README's reference build). */
export class SimReader {
  readonly replies: ReaderReply[] = [];
  private seq = 0;

  private constructor(
    readonly labSlug: string,
    readonly deviceId: string,
    private readonly client: MqttClient,
  ) {}

  static async start(broker: BrokerOptions, labSlug: string, deviceId: string): Promise<SimReader> {
    // Presence as the reference reader's firmware does it: a retained `true`, `false` as last will.
    const client = await connect(broker, `sim-${deviceId}-${randomUUID().slice(0, 6)}`, {
      topic: presenceTopic(deviceId),
      payload: 'false',
    });
    const reader = new SimReader(labSlug, deviceId, client);
    client.on('message', (topic, payload) => {
      if (topic !== readerReplyTopic(labSlug, deviceId)) return;
      try {
        reader.replies.push(JSON.parse(payload.toString('utf8')) as ReaderReply);
      } catch {
        // A reader shows nothing for an answer it cannot read.
      }
    });
    await client.subscribeAsync(readerReplyTopic(labSlug, deviceId), { qos: 1 });
    await client.publishAsync(presenceTopic(deviceId), 'true', { qos: 1, retain: true });
    return reader;
  }

  /** Publishes a tap without waiting for the answer; `id` numbers it (a resend repeats the id). */
  async publishTap(uid: string, options: { id?: string | number } = {}): Promise<void> {
    const message = options.id === undefined ? { uid } : { uid, id: options.id };
    await this.client.publishAsync(readerTapTopic(this.labSlug, this.deviceId), JSON.stringify(message), { qos: 1 });
  }

  /** Taps a card and waits for the server's answer. */
  async tap(uid: string, options: { id?: string | number; timeoutMs?: number } = {}): Promise<ReaderReply> {
    const before = this.replies.length;
    this.seq += 1;
    await this.publishTap(uid, options);
    await until(
      () => this.replies.length > before,
      options.timeoutMs ?? 5000,
      `an answer to tap ${this.seq} on ${this.deviceId}`,
    );
    return this.replies[before]!;
  }

  async waitForReplies(count: number, timeoutMs = 5000): Promise<ReaderReply[]> {
    await until(() => this.replies.length >= count, timeoutMs, `${count} answers on ${this.deviceId}`);
    return this.replies.slice(0, count);
  }

  /** Leaves cleanly and clears its retained presence. */
  async close(): Promise<void> {
    if (this.client.connected)
      await this.client.publishAsync(presenceTopic(this.deviceId), '', { qos: 1, retain: true });
    await this.client.endAsync();
  }
}

/** Power profiles for the devices:sim script: the draw of a machine at a moment of its job. */
export const PROFILES: Record<string, (secondsOn: number) => number> = {
  /** A CO2 laser: fans and chiller at 60 W, cutting passes at 900 W in a 40 s rhythm. */
  laser: (t) => (t % 40 < 25 ? 900 : 60),
  /** An FDM print: the bed and nozzle heat up at 250 W, then hold at about 110 W. */
  print: (t) => (t < 180 ? 250 : 110 + 10 * Math.sin(t / 30)),
  /** Switched on and left: standby draw only. */
  idle: () => 4,
};

/** The devices:sim arguments that play the demo's devices (DEMO_DEVICES), each switch with its profile. */
export function demoSimSpecs(): { switches: string[]; readers: string[] } {
  return {
    switches: DEMO_DEVICES.map((d) => `${d.switchId}:${d.profile}`),
    readers: DEMO_DEVICES.map((d) => `${d.lab}/${d.readerId}`),
  };
}

// The MQTT connection to the devices' broker. It keeps the set of topics the server listens to and
// subscribes them again on every (re)connect that did not resume a session, so that registering a
// device while the broker is down still takes effect once it is back. Without MQTT_URL it is a
// bus that is never connected: commands go nowhere and nothing arrives.
import type { FastifyBaseLogger } from 'fastify';
import mqtt, { type IClientPublishOptions, type IPublishPacket, type MqttClient } from 'mqtt';
import { randomUUID } from 'node:crypto';
import type { MqttConfig } from '../../config.js';

export type MessageHandler = (topic: string, payload: Buffer, packet: IPublishPacket) => void;

export interface DeviceBus {
  readonly enabled: boolean;
  isConnected(): boolean;
  /** Connects (once); resolves at once, the connection comes when the broker answers. */
  start(): void;
  /** Resolves once connected and every watched topic is subscribed. */
  ready(): Promise<void>;
  /** QoS 1; queued while disconnected. Resolves when the broker has it (or at once when devices are off). */
  publish(topic: string, payload: string, options?: IClientPublishOptions): Promise<void>;
  watch(topics: string[]): Promise<void>;
  unwatch(topics: string[]): Promise<void>;
  onMessage(handler: MessageHandler): void;
  close(): Promise<void>;
}

export function createDeviceBus(config: MqttConfig | undefined, log: FastifyBaseLogger): DeviceBus {
  const watched = new Set<string>();
  const handlers: MessageHandler[] = [];
  let client: MqttClient | undefined;
  let subscribed = false;
  let waiters: Array<() => void> = [];

  function settle() {
    subscribed = true;
    const pending = waiters;
    waiters = [];
    for (const resolve of pending) resolve();
  }

  // The broker delivers a shared subscription's messages under their own topic, so only the
  // filters carry the group.
  const filter = (topic: string) => (config?.shareGroup ? `$share/${config.shareGroup}/${topic}` : topic);

  async function subscribeAll(c: MqttClient) {
    if (watched.size > 0) await c.subscribeAsync([...watched].map(filter), { qos: 1 });
  }

  if (!config) {
    return {
      enabled: false,
      isConnected: () => false,
      start() {},
      ready: () => Promise.resolve(),
      publish: () => Promise.resolve(),
      watch: async (topics) => {
        for (const t of topics) watched.add(t);
      },
      unwatch: async (topics) => {
        for (const t of topics) watched.delete(t);
      },
      onMessage: (handler) => void handlers.push(handler),
      close: () => Promise.resolve(),
    };
  }

  return {
    enabled: true,
    isConnected: () => Boolean(client?.connected),
    start() {
      if (client) return;
      const persistent = Boolean(config.clientId);
      client = mqtt.connect(config.url, {
        clientId: config.clientId ?? `fablab-server-${randomUUID().slice(0, 8)}`,
        clean: !persistent,
        username: config.username,
        password: config.password,
        reconnectPeriod: 2000,
        connectTimeout: 10_000,
        // Subscriptions are ours to restore: MQTT.js would restore only those it saw succeed.
        resubscribe: false,
      });
      const c = client;
      c.on('connect', (connack) => {
        log.info({ broker: config.url, sessionPresent: connack.sessionPresent }, 'device bus connected');
        subscribeAll(c).then(settle, (err: unknown) => log.error({ err }, 'device bus could not subscribe'));
      });
      c.on('close', () => {
        subscribed = false;
      });
      c.on('offline', () => log.warn({ broker: config.url }, 'device bus offline; reconnecting'));
      c.on('error', (err) => log.warn({ err: err.message }, 'device bus error'));
      c.on('message', (topic, payload, packet) => {
        for (const handler of handlers) handler(topic, payload, packet);
      });
    },
    ready() {
      if (subscribed && client?.connected) return Promise.resolve();
      return new Promise((resolve) => waiters.push(resolve));
    },
    async publish(topic, payload, options = {}) {
      if (!client) return;
      await client.publishAsync(topic, payload, { qos: 1, ...options });
    },
    async watch(topics) {
      const fresh = topics.filter((t) => !watched.has(t));
      for (const t of fresh) watched.add(t);
      if (client?.connected && fresh.length > 0) await client.subscribeAsync(fresh.map(filter), { qos: 1 });
    },
    async unwatch(topics) {
      const known = topics.filter((t) => watched.delete(t));
      if (client?.connected && known.length > 0) await client.unsubscribeAsync(known.map(filter));
    },
    onMessage(handler) {
      handlers.push(handler);
    },
    async close() {
      const c = client;
      client = undefined;
      subscribed = false;
      if (c) await c.endAsync();
    },
  };
}

// The devices suites run against the real broker (Mosquitto on 127.0.0.1:1883, or TEST_MQTT_URL)
// and the real database. Every test makes its own device ids and lab slugs, so that suites running
// side by side on one broker never see each other's messages.
import { randomBytes, randomUUID } from 'node:crypto';
import type { Clock } from '../../src/lib/clock.js';
import type { ProcessedMessage } from '../../src/modules/devices/devices.service.js';
import { createTestContext, type TestContext } from '../helpers/app.js';

export const BROKER_URL = process.env.TEST_MQTT_URL || 'mqtt://127.0.0.1:1883';
export const broker = { url: BROKER_URL };

export async function createDeviceContext(
  options: { clock?: Clock; tapDebounceMs?: number } = {},
): Promise<TestContext> {
  const ctx = await createTestContext({
    clock: options.clock,
    config: { mqtt: { url: BROKER_URL, tapDebounceMs: options.tapDebounceMs ?? 3000 } },
  });
  await ctx.app.deviceBus.ready();
  return ctx;
}

/** A device id no other test uses. */
export const uniqueId = (prefix: string) => `${prefix}-${randomUUID().slice(0, 12)}`;

/** A card UID (7 bytes, as NTAG cards have). */
export const randomUid = () => randomBytes(7).toString('hex').toUpperCase();

/** Polls `check` until it returns something truthy, for at most `timeoutMs`. */
export async function eventually<T>(
  check: () => Promise<T | undefined | null | false>,
  timeoutMs = 5000,
  what = 'the condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Resolves when the server has handled the next message of this kind from this device. */
export function nextProcessed(
  ctx: TestContext,
  kind: ProcessedMessage['kind'],
  deviceId: string,
  timeoutMs = 5000,
): Promise<ProcessedMessage> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`No ${kind} message of ${deviceId} handled within ${timeoutMs} ms`));
    }, timeoutMs);
    const stop = ctx.app.devices.onProcessed((m) => {
      if (m.kind !== kind || m.deviceId !== deviceId) return;
      clearTimeout(timer);
      stop();
      resolve(m);
    });
  });
}

// The environment, read and checked once. Nothing else reads process.env.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface RateLimits {
  /** Failed sign-ins for one email from one address within 15 minutes before 429 (for that pair only). */
  loginFailuresPerEmail: number;
  /** Failed sign-ins from one address, whatever the emails, within 15 minutes before 429. */
  loginFailuresPerAddress: number;
  /**
   * Failed sign-ins for one email from all addresses within an hour, past which only addresses the
   * account signed in from within 30 days may still try (OWASP ASVS 2.2.1: at most 100 an hour).
   */
  loginFailuresPerAccountPerHour: number;
  /** Requests to /api/auth/* from one address within a minute. */
  authPerMinute: number;
  /** Registrations from one address within an hour. */
  registrationsPerHour: number;
  /** New bookings by one user within a minute. */
  bookingsPerMinute: number;
}

export interface LiveStreamLimits {
  /** Open live event streams one client address may hold. */
  perAddress: number;
  /** Open live event streams of this process, all clients together. */
  total: number;
  /** A stream that carried no event for this long is ended; the browser reconnects by itself. */
  idleTimeoutMs: number;
}

export interface AppConfig {
  port: number;
  host: string;
  /** A real PostgreSQL; when absent the server runs its own embedded PostgreSQL under dataDir. */
  databaseUrl: string | undefined;
  dataDir: string;
  jwtSecret: string;
  jwtExpiresIn: string;
  demoPassword: string;
  logLevel: string;
  corsOrigins: string[];
  /**
   * Which peers may tell the client's address in X-Forwarded-For: false (none: the socket's
   * address is the client's), the addresses or CIDRs of the proxies, or how many proxy hops to
   * trust. Fastify's trustProxy option.
   */
  trustProxy: false | number | string[];
  rateLimits: RateLimits;
  liveStreams: LiveStreamLimits;
  smtpUrl: string | undefined;
  mailFrom: string;
  publicUrl: string;
  /** How often in-process background jobs run; 0 turns them off (tests drive them by hand). */
  jobsIntervalMs: number;
  /** Serve the built web client from this folder when it exists. */
  webDist: string;
  /** The database pool size for PostgreSQL. */
  dbPoolSize: number;
  /** Longest wait for a statement's answer before the request gets 503 DB_UNAVAILABLE. */
  dbQueryTimeoutMs?: number;
  /** How long the server keeps trying to reach DATABASE_URL at start before it exits 1. */
  dbConnectRetryMs?: number;
  /** Serialized availability answers kept per process (calendars); 0 turns the cache off. */
  availabilityCacheEntries: number;
  /** Minutes before a booking's start when its member is reminded; default 24 h and 1 h. */
  reminderOffsetsMinutes?: number[];
  /** The MQTT broker the machines' devices speak to; absent: devices are off. */
  mqtt?: MqttConfig;
}

export interface MqttConfig {
  url: string;
  username?: string;
  password?: string;
  /**
   * A fixed client id with a persistent session, so that taps published while the server restarts
   * are delivered when it is back (QoS 1); absent: a random id and a clean session.
   */
  clientId?: string;
  /** Taps of one card on one reader closer together than this are one tap (redelivery, bounce). */
  tapDebounceMs: number;
  /**
   * With several server processes on one database: they subscribe as one shared-subscription
   * group, so each message (a tap above all) reaches exactly one of them.
   */
  shareGroup?: string;
}

export class ConfigError extends Error {}

const here = path.dirname(fileURLToPath(import.meta.url));
/** The repository root, whether running from src (tsx, vitest) or dist (node). */
export const repoRoot = path.resolve(here, '..', '..');

function int(env: NodeJS.ProcessEnv, name: string, fallback: number, min = 0): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new ConfigError(`${name} must be an integer ≥ ${min}, got "${raw}"`);
  return n;
}

function minutesList(env: NodeJS.ProcessEnv, name: string, fallback: number[]): number[] {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const list = raw.split(',').map((s) => Number(s.trim()));
  if (list.some((n) => !Number.isInteger(n) || n <= 0)) {
    throw new ConfigError(`${name} must be a comma-separated list of positive minutes, got "${raw}"`);
  }
  return list;
}

/** Names proxy-addr knows for address ranges. */
const RANGE_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

function trustProxy(env: NodeJS.ProcessEnv): false | number | string[] {
  const raw = (env.TRUST_PROXY ?? '').trim();
  if (raw === '' || raw === 'false') return false;
  if (/^[0-9]+$/.test(raw)) {
    const hops = Number(raw);
    if (hops < 1) throw new ConfigError('TRUST_PROXY as a hop count must be at least 1 (leave it empty for none)');
    return hops;
  }
  if (raw === 'true' || raw === '*') {
    throw new ConfigError('TRUST_PROXY=true would let every client choose its own address: name the proxies instead');
  }
  const list = raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const entry of list) {
    if (RANGE_NAMES.has(entry)) continue;
    const [address = '', bits, ...rest] = entry.split('/');
    const family = isIP(address);
    const maxBits = family === 6 ? 128 : 32;
    const bitsOk = bits === undefined || (/^[0-9]+$/.test(bits) && Number(bits) <= maxBits);
    if (family === 0 || !bitsOk || rest.length > 0) {
      throw new ConfigError(
        `TRUST_PROXY must list IP addresses, CIDRs (10.0.0.0/8), loopback, linklocal or uniquelocal, or be a hop count; got "${entry}"`,
      );
    }
  }
  return list;
}

/** The demo's JWT secret: generated once and kept beside the embedded database. */
function embeddedSecret(dataDir: string): string {
  const file = path.join(dataDir, 'jwt-secret');
  try {
    if (existsSync(file)) return readFileSync(file, 'utf8').trim();
    if (existsSync(dataDir) && !statSync(dataDir).isDirectory()) throw new ConfigError(`DATA_DIR ${dataDir} is a file, not a folder`);
    mkdirSync(dataDir, { recursive: true });
    const secret = randomBytes(48).toString('base64url');
    writeFileSync(file, secret, { mode: 0o600 });
    return secret;
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOSPC' ? 'the disk is full' : code === 'EACCES' || code === 'EPERM' || code === 'EROFS' ? 'it is not writable' : code === 'ENOTDIR' ? 'a part of its path is a file' : (err as Error).message;
    throw new ConfigError(`DATA_DIR ${dataDir} cannot hold the data: ${why}`);
  }
}

function shareGroup(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(raw)) throw new ConfigError(`MQTT_SHARE_GROUP must be letters, digits, - or _, got "${raw}"`);
  return raw;
}

/** The device bus settings alone: the device simulator needs these and nothing else. */
export function loadMqttConfig(env: NodeJS.ProcessEnv = process.env): MqttConfig | undefined {
  const url = env.MQTT_URL?.trim();
  if (!url) return undefined;
  if (!/^(mqtts?|wss?|tcp|ssl):\/\/[^\s]+$/.test(url)) {
    throw new ConfigError(`MQTT_URL must be an mqtt://, mqtts://, ws:// or wss:// address, got "${url}"`);
  }
  return {
    url,
    username: env.MQTT_USERNAME || undefined,
    password: env.MQTT_PASSWORD || undefined,
    clientId: env.MQTT_CLIENT_ID || undefined,
    tapDebounceMs: int(env, 'MQTT_TAP_DEBOUNCE_MS', 3000),
    shareGroup: shareGroup(env.MQTT_SHARE_GROUP),
  };
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const databaseUrl = env.DATABASE_URL || undefined;
  const dataDir = path.resolve(env.DATA_DIR || path.join(repoRoot, 'data'));
  let jwtSecret = env.JWT_SECRET;
  if (!jwtSecret) {
    if (databaseUrl) throw new ConfigError('JWT_SECRET is required when DATABASE_URL is set');
    jwtSecret = embeddedSecret(dataDir);
  }
  if (jwtSecret.length < 32) throw new ConfigError('JWT_SECRET must be at least 32 characters');
  const port = int(env, 'PORT', 3000);
  return {
    port,
    host: env.HOST || '0.0.0.0',
    databaseUrl,
    dataDir,
    jwtSecret,
    jwtExpiresIn: env.JWT_EXPIRES_IN || '12h',
    demoPassword: env.DEMO_PASSWORD || 'fablab-demo',
    logLevel: env.LOG_LEVEL || 'info',
    corsOrigins: (env.CORS_ORIGINS || '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    trustProxy: trustProxy(env),
    rateLimits: {
      loginFailuresPerEmail: int(env, 'RATE_LOGIN_FAILURES', 10, 1),
      loginFailuresPerAddress: int(env, 'RATE_LOGIN_FAILURES_PER_ADDRESS', 100, 1),
      loginFailuresPerAccountPerHour: int(env, 'RATE_LOGIN_FAILURES_PER_ACCOUNT_HOUR', 100, 1),
      authPerMinute: int(env, 'RATE_AUTH_PER_MINUTE', 60, 1),
      registrationsPerHour: int(env, 'RATE_REGISTRATIONS_PER_HOUR', 30, 1),
      bookingsPerMinute: int(env, 'RATE_BOOKINGS_PER_MINUTE', 60, 1),
    },
    liveStreams: {
      perAddress: int(env, 'LIVE_STREAMS_PER_ADDRESS', 20, 1),
      total: int(env, 'LIVE_STREAMS_TOTAL', 1000, 1),
      idleTimeoutMs: int(env, 'LIVE_STREAM_IDLE_SECONDS', 600, 1) * 1000,
    },
    smtpUrl: env.SMTP_URL || undefined,
    mailFrom: env.MAIL_FROM || 'FabLab Bình Dương <no-reply@fablab.local>',
    publicUrl: (env.PUBLIC_URL || `http://localhost:${port}`).replace(/\/$/, ''),
    jobsIntervalMs: int(env, 'JOBS_INTERVAL_MS', 30_000),
    webDist: path.resolve(env.WEB_DIST || path.join(repoRoot, 'web', 'dist')),
    dbPoolSize: int(env, 'DB_POOL_SIZE', 10, 1),
    dbQueryTimeoutMs: int(env, 'DB_QUERY_TIMEOUT_MS', 10_000, 100),
    dbConnectRetryMs: int(env, 'DB_CONNECT_RETRY_MS', 30_000),
    availabilityCacheEntries: int(env, 'AVAILABILITY_CACHE_ENTRIES', 500),
    reminderOffsetsMinutes: minutesList(env, 'REMINDER_OFFSETS_MINUTES', [1440, 60]),
    mqtt: loadMqttConfig(env),
  };
}

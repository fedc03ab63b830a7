// Builds the real app on a fresh database, with helpers to create data and call the API as
// someone. Each test file calls createTestContext() once (beforeAll) and close() after.
import { DEFAULT_LAB_SETTINGS, type LabSettings, type OpeningHours, type Role } from '@fablab/shared';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { randomUUID } from 'node:crypto';
import { buildApp } from '../../src/app.js';
import type { AppConfig } from '../../src/config.js';
import { labManagers, labs, machines, users } from '../../src/db/schema/index.js';
import { fixedClock, systemClock, type Clock } from '../../src/lib/clock.js';
import { hashPassword } from '../../src/lib/password.js';
import { createTestDatabase, type TestDatabase } from './database.js';

export const TEST_PASSWORD = 'correct-horse-battery';
let passwordHashCache: Promise<string> | undefined;

export function testConfig(overrides: Partial<AppConfig> = {}): AppConfig {
  return {
    port: 0,
    host: '127.0.0.1',
    databaseUrl: undefined,
    dataDir: '/nonexistent',
    jwtSecret: 'test-secret-that-is-long-enough-0123456789',
    jwtExpiresIn: '1h',
    demoPassword: 'fablab-demo',
    logLevel: 'silent',
    corsOrigins: [],
    trustProxy: false,
    rateLimits: {
      loginFailuresPerEmail: 10,
      loginFailuresPerAddress: 10_000,
      loginFailuresPerAccountPerHour: 10_000,
      authPerMinute: 10_000,
      registrationsPerHour: 10_000,
      bookingsPerMinute: 10_000,
    },
    liveStreams: { perAddress: 1000, total: 1000, idleTimeoutMs: 600_000 },
    smtpUrl: undefined,
    mailFrom: 'test@fablab.local',
    publicUrl: 'http://localhost:3000',
    jobsIntervalMs: 0,
    webDist: '/nonexistent',
    dbPoolSize: 20,
    availabilityCacheEntries: 500,
    ...overrides,
  };
}

export const WEEKDAY_HOURS: OpeningHours = {
  mon: [['08:00', '17:00']],
  tue: [['08:00', '17:00']],
  wed: [['08:00', '17:00']],
  thu: [['08:00', '17:00']],
  fri: [['08:00', '17:00']],
  sat: [],
  sun: [],
};

export interface TestUser {
  id: string;
  email: string;
  role: Role;
  token: string;
  tokenVersion: string;
}

export interface TestContext {
  app: Awaited<ReturnType<typeof buildApp>>;
  database: TestDatabase;
  db: TestDatabase['db'];
  clock: Clock;
  close(): Promise<void>;
  createUser(input?: Partial<{ role: Role; category: string; gender: string; manages: string[]; fullName: string; email: string }>): Promise<TestUser>;
  createLab(input?: Partial<{ slug: string; timezone: string; openingHours: OpeningHours; settings: Partial<LabSettings> }>): Promise<{ id: string; slug: string; timezone: string }>;
  createMachine(labId: string, input?: Partial<typeof machines.$inferInsert>): Promise<typeof machines.$inferSelect>;
  /** app.inject with the user's bearer token. */
  injectAs(user: TestUser | null, options: InjectOptions): Promise<LightMyRequestResponse>;
}

export async function createTestContext(options: { clock?: Clock; config?: Partial<AppConfig> } = {}): Promise<TestContext> {
  const database = await createTestDatabase();
  const clock = options.clock ?? systemClock;
  const app = await buildApp({ config: testConfig(options.config), database, clock });
  await app.ready();
  const db = database.db;
  passwordHashCache ??= hashPassword(TEST_PASSWORD);

  const ctx: TestContext = {
    app,
    database,
    db,
    clock,
    async close() {
      await app.close();
      await database.close();
    },
    async createUser(input = {}) {
      const email = input.email ?? `user-${randomUUID()}@example.test`;
      const [row] = await db
        .insert(users)
        .values({
          email,
          passwordHash: await passwordHashCache!,
          fullName: input.fullName ?? `Test ${input.role ?? 'member'}`,
          role: input.role ?? 'member',
          category: (input.category ?? 'student') as 'student',
          gender: (input.gender ?? 'undisclosed') as 'undisclosed',
        })
        .returning();
      const user = row!;
      if (input.manages?.length) {
        await db.insert(labManagers).values(input.manages.map((labId) => ({ userId: user.id, labId })));
      }
      return {
        id: user.id,
        email,
        role: user.role,
        tokenVersion: user.tokenVersion,
        token: app.signToken(user),
      };
    },
    async createLab(input = {}) {
      const slug = input.slug ?? `lab-${randomUUID().slice(0, 8)}`;
      const [row] = await db
        .insert(labs)
        .values({
          slug,
          name: `Lab ${slug}`,
          nameVi: `Phòng ${slug}`,
          host: 'Test host',
          timezone: input.timezone ?? 'Asia/Ho_Chi_Minh',
          openingHours: input.openingHours ?? WEEKDAY_HOURS,
          settings: { ...DEFAULT_LAB_SETTINGS, ...input.settings },
        })
        .returning();
      return { id: row!.id, slug, timezone: row!.timezone };
    },
    async createMachine(labId, input = {}) {
      const [row] = await db
        .insert(machines)
        .values({
          labId,
          name: `Machine ${randomUUID().slice(0, 6)}`,
          type: 'laser_cutter',
          requiresApproval: false,
          requiresCertification: false,
          minMinutes: 30,
          maxMinutes: 240,
          slotMinutes: 30,
          bufferMinutes: 0,
          ...input,
        })
        .returning();
      return row!;
    },
    injectAs(user, opts) {
      const headers = { ...(opts.headers ?? {}) } as Record<string, string>;
      if (user) headers.authorization = `Bearer ${user.token}`;
      return app.inject({ ...opts, headers });
    },
  };
  return ctx;
}

export { fixedClock };

// The people and things the hardening suites act on: two labs, one caller of every kind, and
// builders that insert a fresh resource straight into the database (so a case never depends on
// what another case did to a shared row).
import { DateTime } from 'luxon';
import { randomBytes, randomUUID } from 'node:crypto';
import {
  bookingSeries,
  bookings,
  certifications,
  closures,
  maintenancePlans,
  maintenanceWindows,
  notifications,
  passwordResets,
  usageSessions,
  users as usersTable,
} from '../../src/db/schema/index.js';
import { hashResetToken } from '../../src/modules/notifications/password-reset.service.js';
import { eq } from 'drizzle-orm';
import type { TestContext, TestUser } from '../helpers/app.js';

export const ZONE = 'Asia/Ho_Chi_Minh';
/** Monday 1 June 2026, 08:00 in Ho Chi Minh City: the labs have just opened. */
export const NOW = '2026-06-01T08:00:00+07:00';

/** An ISO instant for a wall-clock time in the labs' zone, e.g. local('2026-06-02T09:00'). */
export function local(wallClock: string): string {
  return DateTime.fromISO(wallClock, { zone: ZONE }).toUTC().toISO()!;
}

export const CALLERS = ['anonymous', 'member', 'owner', 'managerHere', 'managerOther', 'department', 'admin'] as const;
export type Caller = (typeof CALLERS)[number];
export type SignedInCaller = Exclude<Caller, 'anonymous'>;

export type MachineRow = Awaited<ReturnType<TestContext['createMachine']>>;
type BookingStatus = (typeof bookings.$inferInsert)['status'];

export interface World {
  ctx: TestContext;
  /** The lab the resources live in; managerHere manages it. */
  labHere: { id: string; slug: string };
  /** managerOther manages this one only. */
  labOther: { id: string; slug: string };
  /** `owner` owns the member-owned resources; `member` is an unrelated member. */
  users: Record<SignedInCaller, TestUser>;
  machineHere: MachineRow;
  /** A fresh machine of labHere, so that bookings and usage never collide across cases. */
  machine(input?: Partial<MachineRow>): Promise<MachineRow>;
  booking(input: {
    status: BookingStatus;
    start: string;
    end: string;
    machine?: MachineRow;
    userId?: string | null;
  }): Promise<typeof bookings.$inferSelect>;
  session(input: {
    start: string;
    end?: string | null;
    machine?: MachineRow;
    userId?: string | null;
    bookingId?: string;
  }): Promise<typeof usageSessions.$inferSelect>;
  closure(): Promise<typeof closures.$inferSelect>;
  maintenanceWindow(): Promise<typeof maintenanceWindows.$inferSelect>;
  plan(machine?: MachineRow): Promise<{ plan: typeof maintenancePlans.$inferSelect; machine: MachineRow }>;
  certification(userId?: string): Promise<typeof certifications.$inferSelect>;
  series(): Promise<typeof bookingSeries.$inferSelect>;
  notification(userId?: string): Promise<typeof notifications.$inferSelect>;
  /** A calendar-feed secret set on the user (the owner by default). */
  calendarToken(userId?: string): Promise<string>;
  /** A live password-reset token of a fresh member. */
  passwordResetToken(): Promise<string>;
  /** A fresh account of the caller's kind, for actions that use the account up (DELETE /api/me). */
  freshUser(caller: SignedInCaller): Promise<TestUser>;
}

export async function createWorld(ctx: TestContext): Promise<World> {
  const labHere = await ctx.createLab({ settings: { weeklyQuotaHours: 168 } });
  const labOther = await ctx.createLab({ settings: { weeklyQuotaHours: 168 } });
  const freshUser = (caller: SignedInCaller): Promise<TestUser> => {
    switch (caller) {
      case 'member':
      case 'owner':
        return ctx.createUser({ role: 'member', fullName: caller === 'owner' ? 'Nguyễn Thị Chủ' : 'Trần Văn Khác' });
      case 'managerHere':
        return ctx.createUser({ role: 'manager', manages: [labHere.id] });
      case 'managerOther':
        return ctx.createUser({ role: 'manager', manages: [labOther.id] });
      case 'department':
        return ctx.createUser({ role: 'department' });
      case 'admin':
        return ctx.createUser({ role: 'admin' });
    }
  };
  const users = {} as Record<SignedInCaller, TestUser>;
  for (const caller of CALLERS) if (caller !== 'anonymous') users[caller] = await freshUser(caller);
  const machine = (input: Partial<MachineRow> = {}) => ctx.createMachine(labHere.id, input);
  const machineHere = await machine();
  const db = ctx.db;

  return {
    ctx,
    labHere,
    labOther,
    users,
    machineHere,
    machine,
    freshUser,
    async booking(input) {
      const m = input.machine ?? (await machine());
      const startAt = new Date(input.start);
      const endAt = new Date(input.end);
      const [row] = await db
        .insert(bookings)
        .values({
          machineId: m.id,
          labId: m.labId,
          userId: input.userId === undefined ? users.owner.id : input.userId,
          startAt,
          endAt,
          occupiedUntil: endAt,
          status: input.status,
          purpose: 'personal_project',
          createdBy: users.owner.id,
          ...(input.status === 'approved' ? { approvedAt: startAt, decidedAt: startAt } : {}),
        })
        .returning();
      return row!;
    },
    async session(input) {
      const m = input.machine ?? (await machine());
      const [row] = await db
        .insert(usageSessions)
        .values({
          machineId: m.id,
          labId: m.labId,
          userId: input.userId === undefined ? users.owner.id : input.userId,
          bookingId: input.bookingId ?? null,
          category: 'student',
          startAt: new Date(input.start),
          endAt: input.end ? new Date(input.end) : null,
        })
        .returning();
      return row!;
    },
    async closure() {
      const [row] = await db
        .insert(closures)
        .values({ labId: labHere.id, fromDate: '2027-12-24', toDate: '2027-12-25', reason: 'Giáng sinh' })
        .returning();
      return row!;
    },
    async maintenanceWindow() {
      const m = await machine();
      const [row] = await db
        .insert(maintenanceWindows)
        .values({
          machineId: m.id,
          labId: m.labId,
          startAt: new Date(local('2026-06-10T09:00')),
          endAt: new Date(local('2026-06-10T11:00')),
          reason: 'Thay ống laser',
          createdBy: users.managerHere.id,
        })
        .returning();
      return row!;
    },
    async plan(m) {
      const target = m ?? (await machine());
      const [row] = await db
        .insert(maintenancePlans)
        .values({
          machineId: target.id,
          title: 'Vệ sinh gương',
          everyDays: 30,
          lastDoneAt: new Date(local('2026-05-01T09:00')),
        })
        .returning();
      return { plan: row!, machine: target };
    },
    async certification(userId = users.owner.id) {
      const [row] = await db
        .insert(certifications)
        .values({
          userId,
          labId: labHere.id,
          machineType: 'laser_cutter',
          grantedBy: users.managerHere.id,
          grantedAt: new Date(local('2026-05-01T09:00')),
        })
        .returning();
      return row!;
    },
    async series() {
      const [row] = await db
        .insert(bookingSeries)
        .values({ labId: labHere.id, title: 'Lớp STEM thứ Ba', createdBy: users.managerHere.id })
        .returning();
      return row!;
    },
    async notification(userId = users.owner.id) {
      const [row] = await db.insert(notifications).values({ userId, kind: 'booking_approved', data: {} }).returning();
      return row!;
    },
    async calendarToken(userId = users.owner.id) {
      const token = randomBytes(32).toString('base64url');
      await db.update(usersTable).set({ calendarToken: token }).where(eq(usersTable.id, userId));
      return token;
    },
    async passwordResetToken() {
      const user = await ctx.createUser({ email: `reset-${randomUUID()}@example.test` });
      const token = randomBytes(32).toString('base64url');
      await db.insert(passwordResets).values({
        userId: user.id,
        tokenHash: hashResetToken(token),
        expiresAt: new Date(new Date(NOW).getTime() + 30 * 60_000),
      });
      return token;
    },
  };
}

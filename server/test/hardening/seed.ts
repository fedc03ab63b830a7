// Rows for the suites that run the app outside createTestContext (through a proxy, as two
// replicas, as a child process): a lab open around the clock, its machines and members.
import { DEFAULT_LAB_SETTINGS, type OpeningHours } from '@fablab/shared';
import { randomUUID } from 'node:crypto';
import type { Db } from '../../src/db/client.js';
import { labManagers, labs, machines, users } from '../../src/db/schema/index.js';
import { hashPassword } from '../../src/lib/password.js';
import { TEST_PASSWORD } from '../helpers/app.js';

const ALL_DAY: [string, string][] = [['00:00', '24:00']];
export const OPEN_ALL_DAY: OpeningHours = {
  mon: ALL_DAY,
  tue: ALL_DAY,
  wed: ALL_DAY,
  thu: ALL_DAY,
  fri: ALL_DAY,
  sat: ALL_DAY,
  sun: ALL_DAY,
};

export interface SeededUser {
  id: string;
  email: string;
  tokenVersion: string;
}

export interface SeededLab {
  labId: string;
  machineIds: string[];
  members: SeededUser[];
  manager: SeededUser;
}

let hash: Promise<string> | undefined;

/** A lab open every hour of every day, with machines that need no approval and generous quotas. */
export async function seedLab(
  db: Db,
  opts: { machines: number; members: number; bufferMinutes?: number },
): Promise<SeededLab> {
  hash ??= hashPassword(TEST_PASSWORD);
  const passwordHash = await hash;
  const slug = `lab-${randomUUID().slice(0, 8)}`;
  const [lab] = await db
    .insert(labs)
    .values({
      slug,
      name: `Lab ${slug}`,
      nameVi: `Phòng ${slug}`,
      host: 'Test host',
      timezone: 'Asia/Ho_Chi_Minh',
      openingHours: OPEN_ALL_DAY,
      settings: { ...DEFAULT_LAB_SETTINGS, weeklyQuotaHours: 168, maxAdvanceDays: 365 },
    })
    .returning();
  const machineRows = await db
    .insert(machines)
    .values(
      Array.from({ length: opts.machines }, (_, i) => ({
        labId: lab!.id,
        name: `Máy ${i + 1}`,
        type: 'fdm_printer',
        requiresApproval: false,
        requiresCertification: false,
        minMinutes: 30,
        maxMinutes: 240,
        slotMinutes: 30,
        bufferMinutes: opts.bufferMinutes ?? 0,
      })),
    )
    .returning({ id: machines.id });
  const people = await db
    .insert(users)
    .values(
      Array.from({ length: opts.members + 1 }, (_, i) => ({
        email: `${i === 0 ? 'manager' : `member-${i}`}-${randomUUID().slice(0, 8)}@example.test`,
        passwordHash,
        fullName: i === 0 ? 'Quản lý' : `Thành viên ${i}`,
        role: i === 0 ? ('manager' as const) : ('member' as const),
        category: 'student' as const,
      })),
    )
    .returning({ id: users.id, email: users.email, tokenVersion: users.tokenVersion });
  const [manager, ...members] = people.map((p) => ({ id: p.id, email: p.email!, tokenVersion: p.tokenVersion }));
  await db.insert(labManagers).values({ userId: manager!.id, labId: lab!.id });
  return { labId: lab!.id, machineIds: machineRows.map((m) => m.id), members, manager: manager! };
}

// The demo data of DOMAIN.md: three labs, their catalogue and opening hours, one manager per
// lab, a department account, an admin, five makers, and bookings and usage over the past four
// weeks and the coming week. Deterministic apart from being placed around "now".
import { DEFAULT_LAB_SETTINGS, openPeriodsOfDate, type Purpose } from '@fablab/shared';
import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import { DateTime } from 'luxon';
import type { Db } from '../client.js';
import {
  bookings,
  cards,
  certifications,
  classSessions,
  closures,
  devices,
  labManagers,
  labs,
  machines,
  maintenanceWindows,
  materials,
  usageMaterials,
  usageSessions,
  users,
} from '../schema/index.js';
import { hashPassword } from '../../lib/password.js';
import { DEMO_ACCOUNTS, DEMO_CARDS, DEMO_CLOSURES, DEMO_DEVICES, DEMO_LABS, DEMO_MATERIALS } from './catalogue.js';

/** A small deterministic PRNG (mulberry32), so every demo looks the same. */
export function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PURPOSES: Purpose[] = ['personal_project', 'startup_prototype', 'research', 'training', 'enterprise_service', 'personal_project'];

export const DEMO_MARKER_EMAIL = 'admin@fablab.local';

export async function isDemoSeeded(db: Db): Promise<boolean> {
  const [row] = await db.select({ id: users.id }).from(users).where(eq(users.email, DEMO_MARKER_EMAIL));
  return Boolean(row);
}

export interface SeedResult {
  seeded: boolean;
  accounts: Array<{ email: string; role: string }>;
  counts: Record<string, number>;
}

export async function seedDemo(db: Db, options: { password: string; now?: Date }): Promise<SeedResult> {
  const accounts = DEMO_ACCOUNTS.map((a) => ({ email: a.email, role: a.role }));
  if (await isDemoSeeded(db)) return { seeded: false, accounts, counts: {} };
  const now = options.now ?? new Date();
  const rand = prng(20261127);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)] as T;
  const passwordHash = await hashPassword(options.password);
  const counts = { labs: 0, machines: 0, materials: 0, bookings: 0, usageSessions: 0, closures: 0 };

  await db.transaction(async (tx) => {
    const labRows = await tx
      .insert(labs)
      .values(
        DEMO_LABS.map((l) => ({
          slug: l.slug,
          name: l.name,
          nameVi: l.nameVi,
          host: l.host,
          timezone: 'Asia/Ho_Chi_Minh',
          openingHours: l.openingHours,
          settings: DEFAULT_LAB_SETTINGS,
        })),
      )
      .returning();
    counts.labs = labRows.length;
    const labBySlug = new Map(labRows.map((l) => [l.slug, l]));

    for (const lab of labRows) {
      await tx.insert(closures).values(DEMO_CLOSURES.map((c) => ({ labId: lab.id, fromDate: c.from, toDate: c.to, reason: c.reason })));
      counts.closures += DEMO_CLOSURES.length;
    }

    const userRows = await tx
      .insert(users)
      .values(
        DEMO_ACCOUNTS.map((a, i) => ({
          email: a.email,
          passwordHash,
          fullName: a.fullName,
          role: a.role,
          category: a.category,
          gender: a.gender,
          organization: a.organization ?? null,
          locale: 'vi' as const,
          // Spread account creation over the past weeks so "new members" has something to count.
          createdAt: new Date(now.getTime() - (40 - i * 3) * 86_400_000),
        })),
      )
      .returning();
    const userByEmail = new Map(userRows.map((u) => [u.email as string, u]));
    for (const a of DEMO_ACCOUNTS) {
      if (a.manages) {
        await tx.insert(labManagers).values({ userId: userByEmail.get(a.email)!.id, labId: labBySlug.get(a.manages)!.id });
      }
    }
    const makers = userRows.filter((u) => u.role === 'member');

    for (const demoLab of DEMO_LABS) {
      const lab = labBySlug.get(demoLab.slug)!;
      const manager = userRows.find((u) => u.email === `manager.${demoLab.slug}@fablab.local`)!;
      const machineRows = await tx
        .insert(machines)
        .values(demoLab.machines.map((mm) => ({ ...mm, labId: lab.id })))
        .returning();
      counts.machines += machineRows.length;

      // The lab's materials catalogue: what its machines' types consume, which its sessions record.
      const demoMaterials = [...new Set(machineRows.map((mm) => mm.type))].flatMap((type) => DEMO_MATERIALS[type] ?? []);
      const materialRows = demoMaterials.length
        ? await tx
            .insert(materials)
            .values(demoMaterials.map(([name, unit, , priceVnd]) => ({ labId: lab.id, name, unit, priceVnd })))
            .returning()
        : [];
      const materialOf = (name: string, unit: string) => materialRows.find((mr) => mr.name === name && mr.unit === unit)!;
      counts.materials += materialRows.length;

      // Makers 1–3 are certified on every certified type of every lab; 4 and 5 on none here.
      const certTypes = [...new Set(machineRows.filter((mm) => mm.requiresCertification).map((mm) => mm.type))];
      for (const maker of makers.slice(0, 3)) {
        for (const type of certTypes) {
          await tx.insert(certifications).values({
            userId: maker.id,
            labId: lab.id,
            machineType: type,
            grantedBy: manager.id,
            grantedAt: new Date(now.getTime() - 60 * 86_400_000),
          });
        }
      }

      const zone = lab.timezone;
      const today = DateTime.fromJSDate(now, { zone }).startOf('day');
      const bookingRows: Array<typeof bookings.$inferInsert> = [];
      const usagePlans: Array<{ bookingIndex: number; machineType: string; late: number; early: number }> = [];
      for (let d = -28; d <= 7; d++) {
        const date = today.plus({ days: d }).toISODate() as string;
        const periods = openPeriodsOfDate(date, demoLab.openingHours, DEMO_CLOSURES, zone);
        for (const period of periods) {
          for (const machine of machineRows) {
            // Two-hour blocks inside the open period, each booked with some probability.
            let cursor = DateTime.fromJSDate(period.start, { zone });
            const end = DateTime.fromJSDate(period.end, { zone });
            // Align to the whole hour so that every slot grid (15, 30, 60) accepts the times.
            if (cursor.minute !== 0) cursor = cursor.plus({ hours: 1 }).startOf('hour');
            while (cursor.plus({ hours: 2 }) <= end) {
              const start = cursor;
              cursor = cursor.plus({ hours: 2 });
              if (rand() > (d < 0 ? 0.45 : 0.25)) continue;
              const hours = Math.min(machine.maxMinutes / 60, rand() < 0.5 ? 1 : 2);
              const stop = start.plus({ hours });
              const maker = pick(makers);
              const makerIndex = makers.indexOf(maker);
              if (machine.requiresCertification && makerIndex > 2) continue;
              const startAt = start.toJSDate();
              const endAt = stop.toJSDate();
              const createdAt = new Date(startAt.getTime() - (1 + Math.floor(rand() * 6)) * 86_400_000);
              if (createdAt > now) continue;
              const decidedAt = machine.requiresApproval ? new Date(createdAt.getTime() + (30 + Math.floor(rand() * 600)) * 60_000) : createdAt;
              let status: (typeof bookings.$inferInsert)['status'];
              const r = rand();
              if (startAt < now) {
                if (endAt > now) status = 'approved';
                else if (r < 0.72) status = 'completed';
                else if (r < 0.8) status = 'no_show';
                else if (r < 0.9) status = 'cancelled';
                else status = machine.requiresApproval ? 'rejected' : 'completed';
              } else {
                status = machine.requiresApproval && r < 0.35 ? 'pending' : r < 0.42 ? 'cancelled' : 'approved';
              }
              const approved = status !== 'pending' && status !== 'rejected' && !(status === 'cancelled' && machine.requiresApproval && r < 0.85);
              bookingRows.push({
                machineId: machine.id,
                labId: lab.id,
                userId: maker.id,
                startAt,
                endAt,
                occupiedUntil: endAt,
                status,
                purpose: pick(PURPOSES),
                note: null,
                createdBy: maker.id,
                createdAt,
                decidedAt: status === 'pending' ? null : decidedAt,
                decidedBy: machine.requiresApproval && status !== 'pending' ? manager.id : null,
                approvedAt: approved && decidedAt <= now ? decidedAt : null,
                reason: status === 'rejected' ? 'Máy đã được đặt cho lớp học / Reserved for a class' : status === 'cancelled' ? 'Thay đổi kế hoạch / Change of plans' : null,
                cancelledAt: status === 'cancelled' ? new Date(Math.min(now.getTime(), startAt.getTime() - 3_600_000)) : null,
                cancelledBy: status === 'cancelled' ? maker.id : null,
                updatedAt: createdAt,
              });
              if (status === 'completed') {
                usagePlans.push({
                  bookingIndex: bookingRows.length - 1,
                  machineType: machine.type,
                  late: Math.floor(rand() * 10),
                  early: Math.floor(rand() * 15),
                });
              }
            }
          }
        }
      }
      const inserted = bookingRows.length ? await tx.insert(bookings).values(bookingRows).returning() : [];
      counts.bookings += inserted.length;

      for (const plan of usagePlans) {
        const b = inserted[plan.bookingIndex]!;
        const maker = makers.find((u) => u.id === b.userId)!;
        const [session] = await tx
          .insert(usageSessions)
          .values({
            machineId: b.machineId,
            labId: lab.id,
            bookingId: b.id,
            userId: maker.id,
            category: maker.category,
            gender: maker.gender,
            purpose: b.purpose,
            startAt: new Date(b.startAt.getTime() + plan.late * 60_000),
            endAt: new Date(b.endAt.getTime() - plan.early * 60_000),
            createdBy: maker.id,
          })
          .returning();
        counts.usageSessions++;
        const consumed = DEMO_MATERIALS[plan.machineType];
        if (consumed && session) {
          const [material, unit, qty] = pick(consumed);
          await tx.insert(usageMaterials).values({
            usageSessionId: session.id,
            materialId: materialOf(material, unit).id,
            material,
            unit,
            quantity: Math.round(qty * (0.5 + rand())),
          });
        }
      }

      // A few walk-ins by visitors without an account, in the evening after closing.
      const walkInMachine = machineRows.find((mm) => !mm.requiresCertification)!;
      for (let d = -21; d < 0; d += 7) {
        const start = today.plus({ days: d }).set({ hour: 18 });
        const guestGender = pick(['female', 'male', 'undisclosed'] as const);
        await tx.insert(usageSessions).values({
          machineId: walkInMachine.id,
          labId: lab.id,
          guestName: pick(['Nguyễn Thị Lan', 'Trần Văn Nam', 'Lý Hoàng Phúc']),
          guestCategory: 'community',
          guestGender,
          category: 'community',
          gender: guestGender,
          startAt: start.toJSDate(),
          endAt: start.plus({ minutes: 45 }).toJSDate(),
          createdBy: manager.id,
          note: 'Walk-in / Khách vãng lai',
        });
        counts.usageSessions++;
      }

      // A past maintenance window (recorded downtime) on the first machine, in the evening.
      const firstMachine = machineRows[0]!;
      const mStart = today.minus({ days: 10 }).set({ hour: 19 });
      await tx.insert(maintenanceWindows).values({
        machineId: firstMachine.id,
        labId: lab.id,
        startAt: mStart.toJSDate(),
        endAt: mStart.plus({ hours: 2 }).toJSDate(),
        reason: 'Bảo trì định kỳ / Routine maintenance',
        createdBy: manager.id,
      });

      // One STEM class held two weeks ago, in the evening when the machines are free.
      const classStart = today.minus({ days: 14 }).set({ hour: 18 });
      await tx.insert(classSessions).values({
        labId: lab.id,
        title: 'Lớp STEM THCS Phú Hòa',
        participants: 18,
        startAt: classStart.toJSDate(),
        endAt: classStart.plus({ hours: 2 }).toJSDate(),
        createdBy: manager.id,
      });
    }
  });

  return { seeded: true, accounts, counts };
}

/**
 * The demo's devices, for a demo started with devices on (MQTT_URL): a switch and a reader on the
 * machines of DEMO_DEVICES, cards for the certified makers, and walk-ins on those of the machines
 * that need no approval, so that a tap at a demo reader (`npm run devices:sim -- --demo`) starts
 * one. Once, on a demo database that has no device yet: a lab that registered its own devices, or
 * removed the demo's, is left alone. Without MQTT_URL it is never called and the demo is unchanged.
 */
export async function seedDemoDevices(db: Db): Promise<{ switches: number; readers: number; cards: number }> {
  const none = { switches: 0, readers: 0, cards: 0 };
  if (!(await isDemoSeeded(db))) return none;
  return db.transaction(async (tx) => {
    // One demo seeding at a time (two processes starting on one database).
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext('fablab demo devices'))`);
    const [any] = await tx.select({ id: devices.id }).from(devices).limit(1);
    if (any) return none;
    const rows = await tx
      .select({ id: machines.id, labId: machines.labId, name: machines.name, slug: labs.slug, requiresApproval: machines.requiresApproval })
      .from(machines)
      .innerJoin(labs, eq(labs.id, machines.labId));
    const result = { ...none };
    for (const d of DEMO_DEVICES) {
      const machine = rows.find((r) => r.slug === d.lab && r.name === d.machine);
      if (!machine) continue;
      await tx.insert(devices).values([
        { machineId: machine.id, labId: machine.labId, kind: 'switch', deviceId: d.switchId, runningThresholdW: d.runningThresholdW },
        { machineId: machine.id, labId: machine.labId, kind: 'reader', deviceId: d.readerId },
      ]);
      result.switches++;
      result.readers++;
      if (!machine.requiresApproval) await tx.update(machines).set({ walkIns: true }).where(eq(machines.id, machine.id));
    }
    const makers = await tx
      .select({ id: users.id, email: users.email })
      .from(users)
      .where(and(inArray(users.email, DEMO_CARDS.map((c) => c.email)), isNull(users.deletedAt)));
    for (const card of DEMO_CARDS) {
      const maker = makers.find((m) => m.email === card.email);
      if (!maker) continue;
      const inserted = await tx.insert(cards).values({ userId: maker.id, uid: card.uid }).onConflictDoNothing().returning({ id: cards.id });
      result.cards += inserted.length;
    }
    return result;
  });
}

// npm run seed:bulk -- --months 12 (at most 96) [--end YYYY-MM] [--members 3000] [--seed N] [--force]
//
// Fills the configured database (PostgreSQL with DATABASE_URL, else the embedded PGlite under
// DATA_DIR) with a realistic, reproducible stretch of months for the statistics benchmark: the
// three demo labs with 40 machines each, a few thousand members of every category, about
// 12,500 bookings and 10,000 usage sessions a month (walk-ins included), maintenance windows,
// class sessions, and closures for Tết and the public holidays. A seeded PRNG drives every
// choice, so the same flags on the same day give the same data. Bookings that hold their slot
// never overlap on a machine and neither do usage sessions (the database refuses it anyway).
//
// It refuses a database that already holds labs or accounts; --force empties EVERY table first.
import {
  DEFAULT_LAB_SETTINGS,
  GROUP_CATEGORY,
  monthBounds,
  openPeriodsOfDate,
  type Gender,
  type MemberCategory,
  type Purpose,
} from '@fablab/shared';
import { DateTime } from 'luxon';
import { loadConfig } from '../src/config.js';
import type { Tx } from '../src/db/client.js';
import {
  bookings,
  classSessions,
  closures,
  labManagers,
  labs,
  machines,
  materials,
  maintenanceWindows,
  usageMaterials,
  usageSessions,
  users,
} from '../src/db/schema/index.js';
import { DEMO_ACCOUNTS, DEMO_LABS } from '../src/db/seed/catalogue.js';
import { openDatabase } from '../src/lib/bootstrap.js';
import { hashPassword } from '../src/lib/password.js';
import { intArg, parseArgs, randomSource } from './bench-util.js';
import {
  BULK_CLOSURES,
  CATEGORY_WEIGHTS,
  FAMILY_NAMES,
  GENDER_WEIGHTS,
  GIVEN_NAMES,
  GUEST_CATEGORY_WEIGHTS,
  MACHINES_PER_LAB,
  MATERIALS,
  MIDDLE_NAMES,
  PURPOSES_BY_CATEGORY,
} from './bulk-catalogue.js';

type BookingInsert = typeof bookings.$inferInsert;
type SessionInsert = typeof usageSessions.$inferInsert;
type MachineInsert = typeof machines.$inferInsert & { id: string };
type BookingStatus = BookingInsert['status'];
interface ClassPlan {
  id: string;
  start: number;
  end: number;
  machines: Set<string>;
  cancelled: boolean;
  purpose: Purpose;
}
interface StaffRow {
  id: string;
  category: MemberCategory;
  gender: Gender;
}

const ZONE = 'Asia/Ho_Chi_Minh';
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const BATCH = 2_000;

const args = parseArgs(process.argv.slice(2));
// Up to eight years: about a million bookings, for booking creation on a database that old.
const monthCount = intArg(args, 'months', 12, 1, 96);
const memberCount = intArg(args, 'members', 3_000, 10, 100_000);
const seed = intArg(args, 'seed', 20_261_127, 1, 2 ** 31 - 1);
const force = args.has('force');
const endArg = args.get('end');
const endMonth = typeof endArg === 'string' ? endArg : DateTime.now().setZone(ZONE).toFormat('yyyy-MM');
if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(endMonth)) throw new Error('--end must be YYYY-MM');
const firstMonth = DateTime.fromFormat(endMonth, 'yyyy-MM', { zone: ZONE })
  .minus({ months: monthCount - 1 })
  .toFormat('yyyy-MM');
const rangeStart = monthBounds(firstMonth, ZONE).start;
const rangeEnd = monthBounds(endMonth, ZONE).end;
// Bookings before now have their final state; later ones are pending or approved.
const now = new Date(Math.min(Date.now(), rangeEnd.getTime()));

const rnd = randomSource(seed);
const ids = randomSource(seed ^ 0x5eed);

function normal(): number {
  const u = Math.max(rnd.next(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rnd.next());
}
const vietnameseName = () => `${rnd.pick(FAMILY_NAMES)} ${rnd.pick(MIDDLE_NAMES)} ${rnd.pick(GIVEN_NAMES)}`;

const config = loadConfig();
const database = await openDatabase(config);
const started = Date.now();
try {
  await database.migrate();
  const [existing] = await database.query<{ labs: number; users: number }>(
    'select (select count(*) from labs)::int as labs, (select count(*) from users)::int as users',
  );
  if ((existing?.labs ?? 0) + (existing?.users ?? 0) > 0) {
    if (!force) {
      console.error(
        `This ${database.kind} database already holds ${existing?.labs} labs and ${existing?.users} accounts.\n` +
          'seed:bulk fills an empty database only; pass --force to EMPTY EVERY TABLE first (never on real data).',
      );
      process.exitCode = 2;
    } else {
      const tables = await database.query<{ name: string }>(
        "select quote_ident(tablename) as name from pg_tables where schemaname = 'public'",
      );
      await database.query(`truncate ${tables.map((t) => t.name).join(', ')} restart identity cascade`);
      console.log(`--force: emptied ${tables.length} tables.`);
    }
  }
  if (!process.exitCode) {
    console.log(`Seeding ${firstMonth} … ${endMonth} (${monthCount} months) into ${database.kind}, seed ${seed} …`);
    const counts = await database.db.transaction((tx) => seedBulk(tx));
    await database.query('analyze');
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    console.log(`Done in ${seconds} s:`);
    for (const [name, n] of Object.entries(counts)) console.log(`  ${name.padEnd(18)} ${n.toLocaleString('en-US')}`);
  }
} finally {
  await database.close();
}

async function seedBulk(tx: Tx): Promise<Record<string, number>> {
  const counts: Record<string, number> = {
    labs: 0,
    closures: 0,
    machines: 0,
    accounts: 0,
    bookings: 0,
    usageSessions: 0,
    walkIns: 0,
    openSessions: 0,
    usageMaterials: 0,
    maintenanceWindows: 0,
    classSessions: 0,
  };
  const passwordHash = await hashPassword(config.demoPassword);
  const longAgo = new Date(rangeStart.getTime() - 400 * DAY);

  // Labs, their closures and the staff accounts of the demo.
  const labRows = DEMO_LABS.map((l) => ({
    id: ids.uuid(),
    slug: l.slug,
    name: l.name,
    nameVi: l.nameVi,
    host: l.host,
    timezone: ZONE,
    openingHours: l.openingHours,
    settings: DEFAULT_LAB_SETTINGS,
    createdAt: longAgo,
  }));
  await tx.insert(labs).values(labRows);
  counts.labs = labRows.length;
  // Each lab's materials catalogue, which its sessions record entries of (ids from the database,
  // so that the generator's sequence, and with it the rest of the data, stays as it was).
  const catalogue = new Map<string, string>();
  const catalogueRows = await tx
    .insert(materials)
    .values(labRows.flatMap((lab) => Object.values(MATERIALS).flat().map(([name, unit]) => ({ labId: lab.id, name, unit }))))
    .onConflictDoNothing()
    .returning();
  for (const m of catalogueRows) catalogue.set(`${m.labId}|${m.name}|${m.unit}`, m.id);
  const closureRows = labRows.flatMap((lab) =>
    BULK_CLOSURES.map((c) => ({ labId: lab.id, fromDate: c.from, toDate: c.to, reason: c.reason })),
  );
  await tx.insert(closures).values(closureRows);
  counts.closures = closureRows.length;

  const staff = DEMO_ACCOUNTS.map((a) => ({
    id: ids.uuid(),
    email: a.email,
    passwordHash,
    fullName: a.fullName,
    role: a.role,
    category: a.category,
    gender: a.gender,
    organization: a.organization ?? null,
    createdAt: longAgo,
  }));
  // Members: a third joined before the range, the rest over it, so every month has new members.
  const memberRows = Array.from({ length: memberCount }, (_, i) => {
    const before = rnd.chance(0.35);
    const createdAt = before
      ? new Date(rangeStart.getTime() - rnd.next() * 730 * DAY)
      : new Date(rangeStart.getTime() + rnd.next() * (now.getTime() - rangeStart.getTime()));
    return {
      id: ids.uuid(),
      email: `maker${i + 1}@bulk.fablab.local`,
      passwordHash,
      fullName: vietnameseName(),
      role: 'member' as const,
      category: rnd.weighted(CATEGORY_WEIGHTS),
      gender: rnd.weighted(GENDER_WEIGHTS),
      organization: null,
      createdAt,
    };
  });
  const accountRows = [...staff, ...memberRows];
  for (let i = 0; i < accountRows.length; i += BATCH) await tx.insert(users).values(accountRows.slice(i, i + BATCH));
  counts.accounts = accountRows.length;
  const makers = [...staff.filter((s) => s.role === 'member'), ...memberRows].sort(
    (a, b) => a.createdAt.getTime() - b.createdAt.getTime(),
  );
  const makerTimes = makers.map((m) => m.createdAt.getTime());
  /** A member whose account existed at `at` (binary search over creation times), or none. */
  const makerAt = (at: number) => {
    let lo = 0;
    let hi = makerTimes.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (makerTimes[mid]! <= at) lo = mid + 1;
      else hi = mid;
    }
    if (lo === 0) return undefined;
    // Older accounts book more: skew towards the start of the list.
    return makers[Math.floor(lo * rnd.next() ** 1.3)]!;
  };

  let bookingBuf: BookingInsert[] = [];
  let sessionBuf: SessionInsert[] = [];
  let materialBuf: Array<typeof usageMaterials.$inferInsert> = [];
  let classBuf: Array<typeof classSessions.$inferInsert> = [];
  let maintenanceBuf: Array<typeof maintenanceWindows.$inferInsert> = [];
  async function flush(all = false): Promise<void> {
    if (!all && bookingBuf.length < BATCH && sessionBuf.length < BATCH) return;
    // Foreign keys: class sessions before their bookings, bookings before sessions, sessions before materials.
    if (classBuf.length) await tx.insert(classSessions).values(classBuf);
    for (let i = 0; i < bookingBuf.length; i += BATCH) await tx.insert(bookings).values(bookingBuf.slice(i, i + BATCH));
    for (let i = 0; i < sessionBuf.length; i += BATCH)
      await tx.insert(usageSessions).values(sessionBuf.slice(i, i + BATCH));
    for (let i = 0; i < materialBuf.length; i += BATCH)
      await tx.insert(usageMaterials).values(materialBuf.slice(i, i + BATCH));
    if (maintenanceBuf.length) await tx.insert(maintenanceWindows).values(maintenanceBuf);
    counts.classSessions! += classBuf.length;
    counts.bookings! += bookingBuf.length;
    counts.usageSessions! += sessionBuf.length;
    counts.usageMaterials! += materialBuf.length;
    counts.maintenanceWindows! += maintenanceBuf.length;
    bookingBuf = [];
    sessionBuf = [];
    materialBuf = [];
    classBuf = [];
    maintenanceBuf = [];
  }

  for (const [labIndex, demoLab] of DEMO_LABS.entries()) {
    const lab = labRows[labIndex]!;
    const manager = staff.find((s) => s.email === `manager.${demoLab.slug}@fablab.local`)!;
    await tx.insert(labManagers).values({ userId: manager.id, labId: lab.id });

    // 40 machines: the demo catalogue round-robin; the last one is retired two thirds through.
    const perTemplate = new Map<string, number>();
    const machineRows: MachineInsert[] = Array.from({ length: MACHINES_PER_LAB }, (_, i) => {
      const t = demoLab.machines[i % demoLab.machines.length]!;
      const n = (perTemplate.get(t.name) ?? 0) + 1;
      perTemplate.set(t.name, n);
      return {
        ...t,
        id: ids.uuid(),
        labId: lab.id,
        name: n === 1 ? t.name : `${t.name} · ${n}`,
        status: i === MACHINES_PER_LAB - 1 ? ('retired' as const) : ('available' as const),
        createdAt: longAgo,
      };
    });
    await tx.insert(machines).values(machineRows);
    counts.machines! += machineRows.length;
    const retiredAt = rangeStart.getTime() + ((rangeEnd.getTime() - rangeStart.getTime()) * 2) / 3;
    const classable = machineRows.filter((m) => !m.requiresCertification && m.status !== 'retired');

    for (
      let day = DateTime.fromJSDate(rangeStart, { zone: ZONE });
      day.toJSDate() < rangeEnd;
      day = day.plus({ days: 1 })
    ) {
      const date = day.toISODate()!;
      const dayStart = day.toMillis();
      const periods = openPeriodsOfDate(date, demoLab.openingHours, BULK_CLOSURES, ZONE);
      if (periods.length === 0) continue;
      const last = periods[periods.length - 1]!;

      // A class session on about one weekday in three: 13:00–15:00 on three to five machines.
      let klass: ClassPlan | undefined;
      if (last.end.getTime() >= dayStart + 16 * HOUR && rnd.chance(0.3)) {
        const start = dayStart + 13 * HOUR;
        const chosen = new Set<string>();
        const want = rnd.int(3, 5);
        while (chosen.size < Math.min(want, classable.length)) chosen.add(rnd.pick(classable).id);
        klass = {
          id: ids.uuid(),
          start,
          end: start + 2 * HOUR,
          machines: chosen,
          cancelled: start < now.getTime() && rnd.chance(0.05),
          purpose: rnd.chance(0.7) ? 'stem_class' : 'training',
        };
        classBuf.push({
          id: klass.id,
          labId: lab.id,
          title: rnd.pick([
            'Lớp STEM THCS Phú Hòa',
            'Lớp STEM THPT Bình Phú',
            'Tập huấn an toàn máy laser',
            'Workshop in 3D cho giáo viên',
            'Lớp sinh học ứng dụng',
            'Đào tạo khởi nghiệp BIIC',
          ]),
          participants: rnd.int(8, 30),
          startAt: new Date(klass.start),
          endAt: new Date(klass.end),
          createdBy: manager.id,
          createdAt: new Date(Math.min(klass.start - 7 * DAY, now.getTime())),
        });
      }

      for (const machine of machineRows) {
        if (machine.status === 'retired' && dayStart >= retiredAt) continue;
        const inClass = klass?.machines.has(machine.id) ?? false;
        let classDone = !inClass;
        // About one maintenance window a month per machine: half in the day, half in the evening.
        let maintenance: { start: number; end: number } | undefined;
        if (!inClass && rnd.chance(0.045)) {
          const daytime = rnd.chance(0.5);
          const start = dayStart + (daytime ? 10 : 18) * HOUR;
          maintenance = { start, end: start + (daytime ? 4 : 3) * HOUR };
          maintenanceBuf.push({
            machineId: machine.id,
            labId: lab.id,
            startAt: new Date(maintenance.start),
            endAt: new Date(maintenance.end),
            reason: rnd.pick([
              'Bảo trì định kỳ / Routine maintenance',
              'Thay linh kiện / Part replacement',
              'Hiệu chuẩn / Calibration',
            ]),
            createdBy: manager.id,
            createdAt: new Date(Math.min(maintenance.start - 3 * DAY, now.getTime())),
          });
        }
        const slot = machine.slotMinutes! * MINUTE;
        const durations = [30, 45, 60, 90, 120, 150, 180, 240].filter(
          (d) => d >= machine.minMinutes! && d <= machine.maxMinutes! && (d * MINUTE) % slot === 0,
        );
        const long = [300, 360, 420, 480].filter((d) => d <= machine.maxMinutes! && (d * MINUTE) % slot === 0);
        const overlaps = (s: number, e: number, p?: { start: number; end: number }) => !!p && s < p.end && p.start < e;

        for (const period of periods) {
          const pStart = period.start.getTime();
          const pEnd = period.end.getTime();
          let cursor = dayStart + Math.ceil((pStart - dayStart) / slot) * slot;
          while (cursor < pEnd) {
            const gap = Math.ceil((rnd.pick([0, 0, 0, 0, 0, 30, 60]) * MINUTE) / slot) * slot;
            const s = cursor + gap;
            let e = s + rnd.weighted(durations.map((d, i) => [d, (durations.length - i) ** 2] as const)) * MINUTE;
            if (inClass && !classDone && overlaps(s, e, klass)) {
              emitClassBooking(machine, klass!, lab.id, manager);
              classDone = true;
              cursor = klass!.end;
              continue;
            }
            if (overlaps(s, e, maintenance)) {
              cursor = dayStart + Math.ceil((maintenance!.end - dayStart) / slot) * slot;
              continue;
            }
            if (s >= pEnd) break;
            if (e > pEnd) {
              // A print that runs unattended past closing; other machines stop at closing time.
              if (!machine.mayRunUnattended || long.length === 0 || !rnd.chance(0.6)) break;
              e = s + rnd.pick(long) * MINUTE;
              if ((inClass && !classDone && overlaps(s, e, klass)) || overlaps(s, e, maintenance)) break;
              emitSlot(machine, lab.id, manager.id, s, e, true);
              break;
            }
            emitSlot(machine, lab.id, manager.id, s, e, false);
            cursor = e;
          }
        }
        if (inClass && !classDone) emitClassBooking(machine, klass!, lab.id, manager);
      }
      await flush();
    }
  }
  await flush(true);
  return counts;

  function emitClassBooking(machine: MachineInsert, k: ClassPlan, labId: string, manager: StaffRow): void {
    const past = k.end <= now.getTime();
    const status: BookingStatus = k.cancelled
      ? 'cancelled'
      : past
        ? 'completed'
        : k.start <= now.getTime()
          ? 'checked_in'
          : 'approved';
    const createdAt = new Date(Math.min(k.start - 7 * DAY, now.getTime()));
    const id = ids.uuid();
    bookingBuf.push({
      id,
      machineId: machine.id,
      labId,
      userId: manager.id,
      startAt: new Date(k.start),
      endAt: new Date(k.end),
      occupiedUntil: new Date(k.end),
      status,
      purpose: k.purpose,
      createdBy: manager.id,
      createdAt,
      approvedAt: createdAt,
      decidedAt: createdAt,
      decidedBy: manager.id,
      cancelledAt: k.cancelled ? new Date(k.start - DAY) : null,
      cancelledBy: k.cancelled ? manager.id : null,
      reason: k.cancelled ? 'Trường hủy lớp / The school cancelled' : null,
      classSessionId: k.id,
      updatedAt: createdAt,
    });
    if (status === 'completed' || status === 'checked_in') {
      addSession({
        machine,
        labId,
        bookingId: id,
        user: manager,
        group: true,
        purpose: k.purpose,
        start: Math.min(k.start + rnd.int(0, 5) * MINUTE, now.getTime()),
        end: status === 'completed' ? k.end - rnd.int(0, 10) * MINUTE : null,
        createdBy: manager.id,
      });
    }
  }

  function emitSlot(
    machine: MachineInsert,
    labId: string,
    managerId: string,
    s: number,
    e: number,
    overnight: boolean,
  ): void {
    const nowMs = now.getTime();
    // About one slot in eight is a walk-in rather than a booking; the future holds bookings only.
    if (!overnight && rnd.chance(0.12)) {
      if (e > nowMs) return;
      const guest = rnd.chance(0.65);
      const member = guest ? undefined : makerAt(s);
      const category: MemberCategory = member?.category ?? rnd.weighted(GUEST_CATEGORY_WEIGHTS);
      const gender: Gender = member?.gender ?? rnd.weighted(GENDER_WEIGHTS);
      const start = s + rnd.int(0, 10) * MINUTE;
      const end = e - rnd.int(0, 15) * MINUTE;
      const id = ids.uuid();
      sessionBuf.push({
        id,
        machineId: machine.id,
        labId,
        userId: member?.id ?? null,
        guestName: member ? null : vietnameseName(),
        guestCategory: member ? null : category,
        guestGender: member ? null : gender,
        category,
        gender,
        purpose: null,
        startAt: new Date(start),
        endAt: new Date(end),
        note: 'Walk-in / Khách vãng lai',
        createdBy: managerId,
        createdAt: new Date(end),
      });
      addMaterials(id, labId, machine.type);
      counts.walkIns! += 1;
      return;
    }

    const lead = rnd.next() < 0.3 ? rnd.int(1, 24) * HOUR : rnd.int(1, 14) * DAY;
    const createdAtMs = Math.min(s - lead, nowMs - rnd.int(1, 120) * MINUTE);
    const user = makerAt(createdAtMs);
    if (!user) return;
    const purpose = rnd.weighted(PURPOSES_BY_CATEGORY[user.category]);
    const r = rnd.next();
    let status: BookingStatus;
    if (e <= nowMs) {
      if (machine.requiresApproval) {
        status =
          r < 0.02 ? 'expired' : r < 0.07 ? 'rejected' : r < 0.17 ? 'cancelled' : r < 0.23 ? 'no_show' : 'completed';
      } else {
        status = r < 0.1 ? 'cancelled' : r < 0.16 ? 'no_show' : 'completed';
      }
    } else if (s <= nowMs) {
      status = r < 0.9 ? 'checked_in' : 'no_show';
    } else if (machine.requiresApproval) {
      status = r < 0.35 ? 'pending' : r < 0.9 ? 'approved' : 'cancelled';
    } else {
      status = r < 0.9 ? 'approved' : 'cancelled';
    }
    // Time to a manager's decision: log-normal around two hours, always before the start.
    const decisionMs = Math.min(createdAtMs + Math.exp(Math.log(120) + normal()) * MINUTE, s - MINUTE, nowMs);
    const decided =
      machine.requiresApproval && status !== 'pending' && status !== 'expired' && !(status === 'cancelled' && r > 0.14);
    const approved = status !== 'rejected' && (machine.requiresApproval ? decided : status !== 'pending');
    const createdAt = new Date(createdAtMs);
    const approvedAt = !approved
      ? null
      : machine.requiresApproval
        ? new Date(Math.max(decisionMs, createdAtMs))
        : createdAt;
    const cancelledAt = status === 'cancelled' ? new Date(Math.min(s - rnd.int(1, 48) * HOUR, nowMs)) : null;
    const id = ids.uuid();
    bookingBuf.push({
      id,
      machineId: machine.id,
      labId,
      userId: user.id,
      startAt: new Date(s),
      endAt: new Date(e),
      occupiedUntil: new Date(e + machine.bufferMinutes! * MINUTE),
      status,
      purpose,
      createdBy: user.id,
      createdAt,
      decidedAt: decided ? new Date(Math.max(decisionMs, createdAtMs)) : null,
      decidedBy: decided ? managerId : null,
      approvedAt,
      cancelledAt: cancelledAt && cancelledAt < createdAt ? createdAt : cancelledAt,
      cancelledBy: status === 'cancelled' ? user.id : null,
      reason:
        status === 'rejected'
          ? 'Máy đã được đặt cho lớp học / Reserved for a class'
          : status === 'cancelled'
            ? 'Thay đổi kế hoạch / Change of plans'
            : null,
      updatedAt: createdAt,
    });
    if (status === 'completed' || status === 'checked_in') {
      const start = Math.min(s + rnd.int(0, 15) * MINUTE, nowMs);
      const end =
        status === 'completed' ? Math.max(start + 10 * MINUTE, e - rnd.int(0, overnight ? 60 : 20) * MINUTE) : null;
      addSession({ machine, labId, bookingId: id, user, purpose, start, end, createdBy: user.id });
    }
  }

  function addSession(s: {
    machine: MachineInsert;
    labId: string;
    bookingId: string;
    user: { id: string; category: MemberCategory; gender: Gender };
    /** A class's session is the group's, not its manager's. */
    group?: boolean;
    purpose: Purpose;
    start: number;
    end: number | null;
    createdBy: string;
  }): void {
    const id = ids.uuid();
    sessionBuf.push({
      id,
      machineId: s.machine.id,
      labId: s.labId,
      bookingId: s.bookingId,
      userId: s.user.id,
      category: s.group ? GROUP_CATEGORY : s.user.category,
      gender: s.group ? 'undisclosed' : s.user.gender,
      purpose: s.purpose,
      startAt: new Date(s.start),
      endAt: s.end === null ? null : new Date(s.end),
      createdBy: s.createdBy,
      createdAt: new Date(s.start),
    });
    if (s.end === null) counts.openSessions! += 1;
    else addMaterials(id, s.labId, s.machine.type);
  }

  function addMaterials(sessionId: string, labId: string, type: string): void {
    const options = MATERIALS[type];
    if (!options || !rnd.chance(0.6)) return;
    const [material, unit, base] = rnd.pick(options);
    const quantity =
      base >= 20
        ? Math.round(base * (0.3 + rnd.next() * 1.4))
        : Math.max(0.5, Math.round(base * (0.3 + rnd.next() * 1.4) * 2) / 2);
    materialBuf.push({ usageSessionId: sessionId, materialId: catalogue.get(`${labId}|${material}|${unit}`) ?? null, material, unit, quantity });
  }
}

// A lab's materials catalogue: its managers keep it (here or by naming a new material as they
// record use), sessions record quantities of its entries whatever the case of the text they were
// sent, members pick from it, and the statistics add one material up in one row.
import { and, eq } from 'drizzle-orm';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrationsFolder } from '../../src/db/client.js';
import { auditLog, bookings, materials, usageMaterials, usageSessions } from '../../src/db/schema/index.js';
import { createTestContext, fixedClock, type TestContext, type TestUser } from '../helpers/app.js';
import { createTestDatabase } from '../helpers/database.js';
import { insertBooking } from '../usage/fixtures.js';

// Friday 20 March 2026, 16:00 in Asia/Ho_Chi_Minh (UTC+7).
const local = (hhmm: string, day = '2026-03-20') => new Date(`${day}T${hhmm}:00+07:00`).toISOString();

describe('materials catalogue', () => {
  const clock = fixedClock(local('16:00'));
  let ctx: TestContext;
  let lab: { id: string };
  let otherLab: { id: string };
  let manager: TestUser;
  let otherManager: TestUser;
  let member: TestUser;
  let department: TestUser;

  beforeAll(async () => {
    ctx = await createTestContext({ clock });
    lab = await ctx.createLab();
    otherLab = await ctx.createLab();
    manager = await ctx.createUser({ role: 'manager', manages: [lab.id] });
    otherManager = await ctx.createUser({ role: 'manager', manages: [otherLab.id] });
    member = await ctx.createUser({ fullName: 'Nguyễn Thị Lan' });
    department = await ctx.createUser({ role: 'department' });
  });
  afterAll(() => ctx?.close());

  const catalogueOf = async (labId: string, as: TestUser = member) =>
    (await ctx.injectAs(as, { method: 'GET', url: `/api/labs/${labId}/materials` })).json() as {
      items: Array<{ id: string; name: string; unit: string; priceVnd?: number }>;
      total: number;
    };
  const add = (labId: string, payload: unknown, as: TestUser = manager) =>
    ctx.injectAs(as, {
      method: 'POST',
      url: `/api/labs/${labId}/materials`,
      payload: payload as Record<string, unknown>,
    });
  const walkIn = (machineId: string, start: string, end: string, materialsSent: unknown[], as: TestUser = manager) =>
    ctx.injectAs(as, {
      method: 'POST',
      url: '/api/usage',
      payload: { machineId, start, end, guest: { name: 'Khách', category: 'community' }, materials: materialsSent },
    });

  it('lets the lab’s managers add entries, trimmed and with an optional price, and shows them to anyone signed in', async () => {
    const own = await ctx.createLab();
    expect((await ctx.injectAs(null, { method: 'GET', url: `/api/labs/${own.id}/materials` })).statusCode).toBe(401);
    expect(await catalogueOf(own.id)).toEqual({ items: [], total: 0 });

    const ownManager = await ctx.createUser({ role: 'manager', manages: [own.id] });
    const created = await add(own.id, { name: '  Mica 3 mm ', unit: ' tấm', priceVnd: 120_000 }, ownManager);
    expect(created.statusCode).toBe(201);
    expect(created.json()).toEqual({
      id: expect.any(String),
      labId: own.id,
      name: 'Mica 3 mm',
      unit: 'tấm',
      priceVnd: 120_000,
    });
    const noPrice = await add(own.id, { name: 'Ván ép 3 mm', unit: 'tấm' }, ownManager);
    expect(noPrice.statusCode).toBe(201);
    expect(noPrice.json()).not.toHaveProperty('priceVnd');

    const list = await catalogueOf(own.id, department);
    expect(list.total).toBe(2);
    expect(list.items.map((m) => [m.name, m.unit, m.priceVnd ?? null])).toEqual([
      ['Mica 3 mm', 'tấm', 120_000],
      ['Ván ép 3 mm', 'tấm', null],
    ]);
    const [audit] = await ctx.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'material.create'), eq(auditLog.entityId, created.json().id)));
    expect(audit).toMatchObject({ actorId: ownManager.id, labId: own.id, entityType: 'material' });

    const unknownLab = '00000000-0000-4000-8000-000000000000';
    expect((await ctx.injectAs(member, { method: 'GET', url: `/api/labs/${unknownLab}/materials` })).json().code).toBe(
      'NOT_FOUND',
    );
    expect((await add(unknownLab, { name: 'PLA', unit: 'g' })).statusCode).toBe(404);
  });

  it('refuses entries from members and other labs’ managers (403), blank names (400) and bad prices (400)', async () => {
    for (const who of [member, otherManager, department]) {
      const refused = await add(lab.id, { name: 'Gỗ thông', unit: 'thanh' }, who);
      expect(refused.statusCode).toBe(403);
      expect(refused.json().code).toBe('FORBIDDEN');
    }
    for (const payload of [
      { name: '   ', unit: 'g' },
      { name: 'PLA', unit: ' ' },
      { name: 'PLA', unit: 'g', priceVnd: -1 },
      { name: 'PLA', unit: 'g', priceVnd: 1.5 },
      { name: 'PLA' },
    ]) {
      const res = await add(lab.id, payload);
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(typeof res.json().code).toBe('string');
    }
    expect((await catalogueOf(lab.id)).items.filter((m) => m.name === 'Gỗ thông')).toEqual([]);
  });

  it('knows one material whatever its case, Vietnamese capitals and the way its accents were typed (409 MATERIAL_EXISTS)', async () => {
    expect((await add(lab.id, { name: 'Dây đồng', unit: 'm' })).statusCode).toBe(201);
    // Capitals outside ASCII, and the same letters typed with combining accents (NFD).
    for (const name of ['DÂY ĐỒNG', 'dây đồng'.normalize('NFD'), ' Dây Đồng ']) {
      const dup = await add(lab.id, { name, unit: 'M' });
      expect(dup.statusCode, name).toBe(409);
      expect(dup.json().code).toBe('MATERIAL_EXISTS');
    }
    // Another unit is another entry; another lab has its own catalogue.
    expect((await add(lab.id, { name: 'Dây đồng', unit: 'cuộn' })).statusCode).toBe(201);
    expect((await add(otherLab.id, { name: 'Dây đồng', unit: 'm' }, otherManager)).statusCode).toBe(201);
  });

  it('renames an entry and sets or clears its price; {} is EMPTY_PATCH, a taken name 409, another lab’s entry 404', async () => {
    const pla = (await add(lab.id, { name: 'PLA trắng', unit: 'g', priceVnd: 400 })).json();
    const petg = (await add(lab.id, { name: 'PETG', unit: 'g' })).json();
    const url = `/api/labs/${lab.id}/materials/${pla.id}`;
    const renamed = await ctx.injectAs(manager, { method: 'PATCH', url, payload: { name: 'PLA trắng 1.75 mm' } });
    expect(renamed.statusCode).toBe(200);
    expect(renamed.json()).toEqual({ ...pla, name: 'PLA trắng 1.75 mm' });
    const priced = await ctx.injectAs(manager, { method: 'PATCH', url, payload: { priceVnd: null } });
    expect(priced.json()).not.toHaveProperty('priceVnd');
    expect((await ctx.injectAs(manager, { method: 'PATCH', url, payload: { priceVnd: 450 } })).json().priceVnd).toBe(
      450,
    );

    const empty = await ctx.injectAs(manager, { method: 'PATCH', url, payload: {} });
    expect(empty.statusCode).toBe(400);
    expect(empty.json().code).toBe('EMPTY_PATCH');
    const taken = await ctx.injectAs(manager, { method: 'PATCH', url, payload: { name: 'petg' } });
    expect(taken.statusCode).toBe(409);
    expect(taken.json().code).toBe('MATERIAL_EXISTS');
    expect((await ctx.injectAs(member, { method: 'PATCH', url, payload: { name: 'X' } })).statusCode).toBe(403);
    const elsewhere = await ctx.injectAs(otherManager, {
      method: 'PATCH',
      url: `/api/labs/${otherLab.id}/materials/${petg.id}`,
      payload: { name: 'X' },
    });
    expect(elsewhere.statusCode).toBe(404);
    expect(elsewhere.json().code).toBe('MATERIAL_NOT_FOUND');
    const [row] = await ctx.db.select().from(materials).where(eq(materials.id, petg.id));
    expect(row!.name).toBe('PETG');
  });

  it('records a walk-in’s materials by entry, and a manager’s free text as the entry it names or a new one', async () => {
    const machine = await ctx.createMachine(lab.id);
    const mdf = (await add(lab.id, { name: 'MDF 3 mm', unit: 'tấm', priceVnd: 60_000 })).json();
    const res = await walkIn(machine.id, local('08:00'), local('09:00'), [
      { materialId: mdf.id, quantity: 2 },
      { material: 'mdf 3 MM', unit: 'TẤM', quantity: 1 },
      { material: 'Nhựa resin', unit: 'ml', quantity: 35.5 },
    ]);
    expect(res.statusCode, res.body).toBe(201);
    const resin = (await catalogueOf(lab.id)).items.find((m) => m.name === 'Nhựa resin');
    expect(resin).toMatchObject({ unit: 'ml' });
    expect(resin).not.toHaveProperty('priceVnd');
    expect(res.json().materials).toEqual([
      { materialId: mdf.id, material: 'MDF 3 mm', unit: 'tấm', quantity: 1 },
      { materialId: mdf.id, material: 'MDF 3 mm', unit: 'tấm', quantity: 2 },
      { materialId: resin!.id, material: 'Nhựa resin', unit: 'ml', quantity: 35.5 },
    ]);
    const [created] = await ctx.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'material.create'), eq(auditLog.entityId, resin!.id)));
    expect(created).toMatchObject({ actorId: manager.id, labId: lab.id });

    // A session names its materials as the catalogue does now: a rename corrects the history.
    await ctx.injectAs(manager, {
      method: 'PATCH',
      url: `/api/labs/${lab.id}/materials/${resin!.id}`,
      payload: { name: 'Nhựa resin tiêu chuẩn' },
    });
    const read = await ctx.injectAs(manager, { method: 'GET', url: `/api/usage/${res.json().id}` });
    expect(read.json().materials.map((m: { material: string }) => m.material)).toContain('Nhựa resin tiêu chuẩn');
  });

  it('refuses another lab’s entry (404 MATERIAL_NOT_FOUND) and writes nothing', async () => {
    const machine = await ctx.createMachine(lab.id);
    const foreign = (await add(otherLab.id, { name: 'Giấy kraft', unit: 'tờ' }, otherManager)).json();
    const before = await ctx.db.select().from(usageSessions).where(eq(usageSessions.machineId, machine.id));
    const res = await walkIn(machine.id, local('10:00'), local('11:00'), [
      { material: 'Keo nến', unit: 'thanh', quantity: 3 },
      { materialId: foreign.id, quantity: 1 },
    ]);
    expect(res.statusCode).toBe(404);
    expect(res.json().code).toBe('MATERIAL_NOT_FOUND');
    const missing = await walkIn(machine.id, local('10:00'), local('11:00'), [
      { materialId: '00000000-0000-4000-8000-000000000001', quantity: 1 },
    ]);
    expect(missing.json().code).toBe('MATERIAL_NOT_FOUND');
    expect(await ctx.db.select().from(usageSessions).where(eq(usageSessions.machineId, machine.id))).toEqual(before);
    // The free text before the refused entry added nothing either.
    expect((await catalogueOf(lab.id)).items.find((m) => m.name === 'Keo nến')).toBeUndefined();
  });

  it('lets a member check out with entries and with text naming one, but not name a material the catalogue lacks (422 UNKNOWN_MATERIAL)', async () => {
    const machine = await ctx.createMachine(lab.id);
    const petg = (await catalogueOf(lab.id)).items.find((m) => m.name === 'PETG')!;
    const booking = await insertBooking(ctx, {
      machine,
      userId: member.id,
      start: local('15:00'),
      end: local('17:00'),
    });
    expect(
      (await ctx.injectAs(member, { method: 'POST', url: `/api/bookings/${booking.id}/check-in` })).statusCode,
    ).toBe(200);
    const url = `/api/bookings/${booking.id}/check-out`;

    const typo = await ctx.injectAs(member, {
      method: 'POST',
      url,
      payload: {
        materials: [
          { materialId: petg.id, quantity: 40 },
          { material: 'PTEG', unit: 'g', quantity: 40 },
        ],
      },
    });
    expect(typo.statusCode).toBe(422);
    expect(typo.json().code).toBe('UNKNOWN_MATERIAL');
    const [still] = await ctx.db.select().from(bookings).where(eq(bookings.id, booking.id));
    expect(still!.status).toBe('checked_in');
    expect((await catalogueOf(lab.id)).items.find((m) => m.name === 'PTEG')).toBeUndefined();

    const out = await ctx.injectAs(member, {
      method: 'POST',
      url,
      payload: {
        materials: [
          { materialId: petg.id, quantity: 40 },
          { material: 'petg', unit: 'G', quantity: 2 },
        ],
      },
    });
    expect(out.statusCode, out.body).toBe(200);
    expect(out.json().usageSession.materials).toEqual([
      { materialId: petg.id, material: 'PETG', unit: 'g', quantity: 2 },
      { materialId: petg.id, material: 'PETG', unit: 'g', quantity: 40 },
    ]);
  });

  it('ends an open walk-in with entries of the session’s lab', async () => {
    const machine = await ctx.createMachine(lab.id);
    const opened = await ctx.injectAs(manager, {
      method: 'POST',
      url: '/api/usage',
      payload: { machineId: machine.id, start: local('13:00'), userId: member.id },
    });
    expect(opened.statusCode).toBe(201);
    const wire = (await catalogueOf(lab.id)).items.find((m) => m.name === 'Dây đồng' && m.unit === 'm')!;
    const foreign = (await catalogueOf(otherLab.id)).items.find((m) => m.name === 'Dây đồng')!;
    const url = `/api/usage/${opened.json().id}/end`;
    const refused = await ctx.injectAs(manager, {
      method: 'POST',
      url,
      payload: { materials: [{ materialId: foreign.id, quantity: 1 }] },
    });
    expect(refused.json().code).toBe('MATERIAL_NOT_FOUND');
    expect(
      (await ctx.db.select().from(usageSessions).where(eq(usageSessions.id, opened.json().id)))[0]!.endAt,
    ).toBeNull();
    const ended = await ctx.injectAs(manager, {
      method: 'POST',
      url,
      payload: { materials: [{ materialId: wire.id, quantity: 1.5 }] },
    });
    expect(ended.statusCode).toBe(200);
    expect(ended.json().materials).toEqual([{ materialId: wire.id, material: 'Dây đồng', unit: 'm', quantity: 1.5 }]);
  });

  it('sums one material in one row of the month’s statistics: "PLA" g and "pla " G', async () => {
    const statsLab = await ctx.createLab();
    const statsManager = await ctx.createUser({ role: 'manager', manages: [statsLab.id] });
    const machine = await ctx.createMachine(statsLab.id, { type: 'fdm_printer' });
    expect(
      (
        await walkIn(
          machine.id,
          local('08:00', '2026-03-02'),
          local('09:00', '2026-03-02'),
          [{ material: 'PLA', unit: 'g', quantity: 248 }],
          statsManager,
        )
      ).statusCode,
    ).toBe(201);
    expect(
      (
        await walkIn(
          machine.id,
          local('08:00', '2026-03-03'),
          local('09:00', '2026-03-03'),
          [{ material: 'pla ', unit: 'G', quantity: 30 }],
          statsManager,
        )
      ).statusCode,
    ).toBe(201);

    const monthly = async (query: string, as: TestUser = statsManager) => {
      const res = await ctx.injectAs(as, { method: 'GET', url: `/api/stats/monthly?month=2026-03${query}` });
      expect(res.statusCode).toBe(200);
      return res;
    };
    expect((await monthly(`&labId=${statsLab.id}`)).json().materials).toEqual([
      { material: 'PLA', unit: 'g', quantity: 278 },
    ]);
    const csv = (await monthly(`&labId=${statsLab.id}&format=csv`)).body;
    expect(csv.split('\n').filter((l) => l.includes(',material,'))).toHaveLength(1);

    // Rows written without an entry (by a server from before the catalogue) count by their text, matched the same way.
    const [old] = await ctx.db
      .insert(usageSessions)
      .values({
        machineId: machine.id,
        labId: statsLab.id,
        guestName: 'Khách',
        category: 'community',
        startAt: new Date(local('10:00', '2026-03-04')),
        endAt: new Date(local('11:00', '2026-03-04')),
      })
      .returning();
    await ctx.db.insert(usageMaterials).values([
      { usageSessionId: old!.id, material: 'Pla', unit: 'g', quantity: 2 },
      { usageSessionId: old!.id, material: 'ĐỒNG lá', unit: 'tấm', quantity: 1 },
      { usageSessionId: old!.id, material: 'đồng lá', unit: 'tấm', quantity: 1 },
    ]);
    expect((await monthly(`&labId=${statsLab.id}`)).json().materials).toEqual([
      { material: 'ĐỒNG lá', unit: 'tấm', quantity: 2 },
      { material: 'PLA', unit: 'g', quantity: 280 },
    ]);

    // Across labs, entries of one name and unit are one row of the department's totals.
    const twinLab = await ctx.createLab();
    const twinManager = await ctx.createUser({ role: 'manager', manages: [twinLab.id] });
    const twinMachine = await ctx.createMachine(twinLab.id, { type: 'fdm_printer' });
    expect(
      (
        await walkIn(
          twinMachine.id,
          local('08:00', '2026-03-05'),
          local('09:00', '2026-03-05'),
          [{ material: 'pla', unit: 'g', quantity: 20 }],
          twinManager,
        )
      ).statusCode,
    ).toBe(201);
    const all = (await monthly('', department)).json().materials as Array<{
      material: string;
      unit: string;
      quantity: number;
    }>;
    expect(all.filter((m) => m.material.toLowerCase() === 'pla')).toEqual([
      { material: 'PLA', unit: 'g', quantity: 300 },
    ]);
  });
});

describe('migration 0011', () => {
  it('makes each lab a catalogue of the free text its sessions recorded, one entry per name and unit whatever the case, and links every row', async () => {
    const database = await createTestDatabase();
    try {
      // Back to before 0011: free text only.
      await database.query('alter table usage_materials drop column material_id');
      await database.query('drop table materials');
      await database.query('drop function material_key(text)');
      const lab = async (slug: string) =>
        (
          await database.query<{ id: string }>(
            `insert into labs (slug, name, name_vi, opening_hours, settings) values ($1, 'L', 'L', '{}', '{}') returning id`,
            [slug],
          )
        )[0]!.id;
      const labA = await lab('old-a');
      const labB = await lab('old-b');
      const sessionIn = async (labId: string, day: number) => {
        const [machine] = await database.query<{ id: string }>(
          `insert into machines (lab_id, name, type) values ($1, 'M', 'fdm_printer') returning id`,
          [labId],
        );
        const [session] = await database.query<{ id: string }>(
          `insert into usage_sessions (machine_id, lab_id, category, start_at, end_at) values ($1, $2, 'student', $3, $4) returning id`,
          [machine!.id, labId, `2026-02-0${day}T02:00:00Z`, `2026-02-0${day}T03:00:00Z`],
        );
        return session!.id;
      };
      const rows: Array<[string, string, string, number]> = [];
      const a1 = await sessionIn(labA, 1);
      const a2 = await sessionIn(labA, 2);
      const a3 = await sessionIn(labA, 3);
      const b1 = await sessionIn(labB, 1);
      rows.push(
        [a1, 'pla', 'g', 248],
        [a2, 'PLA', 'g', 30],
        [a3, ' PLA ', 'g', 5],
        [a3, 'Pla', 'G', 2],
        [a1, 'PLA', 'gram', 1],
      );
      rows.push([a2, 'Đồng lá', 'tấm', 1], [a3, 'ĐỒNG LÁ', 'TẤM', 1], [a1, '', 'g', 3], [b1, 'Pla', 'g', 7]);
      for (const [session, material, unit, quantity] of rows)
        await database.query(
          'insert into usage_materials (usage_session_id, material, unit, quantity) values ($1, $2, $3, $4)',
          [session, material, unit, quantity],
        );

      const sql = readFileSync(path.join(migrationsFolder, '0011_materials_catalogue.sql'), 'utf8');
      for (const statement of sql.split('--> statement-breakpoint')) await database.query(statement);

      const entries = await database.query<{ lab_id: string; name: string; unit: string; price_vnd: number | null }>(
        'select lab_id, name, unit, price_vnd from materials',
      );
      // The spelling used most often names the entry ("PLA" twice, "pla" once); on a tie, the first used.
      const described = entries.map((e) => [e.lab_id === labA ? 'A' : 'B', e.name, e.unit, e.price_vnd]);
      expect(described.sort((x, y) => JSON.stringify(x).localeCompare(JSON.stringify(y)))).toEqual([
        ['A', 'Đồng lá', 'tấm', null],
        ['A', 'PLA', 'g', null],
        ['A', 'PLA', 'gram', null],
        ['B', 'Pla', 'g', null],
      ]);
      const linked = await database.query<{ material: string; unit: string; name: string | null; lab_ok: boolean }>(
        `select um.material, um.unit, m.name, (m.lab_id = s.lab_id) as lab_ok
           from usage_materials um join usage_sessions s on s.id = um.usage_session_id left join materials m on m.id = um.material_id`,
      );
      expect(linked.filter((r) => r.name === null).map((r) => r.material)).toEqual(['']);
      expect(linked.filter((r) => r.name !== null).every((r) => r.lab_ok)).toBe(true);
      expect(linked.filter((r) => r.name === 'PLA' && r.unit.toLowerCase() === 'g')).toHaveLength(4);
      // The text as typed is kept beside the link.
      expect(linked.map((r) => r.material)).toContain(' PLA ');
    } finally {
      await database.close();
    }
  });
});

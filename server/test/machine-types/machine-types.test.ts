// Machine types are data: administrators add and rename them, machines take only a type the table
// has, and the statistics exports name each type as the table does.
import { and, eq } from 'drizzle-orm';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrationsFolder } from '../../src/db/client.js';
import { auditLog, machineTypes } from '../../src/db/schema/index.js';
import { createTestContext, fixedClock, type TestContext, type TestUser } from '../helpers/app.js';
import { createTestDatabase } from '../helpers/database.js';

const machineBody = {
  name: 'Máy quét 3D Einscan',
  type: '3d_scanner',
  requiresApproval: true,
  requiresCertification: false,
  minMinutes: 30,
  maxMinutes: 240,
  slotMinutes: 30,
};

describe('machine types', () => {
  let ctx: TestContext;
  let admin: TestUser;
  let manager: TestUser;
  let member: TestUser;
  let lab: { id: string };

  beforeAll(async () => {
    ctx = await createTestContext({ clock: fixedClock('2026-06-01T01:00:00Z') });
    lab = await ctx.createLab();
    admin = await ctx.createUser({ role: 'admin' });
    manager = await ctx.createUser({ role: 'manager', manages: [lab.id] });
    member = await ctx.createUser();
  });
  afterAll(() => ctx?.close());

  it('lists the known types with their names in both languages, to anyone', async () => {
    const res = await ctx.injectAs(null, { method: 'GET', url: '/api/machine-types' });
    expect(res.statusCode).toBe(200);
    const body = res.json() as { items: Array<{ slug: string; name: string; nameVi: string }>; total: number };
    expect(body.total).toBe(body.items.length);
    expect(body.items.length).toBeGreaterThanOrEqual(13);
    expect(body.items).toContainEqual({ slug: 'laser_cutter', name: 'Laser cutter', nameVi: 'Máy cắt laser' });
    expect(body.items).toContainEqual({ slug: 'pcr_thermal_cycler', name: 'PCR thermal cycler', nameVi: 'Máy PCR' });
  });

  it('lets an admin add a 3D scanner, which a lab’s manager then gives a new machine', async () => {
    const payload = { slug: '3d_scanner', name: '3D scanner', nameVi: 'Máy quét 3D' };
    expect((await ctx.injectAs(null, { method: 'POST', url: '/api/machine-types', payload })).statusCode).toBe(401);
    for (const who of [member, manager]) {
      const refused = await ctx.injectAs(who, { method: 'POST', url: '/api/machine-types', payload });
      expect(refused.statusCode).toBe(403);
      expect(refused.json().code).toBe('FORBIDDEN');
    }
    // Before the type exists, a machine may not have it.
    const early = await ctx.injectAs(manager, {
      method: 'POST',
      url: `/api/labs/${lab.id}/machines`,
      payload: machineBody,
    });
    expect(early.statusCode).toBe(400);
    expect(early.json()).toMatchObject({ statusCode: 400, code: 'UNKNOWN_MACHINE_TYPE' });

    const created = await ctx.injectAs(admin, { method: 'POST', url: '/api/machine-types', payload });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toEqual(payload);
    const list = await ctx.injectAs(null, { method: 'GET', url: '/api/machine-types' });
    expect(list.json().items).toContainEqual(payload);
    const audits = await ctx.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'machine_type.create'), eq(auditLog.actorId, admin.id)));
    expect(audits).toEqual([
      expect.objectContaining({ entityType: 'machine_type', details: expect.objectContaining({ slug: '3d_scanner' }) }),
    ]);

    const machine = await ctx.injectAs(manager, {
      method: 'POST',
      url: `/api/labs/${lab.id}/machines`,
      payload: machineBody,
    });
    expect(machine.statusCode).toBe(201);
    expect(machine.json()).toMatchObject({ type: '3d_scanner', labId: lab.id });
  });

  it('refuses a taken slug with 409 SLUG_TAKEN, and a slug that is no slug with 400', async () => {
    const taken = await ctx.injectAs(admin, {
      method: 'POST',
      url: '/api/machine-types',
      payload: { slug: 'laser_cutter', name: 'Another laser', nameVi: 'Máy laser khác' },
    });
    expect(taken.statusCode).toBe(409);
    expect(taken.json().code).toBe('SLUG_TAKEN');
    const [kept] = await ctx.db.select().from(machineTypes).where(eq(machineTypes.slug, 'laser_cutter'));
    expect(kept).toMatchObject({ name: 'Laser cutter', nameVi: 'Máy cắt laser' });
    const bad = await ctx.injectAs(admin, {
      method: 'POST',
      url: '/api/machine-types',
      payload: { slug: 'Máy quét', name: 'x', nameVi: 'x' },
    });
    expect(bad.statusCode).toBe(400);
    const blank = await ctx.injectAs(admin, {
      method: 'POST',
      url: '/api/machine-types',
      payload: { slug: 'kiln', name: '   ', nameVi: 'Lò nung' },
    });
    expect(blank.statusCode).toBe(400);
  });

  it('lets an admin rename a type (names only), and no one else', async () => {
    await ctx.db.insert(machineTypes).values({ slug: 'kiln', name: 'kiln', nameVi: 'kiln' });
    const url = '/api/machine-types/kiln';
    expect((await ctx.injectAs(manager, { method: 'PATCH', url, payload: { name: 'Kiln' } })).statusCode).toBe(403);
    const renamed = await ctx.injectAs(admin, {
      method: 'PATCH',
      url,
      payload: { name: 'Ceramic kiln', nameVi: 'Lò nung gốm' },
    });
    expect(renamed.statusCode).toBe(200);
    expect(renamed.json()).toEqual({ slug: 'kiln', name: 'Ceramic kiln', nameVi: 'Lò nung gốm' });
    const one = await ctx.injectAs(admin, { method: 'PATCH', url, payload: { nameVi: 'Lò nung' } });
    expect(one.json()).toEqual({ slug: 'kiln', name: 'Ceramic kiln', nameVi: 'Lò nung' });
    const slug = await ctx.injectAs(admin, { method: 'PATCH', url, payload: { slug: 'oven' } });
    expect(slug.statusCode).toBe(400);
    expect(slug.json().code).toBe('UNKNOWN_FIELD');
    const missing = await ctx.injectAs(admin, {
      method: 'PATCH',
      url: '/api/machine-types/hologram_printer',
      payload: { name: 'Hologram printer' },
    });
    expect(missing.statusCode).toBe(404);
    const audits = await ctx.db.select().from(auditLog).where(eq(auditLog.action, 'machine_type.update'));
    expect(audits).toHaveLength(2);
  });

  it('refuses a machine, new or changed, whose type is not in the table', async () => {
    const created = await ctx.injectAs(manager, {
      method: 'POST',
      url: `/api/labs/${lab.id}/machines`,
      payload: { ...machineBody, type: 'hologram_printer' },
    });
    expect(created.statusCode).toBe(400);
    expect(created.json()).toMatchObject({ code: 'UNKNOWN_MACHINE_TYPE', error: 'Bad Request' });
    expect(created.json().message).toContain('hologram_printer');

    const machine = await ctx.createMachine(lab.id, { type: 'laser_cutter' });
    const changed = await ctx.injectAs(manager, {
      method: 'PATCH',
      url: `/api/machines/${machine.id}`,
      payload: { type: 'hologram_printer' },
    });
    expect(changed.statusCode).toBe(400);
    expect(changed.json().code).toBe('UNKNOWN_MACHINE_TYPE');
    const moved = await ctx.injectAs(manager, {
      method: 'PATCH',
      url: `/api/machines/${machine.id}`,
      payload: { type: 'kiln' },
    });
    expect(moved.statusCode).toBe(200);
    expect(moved.json().type).toBe('kiln');
    // A machine that kept a type from before may still be edited, its type sent back unchanged (as the form does).
    const old = await ctx.createMachine(lab.id, { type: 'legacy_type' });
    const renamed = await ctx.injectAs(manager, {
      method: 'PATCH',
      url: `/api/machines/${old.id}`,
      payload: { name: 'Máy cũ', type: 'legacy_type' },
    });
    expect(renamed.statusCode).toBe(200);
  });

  it('names the types in the statistics exports as the table does, in the requested language', async () => {
    const statsLab = await ctx.createLab();
    await ctx.createMachine(statsLab.id, { type: '3d_scanner' });
    const department = await ctx.createUser({ role: 'department' });
    const rowOf = async (lang: 'vi' | 'en') => {
      const res = await ctx.injectAs(department, {
        method: 'GET',
        url: `/api/stats/monthly?month=2026-05&labId=${statsLab.id}&format=csv&lang=${lang}`,
      });
      expect(res.statusCode).toBe(200);
      const line = res.body.split('\n').find((l) => l.includes(',machine_type,3d_scanner,'));
      return line?.split(',')[3];
    };
    expect(await rowOf('vi')).toBe('Máy quét 3D');
    expect(await rowOf('en')).toBe('3D scanner');
  });
});

describe('migration 0009', () => {
  it('keeps every type a machine already has, named by its slug, beside the thirteen known ones', async () => {
    const database = await createTestDatabase();
    try {
      // Back to before 0009, with a lab whose machines carry a type nobody listed.
      await database.query('drop table certification_recognitions');
      await database.query('drop table machine_types');
      const [labRow] = await database.query<{ id: string }>(
        `insert into labs (slug, name, name_vi, opening_hours, settings) values ('old-lab', 'Old', 'Cũ', '{}', '{}') returning id`,
      );
      for (const type of ['kiln', 'laser_cutter', 'kiln'])
        await database.query(`insert into machines (lab_id, name, type) values ($1, 'M', $2)`, [labRow!.id, type]);
      const sql = readFileSync(path.join(migrationsFolder, '0009_machine_types.sql'), 'utf8');
      for (const statement of sql.split('--> statement-breakpoint')) await database.query(statement);
      const rows = await database.query<{ slug: string; name: string; name_vi: string }>(
        'select slug, name, name_vi from machine_types order by slug',
      );
      expect(rows).toHaveLength(14);
      expect(rows).toContainEqual({ slug: 'kiln', name: 'kiln', name_vi: 'kiln' });
      expect(rows).toContainEqual({ slug: 'laser_cutter', name: 'Laser cutter', name_vi: 'Máy cắt laser' });
    } finally {
      await database.close();
    }
  });
});

import { count } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bookings, labs, machines, usageSessions, users } from '../../src/db/schema/index.js';
import { seedDemo } from '../../src/db/seed/demo.js';
import { createTestContext, type TestContext } from '../helpers/app.js';

describe('demo seed', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext();
  });
  afterAll(() => ctx.close());

  async function counts() {
    const [[l], [m], [u], [b], [s]] = await Promise.all([
      ctx.db.select({ n: count() }).from(labs),
      ctx.db.select({ n: count() }).from(machines),
      ctx.db.select({ n: count() }).from(users),
      ctx.db.select({ n: count() }).from(bookings),
      ctx.db.select({ n: count() }).from(usageSessions),
    ]);
    return { labs: l!.n, machines: m!.n, users: u!.n, bookings: b!.n, usage: s!.n };
  }

  it('seeds the three labs once and is idempotent', async () => {
    const first = await seedDemo(ctx.db, { password: 'fablab-demo', now: new Date('2026-11-27T03:00:00Z') });
    expect(first.seeded).toBe(true);
    const after = await counts();
    expect(after.labs).toBe(3);
    expect(after.users).toBe(10);
    expect(after.bookings).toBeGreaterThan(50);
    expect(after.usage).toBeGreaterThan(20);

    const second = await seedDemo(ctx.db, { password: 'fablab-demo', now: new Date('2026-11-28T03:00:00Z') });
    expect(second.seeded).toBe(false);
    expect(await counts()).toEqual(after);
  });

  it('lets a demo maker sign in with the demo password and lists the labs', async () => {
    const login = await ctx.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: 'maker1@fablab.local', password: 'fablab-demo' } });
    expect(login.statusCode).toBe(200);
    const res = await ctx.app.inject({ method: 'GET', url: '/api/labs' });
    expect(res.json().items.map((l: { slug: string }) => l.slug).sort()).toEqual(['biic', 'biotech', 'mechatronics']);
  });

  it('gives every demo lab the machines partner test kits rely on', async () => {
    const res = await ctx.app.inject({ method: 'GET', url: '/api/labs' });
    for (const lab of res.json().items as Array<{ id: string; openingHours: Record<string, string[][]> }>) {
      for (const day of ['mon', 'tue', 'wed', 'thu', 'fri']) {
        expect(lab.openingHours[day]!.some(([from, to]) => from! <= '08:00' && to! >= '17:00')).toBe(true);
      }
      const list = (await ctx.app.inject({ method: 'GET', url: `/api/labs/${lab.id}/machines` })).json().items as Array<Record<string, unknown>>;
      const fits = (m: Record<string, unknown>) =>
        60 % (m.slotMinutes as number) === 0 && (m.minMinutes as number) <= 60 && (m.maxMinutes as number) >= 120 && m.bufferMinutes === 0;
      expect(list.some((m) => m.requiresApproval && !m.requiresCertification && fits(m))).toBe(true);
      expect(list.some((m) => !m.requiresApproval && !m.requiresCertification && fits(m))).toBe(true);
      expect(list.some((m) => m.requiresCertification && fits(m))).toBe(true);
    }
  });

  it('gives every demo lab a materials catalogue holding what its sessions recorded', async () => {
    const rows = await ctx.database.query<{ lab: string; linked: boolean; same_lab: boolean }>(
      `select l.slug as lab, um.material_id is not null as linked, coalesce(m.lab_id = s.lab_id, false) as same_lab
         from usage_materials um
         join usage_sessions s on s.id = um.usage_session_id
         join labs l on l.id = s.lab_id
         left join materials m on m.id = um.material_id`,
    );
    expect(new Set(rows.map((r) => r.lab))).toEqual(new Set(['mechatronics', 'biotech', 'biic']));
    expect(rows.every((r) => r.linked && r.same_lab)).toBe(true);
    const labsList = (await ctx.app.inject({ method: 'GET', url: '/api/labs' })).json().items as Array<{ id: string; slug: string }>;
    const login = await ctx.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: 'maker1@fablab.local', password: 'fablab-demo' } });
    for (const lab of labsList) {
      const res = await ctx.app.inject({ method: 'GET', url: `/api/labs/${lab.id}/materials`, headers: { authorization: `Bearer ${login.json().token}` } });
      expect(res.statusCode).toBe(200);
      expect(res.json().total, lab.slug).toBeGreaterThan(0);
    }
    const biic = labsList.find((l) => l.slug === 'biic')!;
    const names = (await ctx.app.inject({ method: 'GET', url: `/api/labs/${biic.id}/materials`, headers: { authorization: `Bearer ${login.json().token}` } })).json().items;
    expect(names).toContainEqual({ id: expect.any(String), labId: biic.id, name: 'PLA', unit: 'g', priceVnd: 400 });
  });
});

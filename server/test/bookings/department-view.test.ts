// Department staff read every booking, for reporting, without personal data (Decree 13/2023): no
// member id, and none of the free text (note, reason) that may name people. The owner and the lab's
// managers still read all of it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, fixedClock, type TestContext } from '../helpers/app.js';
import { NOW, createWorld, local, type World } from '../hardening/world.js';

describe("the department's view of bookings", () => {
  let ctx: TestContext;
  let world: World;
  let noted: string;
  let cancelled: string;

  beforeAll(async () => {
    ctx = await createTestContext({ clock: fixedClock(NOW) });
    world = await createWorld(ctx);
    const create = async (start: string, end: string) => {
      const res = await ctx.injectAs(world.users.owner, {
        method: 'POST',
        url: '/api/bookings',
        payload: {
          machineId: world.machineHere.id,
          start,
          end,
          purpose: 'personal_project',
          note: 'Làm mô hình cùng bạn Trần Thị Bích (lớp 11A2)',
        },
      });
      expect(res.statusCode, res.body).toBe(201);
      return res.json().id as string;
    };
    noted = await create(local('2026-06-02T09:00'), local('2026-06-02T10:00'));
    cancelled = await create(local('2026-06-03T09:00'), local('2026-06-03T10:00'));
    const cancel = await ctx.injectAs(world.users.managerHere, {
      method: 'POST',
      url: `/api/bookings/${cancelled}/cancel`,
      payload: { reason: 'Em Nguyễn Văn An làm hỏng máy hôm qua' },
    });
    expect(cancel.statusCode, cancel.body).toBe(200);
  });
  afterAll(() => ctx?.close());

  it('lists bookings to the department without userId, note, reason or names', async () => {
    const res = await ctx.injectAs(world.users.department, {
      method: 'GET',
      url: `/api/bookings?labId=${world.labHere.id}`,
    });
    expect(res.statusCode).toBe(200);
    const items = res.json().items as Array<Record<string, unknown>>;
    expect(items.map((b) => b.id).sort()).toEqual([noted, cancelled].sort());
    for (const b of items) {
      expect(b).toMatchObject({ userId: null, note: null });
      expect(b.reason ?? null).toBeNull();
      expect(b).not.toHaveProperty('userName');
      expect(b).not.toHaveProperty('userEmail');
      // What reports need stays.
      expect(b).toMatchObject({
        machineId: world.machineHere.id,
        labId: world.labHere.id,
        purpose: 'personal_project',
      });
    }
    expect(items.find((b) => b.id === cancelled)?.status).toBe('cancelled');
  });

  it('shows one booking to the department the same way', async () => {
    for (const id of [noted, cancelled]) {
      const res = await ctx.injectAs(world.users.department, { method: 'GET', url: `/api/bookings/${id}` });
      expect(res.statusCode).toBe(200);
      const b = res.json();
      expect(b).toMatchObject({ id, userId: null, note: null });
      expect(b.reason ?? null).toBeNull();
      expect(JSON.stringify(b)).not.toMatch(/Bích|An\b|Nguyễn/);
    }
  });

  it("still shows everything to the owner and the lab's managers", async () => {
    for (const who of [world.users.owner, world.users.managerHere, world.users.admin]) {
      const res = await ctx.injectAs(who, { method: 'GET', url: `/api/bookings/${cancelled}` });
      expect(res.json()).toMatchObject({
        userId: world.users.owner.id,
        note: 'Làm mô hình cùng bạn Trần Thị Bích (lớp 11A2)',
        reason: 'Em Nguyễn Văn An làm hỏng máy hôm qua',
      });
    }
  });
});

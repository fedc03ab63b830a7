// Random sequences of create, cancel, reschedule, approve and maintenance on a few machines,
// checked against a small in-memory model of who occupies what: the API must refuse with
// BOOKING_CONFLICT or MAINTENANCE_CONFLICT exactly when the model says the time is taken, and
// the database must never hold two overlapping slot-holding bookings on one machine.
import fc from 'fast-check';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maintenanceWindows } from '../../src/db/schema/index.js';
import { createTestContext, fixedClock, type TestContext, type TestUser } from '../helpers/app.js';
import { HCM, NOW, act, book } from './fixtures.js';

const SLOT = 30; // minutes
const SLOTS = 24; // the window: Tuesday 2 June 2026, 08:00–20:00 local
const BASE = DateTime.fromISO('2026-06-02T08:00', { zone: HCM });
const BUFFERS = [0, 30, 60];
const NEEDS_APPROVAL = [false, true, true];
const ALL_DAY: [string, string][] = [['00:00', '24:00']];

type Op =
  | { kind: 'create'; machine: number; user: number; slot: number; length: number }
  | { kind: 'cancel'; pick: number; byManager: boolean }
  | { kind: 'reschedule'; pick: number; slot: number; length: number; byManager: boolean }
  | { kind: 'approve'; pick: number }
  | { kind: 'maintenance'; machine: number; slot: number; length: number };

interface ModelBooking {
  id: string;
  machine: number;
  owner: number;
  start: number; // minutes from BASE
  occupiedUntil: number;
  status: 'pending' | 'approved' | 'cancelled';
}

const slotArb = fc.integer({ min: 0, max: SLOTS - 1 });
const lengthArb = fc.integer({ min: 1, max: 4 });
const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('create' as const),
      machine: fc.integer({ min: 0, max: 2 }),
      user: fc.integer({ min: 0, max: 2 }),
      slot: slotArb,
      length: lengthArb,
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('cancel' as const), pick: fc.nat(), byManager: fc.boolean() }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('reschedule' as const),
      pick: fc.nat(),
      slot: slotArb,
      length: lengthArb,
      byManager: fc.boolean(),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('approve' as const), pick: fc.nat() }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('maintenance' as const),
      machine: fc.integer({ min: 0, max: 2 }),
      slot: slotArb,
      length: lengthArb,
    }),
  },
);

const iso = (minutes: number) => BASE.plus({ minutes }).toUTC().toISO()!;
const holds = (b: ModelBooking) => b.status === 'pending' || b.status === 'approved';

describe('bookings against a model of occupancy (property)', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext({ clock: fixedClock(NOW) });
  });
  afterAll(() => ctx.close());

  it('refuses exactly the taken times and never stores an overlap', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 40 }), async (ops) => {
        const lab = await ctx.createLab({
          openingHours: {
            mon: ALL_DAY,
            tue: ALL_DAY,
            wed: ALL_DAY,
            thu: ALL_DAY,
            fri: ALL_DAY,
            sat: ALL_DAY,
            sun: ALL_DAY,
          },
          settings: { cancelCutoffMinutes: 0, weeklyQuotaHours: 168 },
        });
        const manager = await ctx.createUser({ role: 'manager', manages: [lab.id] });
        const users: TestUser[] = [await ctx.createUser(), await ctx.createUser(), await ctx.createUser()];
        const machines = await Promise.all(
          BUFFERS.map((bufferMinutes, i) =>
            ctx.createMachine(lab.id, {
              bufferMinutes,
              requiresApproval: NEEDS_APPROVAL[i],
              minMinutes: 30,
              maxMinutes: 120,
              slotMinutes: 30,
            }),
          ),
        );
        const model: ModelBooking[] = [];
        const maintenance: Array<{ machine: number; start: number; end: number }> = [];

        /** What the model expects for [start, end) on a machine, leaving one booking out. */
        const expectedRefusal = (machine: number, start: number, end: number, except?: string) => {
          const until = end + BUFFERS[machine]!;
          if (maintenance.some((w) => w.machine === machine && w.start < until && w.end > start))
            return 'MAINTENANCE_CONFLICT';
          if (
            model.some(
              (b) => b.id !== except && b.machine === machine && holds(b) && b.start < until && b.occupiedUntil > start,
            )
          )
            return 'BOOKING_CONFLICT';
          return undefined;
        };

        for (const op of ops) {
          if (op.kind === 'create') {
            const start = op.slot * SLOT;
            const end = start + op.length * SLOT;
            const refusal = expectedRefusal(op.machine, start, end);
            const res = await book(ctx, users[op.user]!, {
              machineId: machines[op.machine]!.id,
              start: iso(start),
              end: iso(end),
            });
            if (refusal) {
              expect(res.statusCode, JSON.stringify(op)).toBe(409);
              expect(res.json().code).toBe(refusal);
            } else {
              expect(res.statusCode, JSON.stringify({ op, body: res.json() })).toBe(201);
              const status = NEEDS_APPROVAL[op.machine] ? 'pending' : 'approved';
              expect(res.json().status).toBe(status);
              model.push({
                id: res.json().id,
                machine: op.machine,
                owner: op.user,
                start,
                occupiedUntil: end + BUFFERS[op.machine]!,
                status,
              });
            }
          } else if (op.kind === 'maintenance') {
            const start = op.slot * SLOT;
            const end = start + op.length * SLOT;
            const m = machines[op.machine]!;
            await ctx.db
              .insert(maintenanceWindows)
              .values({
                machineId: m.id,
                labId: lab.id,
                startAt: new Date(iso(start)),
                endAt: new Date(iso(end)),
                reason: 'Random check',
              });
            maintenance.push({ machine: op.machine, start, end });
          } else {
            if (model.length === 0) continue;
            const b = model[op.pick % model.length]!;
            if (op.kind === 'cancel') {
              const res = await act(
                ctx,
                op.byManager ? manager : users[b.owner]!,
                'POST',
                `/api/bookings/${b.id}/cancel`,
              );
              if (holds(b)) {
                expect(res.statusCode).toBe(200);
                b.status = 'cancelled';
              } else {
                expect(res.statusCode).toBe(409);
                expect(res.json().code).toBe('INVALID_STATE');
              }
            } else if (op.kind === 'approve') {
              const res = await act(ctx, manager, 'POST', `/api/bookings/${b.id}/approve`);
              if (b.status === 'pending') {
                expect(res.statusCode).toBe(200);
                b.status = 'approved';
              } else {
                expect(res.statusCode).toBe(409);
                expect(res.json().code).toBe('INVALID_STATE');
              }
            } else {
              const start = op.slot * SLOT;
              const end = start + op.length * SLOT;
              const res = await act(ctx, op.byManager ? manager : users[b.owner]!, 'PATCH', `/api/bookings/${b.id}`, {
                start: iso(start),
                end: iso(end),
              });
              if (!holds(b)) {
                expect(res.statusCode).toBe(409);
                expect(res.json().code).toBe('INVALID_STATE');
                continue;
              }
              const refusal = expectedRefusal(b.machine, start, end, b.id);
              if (refusal) {
                expect(res.statusCode, JSON.stringify(op)).toBe(409);
                expect(res.json().code).toBe(refusal);
              } else {
                expect(res.statusCode, JSON.stringify({ op, body: res.json() })).toBe(200);
                const moved = start !== b.start || end + BUFFERS[b.machine]! !== b.occupiedUntil;
                if (moved && b.status === 'approved' && NEEDS_APPROVAL[b.machine] && !op.byManager)
                  b.status = 'pending';
                expect(res.json().status).toBe(b.status);
                b.start = start;
                b.occupiedUntil = end + BUFFERS[b.machine]!;
              }
            }
          }
        }

        const [overlaps] = await ctx.database.query<{ n: number }>(
          `select count(*)::int as n from bookings a join bookings b
             on a.machine_id = b.machine_id and a.id < b.id and a.occupied && b.occupied
           where a.lab_id = $1 and a.status in ('pending', 'approved', 'checked_in') and b.status in ('pending', 'approved', 'checked_in')`,
          [lab.id],
        );
        expect(overlaps!.n).toBe(0);
        const stored = await ctx.database.query<{ id: string; status: string }>(
          `select id, status from bookings where lab_id = $1 and status in ('pending', 'approved', 'checked_in') order by id`,
          [lab.id],
        );
        expect(stored).toEqual(
          model
            .filter(holds)
            .map((b) => ({ id: b.id, status: b.status }))
            .sort((x, y) => (x.id < y.id ? -1 : 1)),
        );
      }),
      { numRuns: 50, seed: 20260601 },
    );
  }, 120_000);
});

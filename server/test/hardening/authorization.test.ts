// The authorization matrix: every route of the server × every kind of caller, with the status each
// must get. The routes come from the server's own route table, so a route added without an entry
// here fails the first test. Each case builds its own resource, so the order of callers and
// routes does not matter.
//
// Callers: anonymous (no token), member (an unrelated member), owner (the member who owns the
// resource; for routes without one, just another member), managerHere (manages the resource's
// lab), managerOther (manages another lab only), department, admin.
import { WEEKDAY_HOURS } from '../helpers/app.js';
import type { InjectOptions } from 'fastify';
import { randomBytes, randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cards,
  certificationRecognitions,
  devices,
  guardianConsentLinks,
  machineTypes,
  materials,
  users,
} from '../../src/db/schema/index.js';
import { hashConsentToken } from '../../src/modules/accounts/guardian-consent.js';
import { createTestContext, fixedClock, TEST_PASSWORD, type TestContext, type TestUser } from '../helpers/app.js';
import { collectRoutes, routeKey, type CollectedRoute } from './routes.js';
import { CALLERS, NOW, createWorld, local, type Caller, type SignedInCaller, type World } from './world.js';

interface Request {
  url: string;
  payload?: unknown;
  /** Act as this account instead of the shared one of that kind (the action uses it up). */
  as?: TestUser;
}

interface Entry {
  /** Builds a fresh resource for one call and says what to send. */
  build(w: World, caller: Caller): Promise<Request>;
  expect: Record<Caller, number>;
  /** A server-sent-events stream that never ends: read over real HTTP, status only. */
  stream?: true;
}

/** Expected statuses in the order of CALLERS: anonymous, member, owner, managerHere, managerOther, department, admin. */
function s(...codes: [number, number, number, number, number, number, number]): Record<Caller, number> {
  return Object.fromEntries(CALLERS.map((c, i) => [c, codes[i]])) as Record<Caller, number>;
}
const everyone = (code: number) => s(code, code, code, code, code, code, code);
const signedIn = (code: number) => s(401, code, code, code, code, code, code);
/** Only labHere's managers and admins; everyone else may see the lab (labs and machines are public). */
const labManagers = (code: number) => s(401, 403, 403, code, 403, 403, code);
const adminOnly = (code: number) => s(401, 403, 403, 403, 403, 403, code);
/** labHere's managers, admins and department staff, who read every lab (without names, DOMAIN.md). */
const labReaders = (code: number) => s(401, 403, 403, code, 403, code, code);

const TUESDAY_9 = local('2026-06-02T09:00');
const TUESDAY_10 = local('2026-06-02T10:00');
const machineBody = {
  name: 'Máy cắt laser mới',
  type: 'laser_cutter',
  requiresApproval: false,
  requiresCertification: false,
  minMinutes: 30,
  maxMinutes: 240,
  slotMinutes: 30,
};

/** A fresh entry of labHere's materials catalogue. */
async function material(w: World): Promise<{ id: string }> {
  const [row] = await w.ctx.db
    .insert(materials)
    .values({ labId: w.labHere.id, name: `Mica ${randomUUID().slice(0, 8)}`, unit: 'tấm' })
    .returning();
  return row!;
}

/** A fresh account of someone under 16 whose guardian has not consented yet. */
async function minor(w: World): Promise<string> {
  const [row] = await w.ctx.db
    .insert(users)
    .values({
      email: `minor-${randomUUID()}@example.test`,
      fullName: 'Trần Bé Na',
      category: 'student',
      under16: true,
      guardianName: 'Trần Thị Mẹ',
      guardianContact: 'me.tran@example.test',
    })
    .returning();
  return row!.id;
}

/** A live consent link to a fresh minor's guardian. */
async function consentToken(w: World): Promise<string> {
  const userId = await minor(w);
  const token = randomBytes(32).toString('base64url');
  await w.ctx.db.insert(guardianConsentLinks).values({
    userId,
    tokenHash: hashConsentToken(token),
    sentTo: 'me.tran@example.test',
    expiresAt: new Date(new Date(NOW).getTime() + 86_400_000),
  });
  return token;
}

const MATRIX: Record<string, Entry> = {
  // ---------- health and accounts ----------
  'GET /api/health': { build: async () => ({ url: '/api/health' }), expect: everyone(200) },
  'POST /api/auth/register': {
    build: async () => ({
      url: '/api/auth/register',
      payload: {
        email: `new-${randomUUID()}@example.test`,
        password: 'a-long-password',
        fullName: 'Lê Văn Mới',
        category: 'student',
      },
    }),
    expect: everyone(201),
  },
  'POST /api/auth/login': {
    build: async (w) => ({ url: '/api/auth/login', payload: { email: w.users.owner.email, password: TEST_PASSWORD } }),
    expect: everyone(200),
  },
  'POST /api/auth/password-reset/request': {
    build: async (w) => ({ url: '/api/auth/password-reset/request', payload: { email: w.users.owner.email } }),
    expect: everyone(202),
  },
  'POST /api/auth/password-reset/confirm': {
    build: async (w) => ({
      url: '/api/auth/password-reset/confirm',
      payload: { token: await w.passwordResetToken(), password: 'a-new-long-password' },
    }),
    expect: everyone(204),
  },
  'GET /api/me': { build: async () => ({ url: '/api/me' }), expect: signedIn(200) },
  'PATCH /api/me': { build: async () => ({ url: '/api/me', payload: { locale: 'vi' } }), expect: signedIn(200) },
  'GET /api/me/export': { build: async () => ({ url: '/api/me/export' }), expect: signedIn(200) },
  'DELETE /api/me': {
    build: async (w, caller) => ({
      url: '/api/me',
      payload: { currentPassword: TEST_PASSWORD },
      ...(caller === 'anonymous' ? {} : { as: await w.freshUser(caller) }),
    }),
    expect: signedIn(204),
  },
  'GET /api/users': { build: async () => ({ url: '/api/users?q=Test' }), expect: s(401, 403, 403, 200, 200, 403, 200) },
  'POST /api/users': {
    build: async () => ({
      url: '/api/users',
      payload: { email: `invited-${randomUUID()}@example.test`, fullName: 'Phan Văn Mời', category: 'teacher' },
    }),
    expect: adminOnly(201),
  },
  'POST /api/users/:id/invite': {
    build: async (w) => ({ url: `/api/users/${w.users.owner.id}/invite` }),
    expect: adminOnly(200),
  },
  'PATCH /api/users/:id': {
    build: async (w) => ({ url: `/api/users/${w.users.owner.id}`, payload: { role: 'member' } }),
    expect: adminOnly(200),
  },
  // Only an under-16 account waiting for consent asks for a link: for everyone else it is the state.
  'POST /api/me/guardian-consent': {
    build: async () => ({ url: '/api/me/guardian-consent', payload: {} }),
    expect: s(401, 409, 409, 409, 409, 409, 409),
  },
  'GET /api/guardian-consent/:token': {
    build: async (w) => ({ url: `/api/guardian-consent/${await consentToken(w)}` }),
    expect: everyone(200),
  },
  'POST /api/guardian-consent/:token': {
    build: async (w) => ({ url: `/api/guardian-consent/${await consentToken(w)}`, payload: { consent: true } }),
    expect: everyone(200),
  },
  'POST /api/users/:id/guardian-consent': {
    build: async (w) => ({ url: `/api/users/${await minor(w)}/guardian-consent`, payload: { labId: w.labHere.id } }),
    expect: labManagers(200),
  },
  'GET /api/me/calendar-feed': { build: async () => ({ url: '/api/me/calendar-feed' }), expect: signedIn(200) },
  'POST /api/me/calendar-feed': { build: async () => ({ url: '/api/me/calendar-feed' }), expect: signedIn(200) },
  'GET /ical/:token': { build: async (w) => ({ url: `/ical/${await w.calendarToken()}.ics` }), expect: everyone(200) },

  // ---------- labs and machines ----------
  'GET /api/labs': { build: async () => ({ url: '/api/labs' }), expect: everyone(200) },
  'GET /api/labs/:labId': { build: async (w) => ({ url: `/api/labs/${w.labHere.id}` }), expect: everyone(200) },
  'POST /api/labs': {
    build: async () => {
      const slug = `lab-${randomUUID().slice(0, 8)}`;
      return {
        url: '/api/labs',
        payload: {
          slug,
          name: `Lab ${slug}`,
          nameVi: `Phòng ${slug}`,
          host: 'Host',
          timezone: 'Asia/Ho_Chi_Minh',
          openingHours: WEEKDAY_HOURS,
        },
      };
    },
    expect: adminOnly(201),
  },
  'PATCH /api/labs/:labId': {
    build: async (w) => ({ url: `/api/labs/${w.labHere.id}`, payload: { host: 'Trường Cao đẳng' } }),
    expect: adminOnly(200),
  },
  'POST /api/labs/:labId/closures': {
    build: async (w) => ({
      url: `/api/labs/${w.labHere.id}/closures`,
      payload: { from: '2027-12-30', to: '2027-12-31', reason: 'Tất niên' },
    }),
    expect: labManagers(201),
  },
  'DELETE /api/labs/:labId/closures/:closureId': {
    build: async (w) => ({ url: `/api/labs/${w.labHere.id}/closures/${(await w.closure()).id}` }),
    expect: labManagers(204),
  },
  'GET /api/labs/:labId/machines': {
    build: async (w) => ({ url: `/api/labs/${w.labHere.id}/machines` }),
    expect: everyone(200),
  },
  'GET /api/machines/:machineId': {
    build: async (w) => ({ url: `/api/machines/${w.machineHere.id}` }),
    expect: everyone(200),
  },
  'POST /api/labs/:labId/machines': {
    build: async (w) => ({ url: `/api/labs/${w.labHere.id}/machines`, payload: machineBody }),
    expect: labManagers(201),
  },
  'PATCH /api/machines/:machineId': {
    build: async (w) => ({ url: `/api/machines/${(await w.machine()).id}`, payload: { name: 'Máy in 3D đổi tên' } }),
    expect: labManagers(200),
  },
  'GET /api/machine-types': { build: async () => ({ url: '/api/machine-types' }), expect: everyone(200) },
  'POST /api/machine-types': {
    build: async () => ({
      url: '/api/machine-types',
      payload: { slug: `scanner_${randomUUID().slice(0, 8)}`, name: '3D scanner', nameVi: 'Máy quét 3D' },
    }),
    expect: adminOnly(201),
  },
  'PATCH /api/machine-types/:slug': {
    build: async (w) => {
      const slug = `kiln_${randomUUID().slice(0, 8)}`;
      await w.ctx.db.insert(machineTypes).values({ slug, name: slug, nameVi: slug });
      return { url: `/api/machine-types/${slug}`, payload: { name: 'Kiln', nameVi: 'Lò nung' } };
    },
    expect: adminOnly(200),
  },
  'GET /api/machines/:machineId/availability': {
    build: async (w) => ({
      url: `/api/machines/${w.machineHere.id}/availability?from=${local('2026-06-01T00:00')}&to=${local('2026-06-08T00:00')}`,
    }),
    expect: everyone(200),
  },
  'GET /api/labs/:labId/availability': {
    build: async (w) => ({
      url: `/api/labs/${w.labHere.id}/availability?from=${local('2026-06-01T00:00')}&to=${local('2026-06-08T00:00')}`,
    }),
    expect: everyone(200),
  },
  'GET /api/labs/:labId/status': {
    build: async (w) => ({ url: `/api/labs/${w.labHere.id}/status` }),
    expect: everyone(200),
  },
  'GET /api/labs/:labId/events': {
    build: async (w) => ({ url: `/api/labs/${w.labHere.id}/events` }),
    expect: everyone(200),
    stream: true,
  },

  // ---------- bookings ----------
  'POST /api/bookings': {
    build: async (w) => ({
      url: '/api/bookings',
      payload: { machineId: (await w.machine()).id, start: TUESDAY_9, end: TUESDAY_10, purpose: 'personal_project' },
    }),
    // Department and administrator accounts do not book for themselves (DOMAIN.md, Lifecycle).
    expect: s(401, 201, 201, 201, 201, 403, 403),
  },
  'GET /api/bookings': { build: async () => ({ url: '/api/bookings' }), expect: signedIn(200) },
  'GET /api/bookings/:id': {
    build: async (w) => ({
      url: `/api/bookings/${(await w.booking({ status: 'approved', start: TUESDAY_9, end: TUESDAY_10 })).id}`,
    }),
    expect: s(401, 404, 200, 200, 404, 200, 200),
  },
  'PATCH /api/bookings/:id': {
    build: async (w) => ({
      url: `/api/bookings/${(await w.booking({ status: 'approved', start: TUESDAY_9, end: TUESDAY_10 })).id}`,
      payload: { note: 'Mang theo tấm mica 3 mm' },
    }),
    expect: s(401, 404, 200, 200, 404, 403, 200),
  },
  'POST /api/bookings/:id/approve': {
    build: async (w) => ({
      url: `/api/bookings/${(await w.booking({ status: 'pending', start: TUESDAY_9, end: TUESDAY_10 })).id}/approve`,
    }),
    expect: s(401, 404, 403, 200, 404, 403, 200),
  },
  'POST /api/bookings/:id/reject': {
    build: async (w) => ({
      url: `/api/bookings/${(await w.booking({ status: 'pending', start: TUESDAY_9, end: TUESDAY_10 })).id}/reject`,
      payload: { reason: 'Máy đang bảo trì' },
    }),
    expect: s(401, 404, 403, 200, 404, 403, 200),
  },
  'POST /api/bookings/:id/cancel': {
    build: async (w) => ({
      url: `/api/bookings/${(await w.booking({ status: 'approved', start: TUESDAY_9, end: TUESDAY_10 })).id}/cancel`,
      payload: { reason: 'Bận việc' },
    }),
    expect: s(401, 404, 200, 200, 404, 403, 200),
  },
  'POST /api/bookings/class': {
    build: async (w) => ({
      url: '/api/bookings/class',
      payload: {
        labId: w.labHere.id,
        machineIds: [(await w.machine()).id],
        start: TUESDAY_9,
        end: TUESDAY_10,
        title: 'Lớp STEM',
        participants: 12,
      },
    }),
    expect: labManagers(201),
  },
  'POST /api/bookings/series': {
    build: async (w) => ({
      url: '/api/bookings/series',
      payload: {
        machineIds: [(await w.machine()).id],
        firstStart: TUESDAY_9,
        firstEnd: TUESDAY_10,
        repeat: { every: 'week', count: 2 },
        title: 'Câu lạc bộ robot',
        purpose: 'training',
        onConflict: 'fail',
      },
    }),
    expect: labManagers(201),
  },
  'POST /api/bookings/series/:seriesId/cancel': {
    build: async (w) => ({ url: `/api/bookings/series/${(await w.series()).id}/cancel`, payload: {} }),
    expect: s(401, 404, 404, 200, 404, 403, 200),
  },
  'POST /api/bookings/:id/check-in': {
    build: async (w) => ({
      url: `/api/bookings/${(await w.booking({ status: 'approved', start: local('2026-06-01T08:00'), end: local('2026-06-01T09:00') })).id}/check-in`,
    }),
    expect: s(401, 404, 200, 200, 404, 403, 200),
  },
  'POST /api/bookings/:id/check-out': {
    build: async (w) => {
      const m = await w.machine();
      const b = await w.booking({
        status: 'checked_in',
        start: local('2026-06-01T07:30'),
        end: local('2026-06-01T08:30'),
        machine: m,
      });
      await w.session({ start: local('2026-06-01T07:30'), machine: m, bookingId: b.id });
      return {
        url: `/api/bookings/${b.id}/check-out`,
        // The member picks from the lab's catalogue (free text of a material it lacks is the managers').
        payload: { materials: [{ materialId: (await material(w)).id, quantity: 1 }] },
      };
    },
    expect: s(401, 404, 200, 200, 404, 403, 200),
  },

  // ---------- maintenance ----------
  'POST /api/machines/:machineId/maintenance': {
    build: async (w) => ({
      url: `/api/machines/${(await w.machine()).id}/maintenance`,
      payload: { start: local('2026-06-03T09:00'), end: local('2026-06-03T11:00'), reason: 'Bảo trì định kỳ' },
    }),
    expect: labManagers(201),
  },
  'GET /api/maintenance': {
    build: async (w) => ({ url: `/api/maintenance?labId=${w.labHere.id}` }),
    expect: signedIn(200),
  },
  'DELETE /api/maintenance/:id': {
    build: async (w) => ({ url: `/api/maintenance/${(await w.maintenanceWindow()).id}` }),
    expect: labManagers(204),
  },
  'GET /api/machines/:machineId/maintenance-log': {
    build: async (w) => ({ url: `/api/machines/${w.machineHere.id}/maintenance-log` }),
    expect: labReaders(200),
  },
  'POST /api/machines/:machineId/maintenance-log': {
    build: async (w) => ({
      url: `/api/machines/${w.machineHere.id}/maintenance-log`,
      payload: { description: 'Lau thấu kính', costVnd: 50_000 },
    }),
    expect: labManagers(201),
  },
  'GET /api/machines/:machineId/maintenance-plans': {
    build: async (w) => ({ url: `/api/machines/${w.machineHere.id}/maintenance-plans` }),
    expect: labReaders(200),
  },
  'POST /api/machines/:machineId/maintenance-plans': {
    build: async (w) => ({
      url: `/api/machines/${(await w.machine()).id}/maintenance-plans`,
      payload: { title: 'Thay dầu', everyDays: 90 },
    }),
    expect: labManagers(201),
  },
  'PATCH /api/machines/:machineId/maintenance-plans/:planId': {
    build: async (w) => {
      const { plan, machine } = await w.plan();
      return { url: `/api/machines/${machine.id}/maintenance-plans/${plan.id}`, payload: { everyDays: 60 } };
    },
    expect: labManagers(200),
  },
  'DELETE /api/machines/:machineId/maintenance-plans/:planId': {
    build: async (w) => {
      const { plan, machine } = await w.plan();
      return { url: `/api/machines/${machine.id}/maintenance-plans/${plan.id}` };
    },
    expect: labManagers(204),
  },
  'POST /api/machines/:machineId/maintenance-plans/:planId/done': {
    build: async (w) => {
      const { plan, machine } = await w.plan();
      return { url: `/api/machines/${machine.id}/maintenance-plans/${plan.id}/done`, payload: {} };
    },
    expect: labManagers(200),
  },
  'GET /api/labs/:labId/maintenance-due': {
    build: async (w) => ({ url: `/api/labs/${w.labHere.id}/maintenance-due` }),
    expect: labReaders(200),
  },

  // ---------- certifications ----------
  'POST /api/labs/:labId/certifications': {
    build: async (w) => ({
      url: `/api/labs/${w.labHere.id}/certifications`,
      payload: { userId: w.users.owner.id, machineType: 'cnc_router' },
    }),
    expect: labManagers(201),
  },
  'GET /api/certifications': {
    build: async (w) => ({ url: `/api/certifications?userId=${w.users.owner.id}` }),
    expect: s(401, 403, 200, 200, 200, 403, 200),
  },
  'GET /api/labs/:labId/recognitions': {
    build: async (w) => ({ url: `/api/labs/${w.labHere.id}/recognitions` }),
    expect: labManagers(200),
  },
  'POST /api/labs/:labId/recognitions': {
    build: async (w) => ({
      url: `/api/labs/${w.labHere.id}/recognitions`,
      payload: { recognizedLabId: (await w.ctx.createLab()).id, machineType: 'cnc_router' },
    }),
    expect: labManagers(201),
  },
  'DELETE /api/labs/:labId/recognitions': {
    build: async (w) => {
      const recognized = await w.ctx.createLab();
      await w.ctx.db
        .insert(certificationRecognitions)
        .values({ labId: w.labHere.id, recognizedLabId: recognized.id, machineType: 'cnc_router' });
      return {
        url: `/api/labs/${w.labHere.id}/recognitions`,
        payload: { recognizedLabId: recognized.id, machineType: 'cnc_router' },
      };
    },
    expect: labManagers(204),
  },
  'DELETE /api/certifications/:id': {
    build: async (w) => ({ url: `/api/certifications/${(await w.certification()).id}` }),
    expect: s(401, 404, 403, 204, 403, 404, 204),
  },

  // ---------- usage ----------
  'POST /api/usage': {
    build: async (w) => ({
      url: '/api/usage',
      payload: {
        machineId: (await w.machine()).id,
        start: local('2026-06-01T07:00'),
        end: local('2026-06-01T07:45'),
        guest: { name: 'Khách tham quan', category: 'community' },
      },
    }),
    expect: labManagers(201),
  },
  'GET /api/usage': { build: async (w) => ({ url: `/api/usage?labId=${w.labHere.id}` }), expect: signedIn(200) },
  'GET /api/usage/:id': {
    build: async (w) => ({
      url: `/api/usage/${(await w.session({ start: local('2026-05-29T09:00'), end: local('2026-05-29T10:00') })).id}`,
    }),
    expect: s(401, 404, 200, 200, 404, 200, 200),
  },
  'POST /api/usage/:id/end': {
    build: async (w) => ({
      url: `/api/usage/${(await w.session({ start: local('2026-06-01T07:00') })).id}/end`,
      payload: {},
    }),
    expect: s(401, 404, 403, 200, 404, 403, 200),
  },
  'POST /api/usage/:id/incidents': {
    build: async (w) => ({
      url: `/api/usage/${(await w.session({ start: local('2026-06-01T07:00') })).id}/incidents`,
      payload: { kind: 'malfunction', description: 'Đầu in bị tắc' },
    }),
    expect: s(401, 404, 201, 201, 404, 403, 201),
  },
  'GET /api/labs/:labId/incidents': {
    build: async (w) => ({ url: `/api/labs/${w.labHere.id}/incidents` }),
    expect: labReaders(200),
  },

  // ---------- materials catalogue ----------
  'GET /api/labs/:labId/materials': {
    build: async (w) => ({ url: `/api/labs/${w.labHere.id}/materials` }),
    expect: signedIn(200),
  },
  'POST /api/labs/:labId/materials': {
    build: async (w) => ({
      url: `/api/labs/${w.labHere.id}/materials`,
      payload: { name: `Ván ép ${randomUUID().slice(0, 8)}`, unit: 'tấm', priceVnd: 45_000 },
    }),
    expect: labManagers(201),
  },
  'PATCH /api/labs/:labId/materials/:materialId': {
    build: async (w) => ({
      url: `/api/labs/${w.labHere.id}/materials/${(await material(w)).id}`,
      payload: { priceVnd: 130_000 },
    }),
    expect: labManagers(200),
  },

  // ---------- statistics, notifications, audit ----------
  'GET /api/stats/monthly': {
    build: async (w) => ({ url: `/api/stats/monthly?month=2026-05&labId=${w.labHere.id}` }),
    expect: s(401, 403, 403, 200, 403, 200, 200),
  },
  'GET /api/stats/trend': {
    build: async (w) => ({ url: `/api/stats/trend?from=2026-03&to=2026-05&labId=${w.labHere.id}` }),
    expect: s(401, 403, 403, 200, 403, 200, 200),
  },
  'GET /api/notifications': { build: async () => ({ url: '/api/notifications' }), expect: signedIn(200) },
  'POST /api/notifications/read-all': {
    build: async () => ({ url: '/api/notifications/read-all' }),
    expect: signedIn(200),
  },
  'POST /api/notifications/:id/read': {
    build: async (w) => ({ url: `/api/notifications/${(await w.notification()).id}/read` }),
    expect: s(401, 404, 200, 404, 404, 404, 404),
  },
  'GET /api/audit': { build: async (w) => ({ url: `/api/audit?labId=${w.labHere.id}` }), expect: labManagers(200) },

  // ---------- devices and cards ----------
  'POST /api/machines/:machineId/devices': {
    build: async (w) => ({
      url: `/api/machines/${(await w.machine()).id}/devices`,
      payload: { kind: 'reader', deviceId: `reader-${randomUUID().slice(0, 8)}` },
    }),
    expect: labManagers(201),
  },
  'GET /api/labs/:labId/devices': {
    build: async (w) => ({ url: `/api/labs/${w.labHere.id}/devices` }),
    expect: labManagers(200),
  },
  'GET /api/labs/:labId/device-events': {
    build: async (w) => ({ url: `/api/labs/${w.labHere.id}/device-events?code=UNKNOWN_CARD` }),
    expect: labManagers(200),
  },
  'DELETE /api/devices/:id': {
    build: async (w) => {
      const m = await w.machine();
      const [row] = await w.ctx.db
        .insert(devices)
        .values({ machineId: m.id, labId: m.labId, kind: 'reader', deviceId: `reader-${randomUUID().slice(0, 8)}` })
        .returning();
      return { url: `/api/devices/${row!.id}` };
    },
    expect: s(401, 404, 404, 204, 404, 404, 204),
  },
  'POST /api/users/:id/cards': {
    build: async (w) => ({
      url: `/api/users/${w.users.owner.id}/cards`,
      payload: { uid: randomUUID().replace(/-/g, '').slice(0, 14).toUpperCase() },
    }),
    // Any lab's manager assigns cards: there is no lab membership.
    expect: s(401, 403, 403, 201, 201, 403, 201),
  },
  'GET /api/users/:id/cards': {
    build: async (w) => ({ url: `/api/users/${w.users.owner.id}/cards` }),
    expect: s(401, 403, 200, 200, 200, 403, 200),
  },
  'GET /api/me/cards': { build: async () => ({ url: '/api/me/cards' }), expect: signedIn(200) },
  'DELETE /api/cards/:id': {
    build: async (w) => {
      const [row] = await w.ctx.db
        .insert(cards)
        .values({ userId: w.users.owner.id, uid: randomUUID().replace(/-/g, '').slice(0, 14).toUpperCase() })
        .returning();
      return { url: `/api/cards/${row!.id}` };
    },
    expect: s(401, 404, 204, 204, 204, 404, 204),
  },
  'POST /api/machines/:machineId/start': {
    build: async (w) => {
      const m = await w.machine();
      await w.booking({
        status: 'approved',
        start: local('2026-06-01T08:00'),
        end: local('2026-06-01T09:00'),
        machine: m,
      });
      return { url: `/api/machines/${m.id}/start` };
    },
    // Only the owner has a booking now; for everyone else it is the decision's refusal, not a permission.
    expect: s(401, 422, 200, 422, 422, 422, 422),
  },
  'POST /api/machines/:machineId/stop': {
    build: async (w) => {
      const m = await w.machine();
      await w.session({ start: local('2026-06-01T07:00'), machine: m });
      return { url: `/api/machines/${m.id}/stop` };
    },
    expect: s(401, 403, 200, 200, 403, 403, 200),
  },
  'POST /api/machines/:machineId/power': {
    build: async (w) => {
      const m = await w.machine();
      await w.ctx.db
        .insert(devices)
        .values({ machineId: m.id, labId: m.labId, kind: 'switch', deviceId: `shelly-${randomUUID().slice(0, 8)}` });
      return { url: `/api/machines/${m.id}/power`, payload: { on: false, reason: 'Left running' } };
    },
    // Machines are public: whoever does not manage the lab may see it, so 403 rather than 404.
    expect: labManagers(200),
  },
};

describe('authorization matrix', () => {
  let ctx: TestContext;
  let world: World;
  let routes: CollectedRoute[];
  let baseUrl: string;

  beforeAll(async () => {
    const collector = collectRoutes();
    try {
      ctx = await createTestContext({ clock: fixedClock(NOW) });
    } finally {
      collector.stop();
    }
    routes = collector.routes;
    world = await createWorld(ctx);
    // Only the never-ending event streams need a real socket; everything else goes through inject.
    await ctx.app.listen({ port: 0, host: '127.0.0.1' });
    baseUrl = `http://127.0.0.1:${(ctx.app.server.address() as AddressInfo).port}`;
  });
  afterAll(() => ctx?.close());

  it('has an entry for every route of the server, and a route for every entry', () => {
    const served = routes.map(routeKey).sort();
    expect(served.length).toBeGreaterThan(50);
    const missing = served.filter((key) => !(key in MATRIX));
    const stale = Object.keys(MATRIX).filter((key) => !served.includes(key));
    expect({ routesWithoutEntry: missing, entriesWithoutRoute: stale }).toEqual({
      routesWithoutEntry: [],
      entriesWithoutRoute: [],
    });
  });

  async function call(entry: Entry, key: string, caller: Caller): Promise<number> {
    const method = key.slice(0, key.indexOf(' ')) as InjectOptions['method'];
    const req = await entry.build(world, caller);
    const user = caller === 'anonymous' ? null : (req.as ?? world.users[caller as SignedInCaller]);
    if (entry.stream) {
      const abort = new AbortController();
      const res = await fetch(baseUrl + req.url, {
        method: method as string,
        headers: user ? { authorization: `Bearer ${user.token}` } : {},
        signal: abort.signal,
      });
      abort.abort();
      return res.status;
    }
    const res = await ctx.injectAs(user, {
      method,
      url: req.url,
      ...(req.payload === undefined ? {} : { payload: req.payload as InjectOptions['payload'] }),
    });
    if (res.statusCode >= 400) {
      // Every refusal carries the API's error shape, whoever asked.
      const body = res.json() as Record<string, unknown>;
      expect(typeof body.code, `${key} as ${caller}: ${res.body}`).toBe('string');
      expect(body.statusCode).toBe(res.statusCode);
    }
    return res.statusCode;
  }

  it.each(Object.keys(MATRIX))('%s answers each kind of caller as expected', async (key) => {
    const entry = MATRIX[key]!;
    const actual = {} as Record<Caller, number>;
    for (const caller of CALLERS) actual[caller] = await call(entry, key, caller);
    expect(actual).toEqual(entry.expect);
  });
});

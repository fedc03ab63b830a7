// A guardian's consent to an under-16 account (Decree 13/2023, art. 20): the account books only
// once the guardian confirmed through the one-time link mailed to them, or a lab's manager
// recorded the signed paper form. Links are single-use, end when the contact changes, and are
// capped; who records a paper form is the policy's; the managers see the badge, nobody else.
import { and, desc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, guardianConsentLinks, notifications, outbox, users } from '../../src/db/schema/index.js';
import { createTestContext, fixedClock, type TestContext, type TestUser } from '../helpers/app.js';

const NOW = '2026-06-01T01:00:00Z'; // Monday 08:00 in Ho Chi Minh City
const clock = fixedClock(NOW);

let counter = 0;
const registration = (overrides: Record<string, unknown> = {}) => ({
  email: `minor-${++counter}-${Math.random().toString(36).slice(2)}@example.test`,
  password: 'a-long-password',
  fullName: 'Trần Minh Khôi',
  category: 'student',
  under16: true,
  guardian: { name: 'Trần Thị Hoa', contact: `guardian-${counter}@example.test` },
  ...overrides,
});

describe('guardian consent', () => {
  let ctx: TestContext;
  let labId: string;
  let otherLabId: string;
  let machineId: string;
  let manager: TestUser;
  let managerOther: TestUser;
  let department: TestUser;
  let slot = 0;

  beforeAll(async () => {
    // With SMTP configured the links go into the outbox (no job sends them here).
    ctx = await createTestContext({ clock, config: { smtpUrl: 'smtp://127.0.0.1:9', publicUrl: 'https://fablab.example' } });
    labId = (await ctx.createLab()).id;
    otherLabId = (await ctx.createLab()).id;
    machineId = (await ctx.createMachine(labId)).id;
    manager = await ctx.createUser({ role: 'manager', manages: [labId] });
    managerOther = await ctx.createUser({ role: 'manager', manages: [otherLabId] });
    department = await ctx.createUser({ role: 'department' });
  });
  afterAll(() => ctx.close());

  async function register(overrides: Record<string, unknown> = {}) {
    const res = await ctx.app.inject({ method: 'POST', url: '/api/auth/register', payload: registration(overrides) });
    expect(res.statusCode, res.body).toBe(201);
    const { token, user } = res.json();
    return { ...user, token, tokenVersion: '' } as TestUser & { under16: boolean; guardianConsent: Record<string, unknown> };
  }

  /** The secret of the last consent link mailed to this address. */
  async function linkSentTo(address: string): Promise<string> {
    const [mail] = await ctx.db.select().from(outbox).where(eq(outbox.toAddress, address)).orderBy(desc(outbox.createdAt), desc(outbox.id));
    expect(mail, `no mail to ${address}`).toBeDefined();
    const match = /https:\/\/fablab\.example\/guardian-consent\/([A-Za-z0-9_-]+)/.exec(mail!.body);
    expect(match, mail!.body).not.toBeNull();
    return match![1]!;
  }

  async function allLinksTo(address: string): Promise<string[]> {
    const mails = await ctx.db.select().from(outbox).where(eq(outbox.toAddress, address));
    return mails.map((m) => /\/guardian-consent\/([A-Za-z0-9_-]+)/.exec(m.body)![1]!);
  }

  /** A fresh slot each call: Wednesday 3 June 2026, one hour after another. */
  function book(user: TestUser, extra: Record<string, unknown> = {}, as: TestUser = user) {
    const hour = 8 + (slot++ % 8);
    const day = 3 + Math.floor(slot / 8);
    const at = (h: number) => `2026-06-${String(day).padStart(2, '0')}T${String(h).padStart(2, '0')}:00:00+07:00`;
    return ctx.injectAs(as, {
      method: 'POST',
      url: '/api/bookings',
      payload: { machineId, start: at(hour), end: at(hour + 1), purpose: 'personal_project', ...extra },
    });
  }

  it('mails the guardian a link at registration, and the account books nothing until the guardian confirms', async () => {
    const minor = await register();
    expect(minor.under16).toBe(true);
    expect(minor.guardianConsent).toMatchObject({
      status: 'pending',
      method: null,
      confirmedAt: null,
      guardianName: 'Trần Thị Hoa',
      linkSentTo: `guardian-${counter}@example.test`,
    });
    expect(minor.guardianConsent.linkSentAt).toBe(new Date(NOW).toISOString());
    const [mail] = await ctx.db.select().from(outbox).where(eq(outbox.toAddress, `guardian-${counter}@example.test`));
    expect(mail!.subject).toContain('Trần Minh Khôi');
    expect(mail!.body).toContain('Nghị định 13/2023');

    const refused = await book(minor);
    expect(refused.statusCode).toBe(403);
    expect(refused.json().code).toBe('GUARDIAN_CONSENT_REQUIRED');
    // Nor may a manager book for them.
    const forThem = await book(minor, { userId: minor.id }, manager);
    expect(forThem.statusCode).toBe(403);
    expect(forThem.json().code).toBe('GUARDIAN_CONSENT_REQUIRED');
  });

  it('shows the guardian whose account it is and what it keeps; the link works once', async () => {
    const minor = await register({ phone: '0909 123 456' });
    const token = await linkSentTo(`guardian-${counter}@example.test`);

    const page = await ctx.app.inject({ method: 'GET', url: `/api/guardian-consent/${token}` });
    expect(page.statusCode, page.body).toBe(200);
    expect(page.json()).toMatchObject({ memberName: 'Trần Minh Khôi', guardianName: 'Trần Thị Hoa' });
    expect(page.json().collected).toEqual(expect.arrayContaining(['fullName', 'email', 'phone', 'guardian', 'bookings', 'usage']));
    expect(page.json().collected).not.toContain('organization');

    const confirmed = await ctx.app.inject({ method: 'POST', url: `/api/guardian-consent/${token}`, payload: { consent: true } });
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    expect(confirmed.json()).toEqual({ memberName: 'Trần Minh Khôi', confirmedAt: new Date(NOW).toISOString() });

    const again = await ctx.app.inject({ method: 'POST', url: `/api/guardian-consent/${token}`, payload: { consent: true } });
    expect(again.statusCode).toBe(400);
    expect(again.json().code).toBe('INVALID_TOKEN');
    expect((await ctx.app.inject({ method: 'GET', url: `/api/guardian-consent/${token}` })).json().code).toBe('INVALID_TOKEN');

    const me = await ctx.injectAs(minor, { method: 'GET', url: '/api/me' });
    expect(me.json().guardianConsent).toMatchObject({ status: 'confirmed', method: 'link', confirmedAt: new Date(NOW).toISOString() });
    expect((await book(minor)).statusCode).toBe(201);

    const [entry] = await ctx.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.entityId, minor.id), eq(auditLog.action, 'account.guardian_consent')));
    expect(entry).toMatchObject({ actorId: null, entityType: 'account', details: { method: 'link', sentTo: `guardian-${counter}@example.test` } });
    const told = await ctx.db.select().from(notifications).where(eq(notifications.userId, minor.id));
    expect(told.map((n) => n.kind)).toContain('guardian_consent_given');
  });

  it('refuses a made-up link, an expired one, and a body that does not consent', async () => {
    expect((await ctx.app.inject({ method: 'GET', url: `/api/guardian-consent/${'x'.repeat(43)}` })).json().code).toBe('INVALID_TOKEN');
    await register();
    const token = await linkSentTo(`guardian-${counter}@example.test`);
    const refusal = await ctx.app.inject({ method: 'POST', url: `/api/guardian-consent/${token}`, payload: { consent: false } });
    expect(refusal.statusCode).toBe(400);
    clock.advance(15 * 86_400_000);
    try {
      const late = await ctx.app.inject({ method: 'POST', url: `/api/guardian-consent/${token}`, payload: { consent: true } });
      expect(late.statusCode).toBe(400);
      expect(late.json().code).toBe('INVALID_TOKEN');
    } finally {
      clock.set(NOW);
    }
  });

  it('sends no link to a phone number; the member gives an email later, and a new contact ends the old links', async () => {
    const minor = await register({ guardian: { name: 'Lê Văn Bố', contact: '0909 000 111' } });
    expect(minor.guardianConsent).toMatchObject({ status: 'pending', linkSentTo: null, linkSentAt: null });
    const links = await ctx.db.select().from(guardianConsentLinks).where(eq(guardianConsentLinks.userId, minor.id));
    expect(links).toHaveLength(0);

    const first = await ctx.injectAs(minor, { method: 'POST', url: '/api/me/guardian-consent', payload: { contact: 'bo.le@example.test' } });
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json().guardianConsent).toMatchObject({ status: 'pending', linkSentTo: 'bo.le@example.test', guardianName: 'Lê Văn Bố' });
    const oldToken = await linkSentTo('bo.le@example.test');

    clock.advance(60_000);
    try {
      const moved = await ctx.injectAs(minor, { method: 'POST', url: '/api/me/guardian-consent', payload: { contact: 'me.le@example.test', name: 'Lê Thị Mẹ' } });
      expect(moved.json().guardianConsent).toMatchObject({ linkSentTo: 'me.le@example.test', guardianName: 'Lê Thị Mẹ' });
    } finally {
      clock.set(NOW);
    }
    expect((await ctx.app.inject({ method: 'GET', url: `/api/guardian-consent/${oldToken}` })).statusCode).toBe(400);
    const newToken = await linkSentTo('me.le@example.test');
    expect((await ctx.app.inject({ method: 'GET', url: `/api/guardian-consent/${newToken}` })).json().guardianName).toBe('Lê Thị Mẹ');
  });

  it('keeps at most three links waiting at once, and every other link ends with a consent', async () => {
    const minor = await register();
    const address = `guardian-${counter}@example.test`;
    for (let i = 0; i < 2; i++) {
      expect((await ctx.injectAs(minor, { method: 'POST', url: '/api/me/guardian-consent', payload: {} })).statusCode).toBe(200);
    }
    const fourth = await ctx.injectAs(minor, { method: 'POST', url: '/api/me/guardian-consent', payload: {} });
    expect(fourth.statusCode).toBe(429);
    expect(fourth.json().code).toBe('TOO_MANY_REQUESTS');
    const [a, b, c] = await allLinksTo(address);
    expect((await ctx.app.inject({ method: 'POST', url: `/api/guardian-consent/${b}`, payload: { consent: true } })).statusCode).toBe(200);
    for (const other of [a, c]) {
      expect((await ctx.app.inject({ method: 'POST', url: `/api/guardian-consent/${other}`, payload: { consent: true } })).statusCode).toBe(400);
    }
    // Consent given, there is nothing more to send.
    const after = await ctx.injectAs(minor, { method: 'POST', url: '/api/me/guardian-consent', payload: {} });
    expect(after.statusCode).toBe(409);
    expect(after.json().code).toBe('INVALID_STATE');
  });

  it('lets a lab’s manager record a paper form for their lab; the member may book then', async () => {
    const minor = await register({ guardian: { name: 'Phạm Văn Cha', contact: '0912 345 678' } });
    const res = await ctx.injectAs(manager, {
      method: 'POST',
      url: `/api/users/${minor.id}/guardian-consent`,
      payload: { labId, note: 'Phiếu đồng ý số 12, lưu ở tủ hồ sơ' },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().guardianConsent).toMatchObject({ status: 'confirmed', method: 'paper', confirmedAt: new Date(NOW).toISOString() });
    const [row] = await ctx.db.select().from(users).where(eq(users.id, minor.id));
    expect(row).toMatchObject({ guardianConsentMethod: 'paper', guardianConsentBy: manager.id, guardianConsentLabId: labId });
    const [entry] = await ctx.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.entityId, minor.id), eq(auditLog.action, 'account.guardian_consent')));
    expect(entry).toMatchObject({ actorId: manager.id, labId, details: { method: 'paper', note: 'Phiếu đồng ý số 12, lưu ở tủ hồ sơ' } });
    // The lab's audit log shows it to its managers.
    const log = await ctx.injectAs(manager, { method: 'GET', url: `/api/audit?labId=${labId}` });
    expect(log.json().items.map((e: { action: string }) => e.action)).toContain('account.guardian_consent');

    expect((await book(minor)).statusCode).toBe(201);
    const twice = await ctx.injectAs(manager, { method: 'POST', url: `/api/users/${minor.id}/guardian-consent`, payload: { labId } });
    expect(twice.statusCode).toBe(409);
    expect(twice.json().code).toBe('INVALID_STATE');
  });

  it('lets no member record consent, not even their own, nor the department, nor a manager for a lab they do not manage', async () => {
    const minor = await register({ guardian: { name: 'Võ Thị Dì', contact: '0988 000 222' } });
    const record = (as: TestUser, lab = labId) =>
      ctx.injectAs(as, { method: 'POST', url: `/api/users/${minor.id}/guardian-consent`, payload: { labId: lab } });
    const self = await record(minor);
    expect(self.statusCode).toBe(403);
    const another = await ctx.createUser();
    expect((await record(another)).statusCode).toBe(403);
    expect((await record(department)).statusCode).toBe(403);
    // A manager of another lab records it only for their own lab, where the form is then kept.
    expect((await record(managerOther, labId)).statusCode).toBe(403);
    expect((await record(managerOther, otherLabId)).statusCode).toBe(200);
  });

  it('refuses a paper form for an account that is not under 16', async () => {
    const adult = await ctx.createUser();
    const res = await ctx.injectAs(manager, { method: 'POST', url: `/api/users/${adult.id}/guardian-consent`, payload: { labId } });
    expect(res.statusCode).toBe(409);
  });

  it('still needs a guardian’s name and contact at registration, and takes no false consent', async () => {
    for (const guardian of [undefined, { name: 'Phụ huynh', contact: '0909 000 000', consent: false }]) {
      const res = await ctx.app.inject({ method: 'POST', url: '/api/auth/register', payload: registration({ guardian }) });
      expect(res.statusCode).toBe(400);
      expect(res.json().code).toBe('GUARDIAN_REQUIRED');
    }
  });

  it('shows the under-16 badge on bookings to the lab’s managers only', async () => {
    const minor = await register({ guardian: { name: 'Đỗ Văn Ông', contact: '0977 000 333' } });
    await ctx.injectAs(manager, { method: 'POST', url: `/api/users/${minor.id}/guardian-consent`, payload: { labId } });
    const made = await book(minor);
    expect(made.statusCode).toBe(201);
    const id = made.json().id;
    const read = async (as: TestUser) => (await ctx.injectAs(as, { method: 'GET', url: `/api/bookings/${id}` })).json();
    expect((await read(manager)).under16).toBe(true);
    expect((await read(minor)).under16).toBeUndefined();
    expect((await read(department)).under16).toBeUndefined();
    const adult = await ctx.createUser();
    const adults = await book(adult);
    expect(adults.statusCode).toBe(201);
    const listed = await ctx.injectAs(manager, { method: 'GET', url: `/api/bookings?labId=${labId}&limit=500` });
    const byId = (b: string) => listed.json().items.find((x: { id: string }) => x.id === b);
    expect(byId(id).under16).toBe(true);
    expect(byId(adults.json().id).under16).toBe(false);
  });

  it('forgets the guardian’s address when the member deletes the account', async () => {
    const minor = await register();
    const res = await ctx.injectAs(minor, { method: 'DELETE', url: '/api/me', payload: { currentPassword: 'a-long-password' } });
    expect(res.statusCode).toBe(204);
    expect(await ctx.db.select().from(guardianConsentLinks).where(eq(guardianConsentLinks.userId, minor.id))).toHaveLength(0);
    const [row] = await ctx.db.select().from(users).where(eq(users.id, minor.id));
    expect(row).toMatchObject({ guardianName: null, guardianContact: null, guardianConsentAt: null, guardianConsentMethod: null });
  });
});

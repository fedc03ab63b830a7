// Issue 17: a member edits their profile and changes their password with the current one; an
// administrator opens an account and its owner chooses a password through a one-time invite link
// (shown to the administrator without SMTP, mailed with it).
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, passwordResets } from '../../src/db/schema/index.js';
import { createTestContext, fixedClock, TEST_PASSWORD, type TestContext, type TestUser } from '../helpers/app.js';
import { readMail, startSmtpReceiver, type ReceivedMail, type SmtpReceiver } from '../notifications/support.js';

const NOW = '2030-05-06T02:00:00Z';
const DAY = 86_400_000;

function login(ctx: TestContext, email: string, password: string) {
  return ctx.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password } });
}

function confirm(ctx: TestContext, token: string, password: string) {
  return ctx.app.inject({ method: 'POST', url: '/api/auth/password-reset/confirm', payload: { token, password } });
}

/** The token of an invite link `…/set-password?token=…`. */
function tokenOf(url: string): string {
  const parsed = new URL(url);
  expect(parsed.pathname).toBe('/set-password');
  return parsed.searchParams.get('token')!;
}

async function actions(ctx: TestContext, entityId: string): Promise<string[]> {
  const rows = await ctx.db.select().from(auditLog).where(eq(auditLog.entityId, entityId)).orderBy(auditLog.createdAt);
  return rows.map((r) => r.action);
}

describe('the profile', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext({ clock: fixedClock(NOW) });
  });
  afterAll(() => ctx?.close());

  it('changes name, category, gender, organization, phone and language', async () => {
    const member = await ctx.createUser({ fullName: 'Nguyễn Văn Cũ' });
    const patch = await ctx.injectAs(member, {
      method: 'PATCH',
      url: '/api/me',
      payload: {
        fullName: '  Nguyễn Văn Mới  ',
        category: 'researcher',
        gender: 'male',
        organization: 'Đại học Thủ Dầu Một',
        phone: '0909 123 456',
        locale: 'en',
      },
    });
    expect(patch.statusCode, patch.body).toBe(200);
    const me = await ctx.injectAs(member, { method: 'GET', url: '/api/me' });
    expect(me.json()).toMatchObject({
      fullName: 'Nguyễn Văn Mới',
      category: 'researcher',
      gender: 'male',
      organization: 'Đại học Thủ Dầu Một',
      phone: '0909 123 456',
      locale: 'en',
    });
    // Emptied optional fields are gone, not blank.
    const cleared = await ctx.injectAs(member, {
      method: 'PATCH',
      url: '/api/me',
      payload: { organization: '', phone: '' },
    });
    expect(cleared.json()).toMatchObject({ organization: null, phone: null });
    // The session survives a change that is not the password.
    expect((await ctx.injectAs(member, { method: 'GET', url: '/api/me' })).statusCode).toBe(200);
  });

  it('refuses a password change without the current password, or with a wrong one, in words of its own', async () => {
    const member = await ctx.createUser();
    const missing = await ctx.injectAs(member, {
      method: 'PATCH',
      url: '/api/me',
      payload: { password: 'a-brand-new-password' },
    });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().code).toBe('CURRENT_PASSWORD_REQUIRED');
    const wrong = await ctx.injectAs(member, {
      method: 'PATCH',
      url: '/api/me',
      payload: { password: 'a-brand-new-password', currentPassword: 'not-my-password', fullName: 'Ai Đó' },
    });
    expect(wrong.statusCode).toBe(403);
    expect(wrong.json()).toMatchObject({ code: 'WRONG_PASSWORD', message: 'The current password is wrong' });
    // Nothing of the refused change was kept, and the session still works.
    const me = await ctx.injectAs(member, { method: 'GET', url: '/api/me' });
    expect(me.statusCode).toBe(200);
    expect(me.json().fullName).not.toBe('Ai Đó');
    expect((await login(ctx, member.email, TEST_PASSWORD)).statusCode).toBe(200);
    expect((await login(ctx, member.email, 'a-brand-new-password')).statusCode).toBe(401);
  });

  it('changes the password: the old one, older sessions and the calendar feed stop working', async () => {
    const member = await ctx.createUser();
    const feed = new URL(
      (await ctx.injectAs(member, { method: 'GET', url: '/api/me/calendar-feed' })).json().url as string,
    ).pathname;
    expect((await ctx.app.inject({ method: 'GET', url: feed })).statusCode).toBe(200);

    const changed = await ctx.injectAs(member, {
      method: 'PATCH',
      url: '/api/me',
      payload: { password: 'a-brand-new-password', currentPassword: TEST_PASSWORD },
    });
    expect(changed.statusCode, changed.body).toBe(200);
    expect((await login(ctx, member.email, TEST_PASSWORD)).statusCode).toBe(401);
    expect((await login(ctx, member.email, 'a-brand-new-password')).statusCode).toBe(200);
    expect((await ctx.injectAs(member, { method: 'GET', url: '/api/me' })).statusCode).toBe(401);
    expect((await ctx.app.inject({ method: 'GET', url: feed })).statusCode).toBe(404);
    expect(await actions(ctx, member.id)).toEqual(['account.password_change']);
  });

  it('counts wrong current passwords as failed sign-ins, so a stolen session cannot guess on', async () => {
    const member = await ctx.createUser();
    const attempt = () =>
      ctx.injectAs(member, {
        method: 'PATCH',
        url: '/api/me',
        payload: { password: 'a-brand-new-password', currentPassword: 'guess-guess' },
      });
    // The per-(email, address) budget of the tests' settings: 10.
    for (let i = 0; i < 10; i++) expect((await attempt()).statusCode).toBe(403);
    const blocked = await attempt();
    expect(blocked.statusCode).toBe(429);
    expect(blocked.json().code).toBe('TOO_MANY_REQUESTS');
    const del = await ctx.injectAs(member, {
      method: 'DELETE',
      url: '/api/me',
      payload: { currentPassword: TEST_PASSWORD },
    });
    expect(del.statusCode).toBe(429);
  });
});

describe('accounts an administrator opens, without SMTP', () => {
  const clock = fixedClock(NOW);
  let ctx: TestContext;
  let admin: TestUser;
  beforeAll(async () => {
    ctx = await createTestContext({ clock });
    admin = await ctx.createUser({ role: 'admin' });
  });
  afterAll(() => ctx?.close());

  const create = (as: TestUser | null, body: Record<string, unknown>) =>
    ctx.injectAs(as, { method: 'POST', url: '/api/users', payload: body });

  it('opens the account with a one-time link for the admin to pass on; the link sets a password that signs in', async () => {
    const res = await create(admin, {
      email: '  Tran.Thi.Moi@Example.test ',
      fullName: 'Trần Thị Mới',
      category: 'teacher',
      locale: 'en',
    });
    expect(res.statusCode, res.body).toBe(201);
    const { user, invite } = res.json();
    expect(user).toMatchObject({
      email: 'tran.thi.moi@example.test',
      fullName: 'Trần Thị Mới',
      category: 'teacher',
      role: 'member',
      locale: 'en',
    });
    expect(invite.mailed).toBe(false);
    expect(invite.url).toMatch(/^http:\/\/localhost:3000\/set-password\?token=[A-Za-z0-9_-]{43}$/);
    expect(new Date(invite.expiresAt).getTime() - clock.now().getTime()).toBe(7 * DAY);
    // Only the hash of the token is kept.
    const stored = await ctx.db.select().from(passwordResets).where(eq(passwordResets.userId, user.id));
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ kind: 'invite', usedAt: null });
    expect(stored[0]!.tokenHash).not.toContain(tokenOf(invite.url));

    // No password until the owner chooses one.
    expect((await login(ctx, user.email, '')).statusCode).toBe(400);
    expect((await login(ctx, user.email, TEST_PASSWORD)).statusCode).toBe(401);

    const set = await confirm(ctx, tokenOf(invite.url), 'my-very-own-password');
    expect(set.statusCode, set.body).toBe(204);
    const signedIn = await login(ctx, 'tran.thi.moi@example.test', 'my-very-own-password');
    expect(signedIn.statusCode).toBe(200);
    expect(signedIn.json().user.id).toBe(user.id);

    // Single use.
    const again = await confirm(ctx, tokenOf(invite.url), 'someone-elses-password');
    expect(again.statusCode).toBe(400);
    expect(again.json().code).toBe('INVALID_TOKEN');
    expect((await login(ctx, user.email, 'my-very-own-password')).statusCode).toBe(200);

    expect(await actions(ctx, user.id)).toEqual(['account.create', 'account.invite_accept']);
    const [created] = await ctx.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.entityId, user.id), eq(auditLog.action, 'account.create')));
    expect(created).toMatchObject({
      actorId: admin.id,
      details: { role: 'member', managedLabIds: [], inviteMailed: false },
    });
  });

  it('opens a manager’s account with the labs they manage, and refuses a lab that does not exist', async () => {
    const lab = await ctx.createLab();
    const res = await create(admin, {
      email: 'quan.ly.moi@example.test',
      fullName: 'Lê Quản Lý',
      category: 'teacher',
      role: 'manager',
      managedLabIds: [lab.id],
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().user).toMatchObject({ role: 'manager', managedLabIds: [lab.id], locale: 'vi' });
    const unknown = await create(admin, {
      email: 'quan.ly.khac@example.test',
      fullName: 'Lê Quản Lý Khác',
      category: 'teacher',
      role: 'manager',
      managedLabIds: ['00000000-0000-4000-8000-000000000000'],
    });
    expect(unknown.statusCode).toBe(422);
    // Nothing was left behind by the refusal.
    const list = await ctx.injectAs(admin, { method: 'GET', url: '/api/users?q=quan.ly.khac' });
    expect(list.json().total).toBe(0);
  });

  it('a link expires after a week; a new invite works and ends the older link', async () => {
    const res = await create(admin, { email: 'cham.tre@example.test', fullName: 'Võ Chậm Trễ', category: 'community' });
    const first = res.json().invite.url as string;
    const userId = res.json().user.id as string;

    clock.advance(7 * DAY + 60_000);
    const late = await confirm(ctx, tokenOf(first), 'a-password-too-late');
    expect(late.statusCode).toBe(400);
    expect(late.json().code).toBe('INVALID_TOKEN');

    const second = await ctx.injectAs(admin, { method: 'POST', url: `/api/users/${userId}/invite` });
    expect(second.statusCode, second.body).toBe(200);
    expect(second.json().user.id).toBe(userId);
    expect(second.json().invite.mailed).toBe(false);
    const third = await ctx.injectAs(admin, { method: 'POST', url: `/api/users/${userId}/invite` });
    const secondUrl = second.json().invite.url as string;
    const thirdUrl = third.json().invite.url as string;
    expect(thirdUrl).not.toBe(secondUrl);
    // The newest link is the only one alive.
    expect((await confirm(ctx, tokenOf(secondUrl), 'the-second-password')).statusCode).toBe(400);
    expect((await confirm(ctx, tokenOf(thirdUrl), 'the-third-password')).statusCode).toBe(204);
    expect((await login(ctx, 'cham.tre@example.test', 'the-third-password')).statusCode).toBe(200);
    expect(await actions(ctx, userId)).toEqual([
      'account.create',
      'account.invite',
      'account.invite',
      'account.invite_accept',
    ]);
  });

  it('lets only administrators open accounts and send invites', async () => {
    const lab = await ctx.createLab();
    const member = await ctx.createUser();
    const manager = await ctx.createUser({ role: 'manager', manages: [lab.id] });
    const department = await ctx.createUser({ role: 'department' });
    const body = { email: 'khong.duoc@example.test', fullName: 'Không Được', category: 'student' };
    for (const who of [member, manager, department]) {
      expect((await create(who, body)).statusCode).toBe(403);
      expect((await ctx.injectAs(who, { method: 'POST', url: `/api/users/${member.id}/invite` })).statusCode).toBe(403);
    }
    expect((await create(null, body)).statusCode).toBe(401);
    expect((await login(ctx, body.email, TEST_PASSWORD)).statusCode).toBe(401);
    const list = await ctx.injectAs(admin, { method: 'GET', url: '/api/users?q=khong.duoc' });
    expect(list.json().total).toBe(0);
    // An account that is not there.
    const missing = await ctx.injectAs(admin, {
      method: 'POST',
      url: '/api/users/00000000-0000-4000-8000-000000000000/invite',
    });
    expect(missing.statusCode).toBe(404);
  });

  it('refuses an email that is taken, whatever its case, with 409 EMAIL_TAKEN', async () => {
    const existing = await ctx.createUser({ email: 'da.co@example.test' });
    const res = await create(admin, { email: 'DA.CO@example.test', fullName: 'Trùng Email', category: 'student' });
    expect(res.statusCode).toBe(409);
    expect(res.json().code).toBe('EMAIL_TAKEN');
    // The existing account is untouched and gets no link.
    expect(await ctx.db.select().from(passwordResets).where(eq(passwordResets.userId, existing.id))).toHaveLength(0);
    expect((await login(ctx, existing.email, TEST_PASSWORD)).statusCode).toBe(200);
  });
});

describe('accounts an administrator opens, with SMTP', () => {
  const inbox: ReceivedMail[] = [];
  let receiver: SmtpReceiver;
  let ctx: TestContext;
  let admin: TestUser;
  beforeAll(async () => {
    receiver = await startSmtpReceiver(inbox);
    ctx = await createTestContext({
      clock: fixedClock(NOW),
      config: { smtpUrl: `smtp://127.0.0.1:${receiver.port}`, publicUrl: 'https://fablab.example.vn' },
    });
    admin = await ctx.createUser({ role: 'admin' });
  });
  afterAll(async () => {
    await ctx?.close();
    await receiver?.close();
  });

  it('mails the link to the new account, in its language, and does not show it to the admin', async () => {
    const res = await ctx.injectAs(admin, {
      method: 'POST',
      url: '/api/users',
      payload: { email: 'nhan.thu@example.test', fullName: 'Đặng Nhận Thư', category: 'startup' },
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().invite).toMatchObject({ mailed: true, url: null });

    await ctx.app.jobs.run('deliver-email');
    const mails = inbox.filter((m) => m.to.includes('nhan.thu@example.test'));
    expect(mails).toHaveLength(1);
    const mail = readMail(mails[0]!.raw);
    expect(mail.subject).toBe('Tài khoản FabLab Bình Dương của bạn');
    const text = mail.parts.find((p) => (p.headers['content-type'] ?? '').startsWith('text/plain'))!.body;
    expect(text).toContain('Xin chào Đặng Nhận Thư,');
    expect(text).toContain('7 ngày');
    const link = /https:\/\/fablab\.example\.vn\/set-password\?token=[A-Za-z0-9_-]+/.exec(text)![0];

    expect((await confirm(ctx, tokenOf(link), 'mailed-password-123')).statusCode).toBe(204);
    expect((await login(ctx, 'nhan.thu@example.test', 'mailed-password-123')).statusCode).toBe(200);
  });
});

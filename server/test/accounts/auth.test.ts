import { createSigner } from 'fast-jwt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, TEST_PASSWORD, type TestContext } from '../helpers/app.js';

const register = (overrides: Record<string, unknown> = {}) => ({
  email: `maker-${Math.random().toString(36).slice(2)}@example.test`,
  password: 'a-long-password',
  fullName: 'Nguyễn Thị Lan',
  category: 'student',
  ...overrides,
});

describe('accounts', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext();
  });
  afterAll(() => ctx.close());

  it('registers, signs in and reads /api/me', async () => {
    const body = register({ email: 'Lan.Nguyen@Example.test', gender: 'female', locale: 'en' });
    const reg = await ctx.app.inject({ method: 'POST', url: '/api/auth/register', payload: body });
    expect(reg.statusCode).toBe(201);
    expect(reg.json().user).toMatchObject({ email: 'lan.nguyen@example.test', role: 'member', gender: 'female', locale: 'en', managedLabIds: [] });
    expect(reg.json().user.passwordHash).toBeUndefined();

    const login = await ctx.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: 'lan.nguyen@example.test', password: 'a-long-password' } });
    expect(login.statusCode).toBe(200);
    const me = await ctx.app.inject({ method: 'GET', url: '/api/me', headers: { authorization: `Bearer ${login.json().token}` } });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({ email: 'lan.nguyen@example.test', fullName: 'Nguyễn Thị Lan', category: 'student' });
  });

  it('answers a wrong password and an unknown email alike', async () => {
    const user = await ctx.createUser();
    const wrong = await ctx.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: user.email, password: 'not-the-password' } });
    const unknown = await ctx.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: 'nobody@example.test', password: 'not-the-password' } });
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.json()).toEqual(unknown.json());
    expect(wrong.json().code).toBe('INVALID_CREDENTIALS');
  });

  it('refuses a duplicate email with 409 EMAIL_TAKEN, whatever its case', async () => {
    const body = register();
    expect((await ctx.app.inject({ method: 'POST', url: '/api/auth/register', payload: body })).statusCode).toBe(201);
    const again = await ctx.app.inject({ method: 'POST', url: '/api/auth/register', payload: { ...body, email: body.email.toUpperCase() } });
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('EMAIL_TAKEN');
  });

  it.each([
    ['a bad email', { email: 'not-an-email' }],
    ['a short password', { password: 'short' }],
    ['an unknown category', { category: 'astronaut' }],
    ['a too long name', { fullName: 'x'.repeat(201) }],
    ['a too long email', { email: `${'a'.repeat(250)}@x.vn` }],
  ])('refuses %s with 400', async (_label, overrides) => {
    const res = await ctx.app.inject({ method: 'POST', url: '/api/auth/register', payload: register(overrides) });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    expect(typeof res.json().code).toBe('string');
  });

  it('needs a consenting guardian for an under-16 account', async () => {
    const without = await ctx.app.inject({ method: 'POST', url: '/api/auth/register', payload: register({ under16: true }) });
    expect(without.statusCode).toBe(400);
    const noConsent = await ctx.app.inject({
      method: 'POST',
      url: '/api/auth/register',
      payload: register({ under16: true, guardian: { name: 'Phụ huynh', contact: '0909 000 000', consent: false } }),
    });
    expect(noConsent.statusCode).toBe(400);
    const ok = await ctx.app.inject({
      method: 'POST',
      url: '/api/auth/register',
      payload: register({ under16: true, guardian: { name: 'Phụ huynh', contact: '0909 000 000', consent: true } }),
    });
    expect(ok.statusCode).toBe(201);
    expect(ok.json().user.under16).toBe(true);
  });

  it('updates the profile and changes the password only with the current one', async () => {
    const user = await ctx.createUser();
    const patch = await ctx.injectAs(user, { method: 'PATCH', url: '/api/me', payload: { fullName: 'Võ Văn Kiệt', locale: 'en' } });
    expect(patch.statusCode).toBe(200);
    expect(patch.json()).toMatchObject({ fullName: 'Võ Văn Kiệt', locale: 'en' });
    const noCurrent = await ctx.injectAs(user, { method: 'PATCH', url: '/api/me', payload: { password: 'a-brand-new-password' } });
    expect(noCurrent.statusCode).toBe(400);
    expect(noCurrent.json().code).toBe('CURRENT_PASSWORD_REQUIRED');
    const changed = await ctx.injectAs(user, {
      method: 'PATCH',
      url: '/api/me',
      payload: { password: 'a-brand-new-password', currentPassword: TEST_PASSWORD },
    });
    expect(changed.statusCode).toBe(200);
    // The old token dies with the old password.
    expect((await ctx.injectAs(user, { method: 'GET', url: '/api/me' })).statusCode).toBe(401);
  });

  it('exports and deletes the member’s own data', async () => {
    const user = await ctx.createUser({ fullName: 'Đỗ Thị Hoa' });
    const exp = await ctx.injectAs(user, { method: 'GET', url: '/api/me/export' });
    expect(exp.statusCode).toBe(200);
    expect(exp.json().account.fullName).toBe('Đỗ Thị Hoa');
    expect(exp.json().account.passwordHash).toBeUndefined();
    const wrong = await ctx.injectAs(user, { method: 'DELETE', url: '/api/me', payload: { currentPassword: 'wrong-password' } });
    expect(wrong.statusCode).toBe(403);
    expect(wrong.json().code).toBe('WRONG_PASSWORD');
    const del = await ctx.injectAs(user, { method: 'DELETE', url: '/api/me', payload: { currentPassword: TEST_PASSWORD } });
    expect(del.statusCode).toBe(204);
    expect((await ctx.injectAs(user, { method: 'GET', url: '/api/me' })).statusCode).toBe(401);
    const login = await ctx.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: user.email, password: TEST_PASSWORD } });
    expect(login.statusCode).toBe(401);
    const [row] = await ctx.database.query<{ full_name: string; email: string | null }>('select full_name, email from users where id = $1', [user.id]);
    expect(row).toEqual({ full_name: 'Deleted member', email: null });
  });
});

describe('tokens and role guards', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext();
  });
  afterAll(() => ctx.close());

  const me = (authorization?: string) =>
    ctx.app.inject({ method: 'GET', url: '/api/me', headers: authorization ? { authorization } : {} });

  it('refuses a missing, malformed, expired, foreign or unsigned token with 401', async () => {
    const user = await ctx.createUser();
    expect((await me(`Bearer ${user.token}`)).statusCode).toBe(200);
    expect((await me()).statusCode).toBe(401);
    expect((await me()).json().code).toBe('UNAUTHORIZED');
    expect((await me('Bearer not.a.token')).statusCode).toBe(401);

    const now = Math.floor(Date.now() / 1000);
    const expired = createSigner({ key: 'test-secret-that-is-long-enough-0123456789', clockTimestamp: (now - 7200) * 1000, expiresIn: 3600_000 })({
      sub: user.id,
      ver: user.tokenVersion,
    });
    expect((await me(`Bearer ${expired}`)).statusCode).toBe(401);

    const foreign = createSigner({ key: 'another-secret-that-is-long-enough-987654321' })({ sub: user.id, ver: user.tokenVersion });
    expect((await me(`Bearer ${foreign}`)).statusCode).toBe(401);

    const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const unsigned = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: user.id, ver: user.tokenVersion, iat: now })}.`;
    expect((await me(`Bearer ${unsigned}`)).statusCode).toBe(401);
  });

  it('refuses a disabled account’s token', async () => {
    const admin = await ctx.createUser({ role: 'admin' });
    const user = await ctx.createUser();
    const res = await ctx.injectAs(admin, { method: 'PATCH', url: `/api/users/${user.id}`, payload: { disabled: true } });
    expect(res.statusCode).toBe(200);
    expect((await ctx.injectAs(user, { method: 'GET', url: '/api/me' })).statusCode).toBe(401);
  });

  it('lets only admins and managers list users, and only admins change them', async () => {
    const lab = await ctx.createLab();
    const member = await ctx.createUser();
    const manager = await ctx.createUser({ role: 'manager', manages: [lab.id] });
    const department = await ctx.createUser({ role: 'department' });
    const admin = await ctx.createUser({ role: 'admin' });
    const list = (u: typeof member) => ctx.injectAs(u, { method: 'GET', url: '/api/users?limit=5' });
    expect((await list(member)).statusCode).toBe(403);
    expect((await list(department)).statusCode).toBe(403);
    expect((await list(manager)).statusCode).toBe(200);
    expect((await list(admin)).json().items.length).toBeLessThanOrEqual(5);
    expect((await ctx.app.inject({ method: 'GET', url: '/api/users' })).statusCode).toBe(401);

    const promote = (u: typeof member) =>
      ctx.injectAs(u, { method: 'PATCH', url: `/api/users/${member.id}`, payload: { role: 'manager', managedLabIds: [lab.id] } });
    expect((await promote(manager)).statusCode).toBe(403);
    const ok = await promote(admin);
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ role: 'manager', managedLabIds: [lab.id] });
    const meNow = await ctx.injectAs(member, { method: 'GET', url: '/api/me' });
    expect(meNow.json().managedLabIds).toEqual([lab.id]);
  });

  it('rejects pagination out of range with 400', async () => {
    const admin = await ctx.createUser({ role: 'admin' });
    for (const q of ['limit=0', 'limit=501', 'offset=-1', 'limit=abc']) {
      const res = await ctx.injectAs(admin, { method: 'GET', url: `/api/users?${q}` });
      expect(res.statusCode, q).toBe(400);
    }
  });

  it('throttles repeated failed sign-ins for one email with 429 and Retry-After', async () => {
    const user = await ctx.createUser();
    for (let i = 0; i < 10; i++) {
      const res = await ctx.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: user.email, password: 'wrong-password' } });
      expect(res.statusCode).toBe(401);
    }
    const blocked = await ctx.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: user.email, password: TEST_PASSWORD } });
    expect(blocked.statusCode).toBe(429);
    expect(blocked.json().code).toBe('TOO_MANY_REQUESTS');
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
  });
});

describe('address throttling of /api/auth', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext({ config: { rateLimits: { loginFailuresPerEmail: 10, loginFailuresPerAddress: 100, loginFailuresPerAccountPerHour: 100, authPerMinute: 5, registrationsPerHour: 3, bookingsPerMinute: 60 } } });
  });
  afterAll(() => ctx.close());

  it('answers 429 past the registrations per hour from one address', async () => {
    const codes: number[] = [];
    for (let i = 0; i < 4; i++) {
      codes.push((await ctx.app.inject({ method: 'POST', url: '/api/auth/register', payload: register() })).statusCode);
    }
    expect(codes).toEqual([201, 201, 201, 429]);
  });
});

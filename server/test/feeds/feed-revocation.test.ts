// A calendar-feed URL is a credential: like a sign-in token, it dies when the password changes
// (by the member, by an admin, by a reset link) or the account is disabled, and stays dead when
// the account is enabled again. A new URL works.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { passwordResets } from '../../src/db/schema/index.js';
import { hashResetToken } from '../../src/modules/notifications/password-reset.service.js';
import { createTestContext, TEST_PASSWORD, type TestContext, type TestUser } from '../helpers/app.js';

describe('calendar feeds die with the credentials', () => {
  let ctx: TestContext;
  let admin: TestUser;
  beforeAll(async () => {
    ctx = await createTestContext();
    admin = await ctx.createUser({ role: 'admin' });
  });
  afterAll(() => ctx?.close());

  /** The path of the member's feed, as GET /api/me/calendar-feed gives it. */
  async function feedOf(user: TestUser): Promise<string> {
    const res = await ctx.injectAs(user, { method: 'GET', url: '/api/me/calendar-feed' });
    expect(res.statusCode, res.body).toBe(200);
    return new URL(res.json().url as string).pathname;
  }
  const fetchFeed = async (path: string) => (await ctx.app.inject({ method: 'GET', url: path })).statusCode;
  const signIn = async (email: string, password: string) => {
    const res = await ctx.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password } });
    expect(res.statusCode, res.body).toBe(200);
    return { ...({} as TestUser), email, token: res.json().token as string };
  };

  it('when the member changes their password', async () => {
    const member = await ctx.createUser();
    const feed = await feedOf(member);
    expect(await fetchFeed(feed)).toBe(200);
    const change = await ctx.injectAs(member, {
      method: 'PATCH',
      url: '/api/me',
      payload: { password: 'a-new-long-password', currentPassword: TEST_PASSWORD },
    });
    expect(change.statusCode, change.body).toBe(200);
    expect(await fetchFeed(feed)).toBe(404);
    const fresh = await feedOf(await signIn(member.email, 'a-new-long-password'));
    expect(fresh).not.toBe(feed);
    expect(await fetchFeed(fresh)).toBe(200);
  });

  it('when an admin sets a password', async () => {
    const member = await ctx.createUser();
    const feed = await feedOf(member);
    const res = await ctx.injectAs(admin, {
      method: 'PATCH',
      url: `/api/users/${member.id}`,
      payload: { password: 'temporary-password-1' },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(await fetchFeed(feed)).toBe(404);
  });

  it('when the password is reset by email', async () => {
    const member = await ctx.createUser();
    const feed = await feedOf(member);
    const token = randomBytes(32).toString('base64url');
    await ctx.db.insert(passwordResets).values({
      userId: member.id,
      tokenHash: hashResetToken(token),
      expiresAt: new Date(Date.now() + 30 * 60_000),
    });
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/api/auth/password-reset/confirm',
      payload: { token, password: 'a-brand-new-password' },
    });
    expect(res.statusCode, res.body).toBe(204);
    expect(await fetchFeed(feed)).toBe(404);
  });

  it('when the account is disabled, and after it is enabled again', async () => {
    const member = await ctx.createUser();
    const feed = await feedOf(member);
    const disable = await ctx.injectAs(admin, {
      method: 'PATCH',
      url: `/api/users/${member.id}`,
      payload: { disabled: true },
    });
    expect(disable.statusCode, disable.body).toBe(200);
    expect(await fetchFeed(feed)).toBe(404);
    const enable = await ctx.injectAs(admin, {
      method: 'PATCH',
      url: `/api/users/${member.id}`,
      payload: { disabled: false },
    });
    expect(enable.statusCode, enable.body).toBe(200);
    expect(await fetchFeed(feed)).toBe(404);
  });
});

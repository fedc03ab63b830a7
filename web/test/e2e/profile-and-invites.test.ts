// Issue 17: a member edits their profile (the language too, which the interface follows) and
// changes their password with the current one; an administrator opens an account, sends a new
// invite, and the new person chooses a password through the link shown and signs in. On a desktop
// and on a phone.
import type { Lab, User } from '@fablab/shared';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { apiGet, labsOf } from './helpers/api';
import { DESKTOP, launchBrowser, newContext, PHONE, screenshot, signIn, signOut } from './helpers/browser';
import { startApp, type RunningApp } from './helpers/server';

let app: RunningApp;
let browser: Browser;
let lab: Lab;

beforeAll(async () => {
  app = await startApp();
  browser = await launchBrowser();
  lab = (await labsOf(app.baseUrl)).find((l) => l.slug === 'mechatronics')!;
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

const VIEWPORTS = { desktop: DESKTOP, phone: PHONE } as const;

async function register(email: string, password: string, fullName: string): Promise<void> {
  const response = await fetch(`${app.baseUrl}/api/auth/register`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email, password, fullName, category: 'student' }),
  });
  expect(response.status, await response.clone().text()).toBe(201);
}

async function tokenOf(email: string, password: string): Promise<string> {
  const response = await fetch(`${app.baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { token: string }).token;
}

/** The header's links sit behind the menu button on a phone. */
async function openMenu(page: Page, phone: boolean): Promise<void> {
  if (phone) await page.getByRole('button', { name: 'Menu' }).click();
}

for (const [name, viewport] of Object.entries(VIEWPORTS)) {
  const phone = name === 'phone';

  test(`a member edits their profile and changes their password (${name})`, async () => {
    const email = `ho.so.${name}@example.com`;
    await register(email, 'first-password-1', 'Phạm Văn Hồ Sơ');
    const context = await newContext(browser, { viewport, phone });
    const page = await context.newPage();
    await signIn(page, app.baseUrl, email, 'first-password-1');

    await openMenu(page, phone);
    await page.getByRole('link', { name: 'Hồ sơ của tôi: Phạm Văn Hồ Sơ' }).click();
    await page.getByRole('heading', { level: 1, name: 'Hồ sơ của tôi' }).waitFor();
    const details = page.getByRole('form', { name: 'Thông tin cá nhân' });
    await details.getByLabel('Họ và tên').fill('Phạm Thị Hồ Sơ');
    await details.getByLabel('Bạn là').selectOption({ label: 'Nhà nghiên cứu' });
    await details.getByLabel('Giới tính (không bắt buộc)').selectOption({ label: 'Nữ' });
    await details.getByLabel('Trường / đơn vị (không bắt buộc)').fill('Đại học Thủ Dầu Một');
    await details.getByLabel('Số điện thoại (không bắt buộc)').fill('0909 111 222');
    await details.getByLabel('Ngôn ngữ').selectOption('en');
    await details.getByRole('button', { name: 'Lưu hồ sơ' }).click();
    // The interface follows the language chosen.
    await page.getByRole('status').filter({ hasText: 'Profile saved.' }).waitFor();
    await page.getByRole('heading', { level: 1, name: 'My profile' }).waitFor();
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
    await screenshot(page, `profile-saved-${name}`);
    const me = await apiGet<User>(app.baseUrl, '/me', await tokenOf(email, 'first-password-1'));
    expect(me).toMatchObject({
      fullName: 'Phạm Thị Hồ Sơ',
      category: 'researcher',
      gender: 'female',
      organization: 'Đại học Thủ Dầu Một',
      phone: '0909 111 222',
      locale: 'en',
    });

    // Back to Vietnamese with the header's switch, which the account remembers too.
    await openMenu(page, phone);
    await page.getByRole('button', { name: 'Tiếng Việt' }).click();
    await page.getByRole('heading', { level: 1, name: 'Hồ sơ của tôi' }).waitFor();
    await expect
      .poll(async () => (await apiGet<User>(app.baseUrl, '/me', await tokenOf(email, 'first-password-1'))).locale)
      .toBe('vi');
    if (phone && (await page.getByRole('button', { name: 'Menu', expanded: true }).count()) > 0)
      await page.getByRole('button', { name: 'Menu' }).click();

    const password = page.getByRole('form', { name: 'Đổi mật khẩu' });
    await password.getByLabel('Mật khẩu hiện tại').fill('not-my-password');
    await password.getByLabel(/^Mật khẩu mới/).fill('second-password-2');
    await password.getByLabel('Nhập lại mật khẩu mới').fill('second-password-2');
    await password.getByRole('button', { name: 'Đổi mật khẩu' }).click();
    await password.getByRole('alert').filter({ hasText: 'Mật khẩu hiện tại không đúng.' }).waitFor();
    expect(await page.getByText('Email hoặc mật khẩu không đúng.').count()).toBe(0);

    await password.getByLabel('Mật khẩu hiện tại').fill('first-password-1');
    await password.getByRole('button', { name: 'Đổi mật khẩu' }).click();
    await page.getByRole('status').filter({ hasText: 'Đã đổi mật khẩu.' }).waitFor();
    await screenshot(page, `password-changed-${name}`);
    // Still signed in here, with the new password.
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Hồ sơ của tôi' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/profile');

    await signOut(page);
    await page.goto(`${app.baseUrl}/sign-in`);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Mật khẩu').fill('first-password-1');
    await page.getByRole('main').getByRole('button', { name: 'Đăng nhập' }).click();
    await page.getByRole('alert').filter({ hasText: 'Email hoặc mật khẩu không đúng.' }).waitFor();
    await signIn(page, app.baseUrl, email, 'second-password-2');
    await openMenu(page, phone);
    await page.getByRole('link', { name: 'Hồ sơ của tôi: Phạm Thị Hồ Sơ' }).waitFor();
    await context.close();
  });

  test(`an admin creates an account, and its owner sets a password through the shown link (${name})`, async () => {
    const email = `quan.ly.moi.${name}@example.com`;
    const admin = await newContext(browser, { viewport, phone });
    const page = await admin.newPage();
    await signIn(page, app.baseUrl, 'admin@fablab.local');
    await page.goto(`${app.baseUrl}/admin/users`);
    await page.getByRole('button', { name: 'Tạo tài khoản' }).click();
    const dialog = page.getByRole('dialog', { name: 'Tạo tài khoản mới' });
    await dialog.getByLabel('Email', { exact: true }).fill(email);
    await dialog.getByLabel('Họ và tên').fill('Lý Thị Quản Lý');
    await dialog.getByLabel('Đối tượng').selectOption({ label: 'Giáo viên, giảng viên' });
    await dialog.getByLabel('Vai trò').selectOption('manager');
    await dialog.getByRole('checkbox', { name: lab.nameVi }).check();
    await dialog.getByRole('button', { name: 'Tạo và gửi lời mời' }).click();
    await dialog.getByRole('status').filter({ hasText: 'hãy tự gửi liên kết này cho Lý Thị Quản Lý' }).waitFor();
    const first = await dialog.getByLabel('Liên kết đặt mật khẩu').inputValue();
    expect(first).toMatch(/\/set-password\?token=[A-Za-z0-9_-]{43}$/);
    await dialog.getByRole('button', { name: 'Sao chép liên kết' }).waitFor();
    await screenshot(page, `invite-link-${name}`);
    await dialog.getByRole('button', { name: 'Đóng', exact: true }).last().click();
    await dialog.waitFor({ state: 'hidden' });

    // The link got lost: the admin sends a new one, and the first stops working.
    await page.getByRole('searchbox').fill(email);
    await page.getByRole('row').filter({ hasText: email }).getByRole('button', { name: 'Sửa Lý Thị Quản Lý' }).click();
    const edit = page.getByRole('dialog', { name: 'Sửa tài khoản' });
    await edit.getByRole('button', { name: 'Gửi lời mời mới' }).click();
    await edit.getByRole('status').filter({ hasText: 'hãy tự gửi liên kết này cho Lý Thị Quản Lý' }).waitFor();
    const second = await edit.getByLabel('Liên kết đặt mật khẩu').inputValue();
    expect(second).not.toBe(first);
    await admin.close();

    const owner = await newContext(browser, { viewport, phone });
    const newcomer = await owner.newPage();
    const pathOf = (link: string) => {
      const url = new URL(link);
      return `${app.baseUrl}${url.pathname}${url.search}`;
    };
    await newcomer.goto(pathOf(first));
    await newcomer.getByRole('heading', { level: 1, name: 'Đặt mật khẩu' }).waitFor();
    await newcomer.getByLabel('Mật khẩu mới').fill('my-own-password-1');
    await newcomer.getByRole('button', { name: 'Lưu mật khẩu' }).click();
    await newcomer.getByRole('alert').filter({ hasText: 'Đường dẫn này không hợp lệ hoặc đã hết hạn.' }).waitFor();

    await newcomer.goto(pathOf(second));
    await newcomer.getByLabel('Mật khẩu mới').fill('my-own-password-1');
    await newcomer.getByRole('button', { name: 'Lưu mật khẩu' }).click();
    await newcomer.getByRole('status').filter({ hasText: 'Đã đặt mật khẩu.' }).waitFor();
    await screenshot(newcomer, `invite-password-set-${name}`);
    await newcomer.getByLabel('Email').fill(email);
    await newcomer.getByLabel('Mật khẩu').fill('my-own-password-1');
    await newcomer.getByRole('main').getByRole('button', { name: 'Đăng nhập' }).click();
    await newcomer.waitForURL((url) => !url.pathname.startsWith('/sign-in'));
    await openMenu(newcomer, phone);
    await newcomer.getByRole('link', { name: 'Hồ sơ của tôi: Lý Thị Quản Lý' }).waitFor();
    // Opened as the lab's manager.
    await newcomer.getByRole('link', { name: 'Quản lý lab' }).waitFor();
    // The link was for one use.
    await owner.clearCookies();
    await newcomer.evaluate(() => localStorage.clear());
    await newcomer.goto(pathOf(second));
    await newcomer.getByLabel('Mật khẩu mới').fill('someone-elses-password');
    await newcomer.getByRole('button', { name: 'Lưu mật khẩu' }).click();
    await newcomer.getByRole('alert').filter({ hasText: 'Đường dẫn này không hợp lệ hoặc đã hết hạn.' }).waitFor();
    await owner.close();
  });
}

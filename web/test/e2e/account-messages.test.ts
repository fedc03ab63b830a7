// Issue 17: what a person is told around their account — a welcome after registering, the wrong
// password named as such when deleting the account, a confirmation once it is deleted — and the
// dashboard's trend saying it is loading rather than that there are no figures.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { DESKTOP, launchBrowser, newContext, PHONE, screenshot, signIn } from './helpers/browser';
import { startApp, type RunningApp } from './helpers/server';

let app: RunningApp;
let browser: Browser;

beforeAll(async () => {
  app = await startApp();
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

test('a new member is welcomed; deleting the account names a wrong password, then confirms', async () => {
  const context = await newContext(browser, { viewport: PHONE, phone: true });
  const page = await context.newPage();
  await page.goto(`${app.baseUrl}/register`);
  await page.getByLabel('Email').fill('new.maker@example.com');
  await page.getByLabel(/^Mật khẩu/).fill('a-long-password');
  await page.getByLabel('Họ và tên').fill('Trần Thị Mai');
  await page.getByRole('main').getByRole('button', { name: 'Đăng ký' }).click();
  await page.getByRole('status').filter({ hasText: 'Chào mừng Trần Thị Mai!' }).waitFor();
  await screenshot(page, 'welcome-phone');

  await page.getByRole('button', { name: 'Menu' }).click();
  await page.getByRole('link', { name: 'Hồ sơ của tôi: Trần Thị Mai' }).click();
  await page.getByRole('heading', { level: 1, name: 'Hồ sơ của tôi' }).waitFor();
  await page.getByRole('button', { name: 'Xóa tài khoản' }).click();
  const dialog = page.getByRole('dialog', { name: 'Xóa tài khoản?' });
  await dialog.getByLabel('Mật khẩu hiện tại').fill('not-my-password');
  await dialog.getByRole('button', { name: 'Xóa vĩnh viễn' }).click();
  await dialog.getByRole('alert').filter({ hasText: 'Mật khẩu hiện tại không đúng.' }).waitFor();
  expect(await dialog.getByText('Email hoặc mật khẩu không đúng.').count()).toBe(0);
  await screenshot(page, 'delete-account-wrong-password-phone');

  await dialog.getByLabel('Mật khẩu hiện tại').fill('a-long-password');
  await dialog.getByRole('button', { name: 'Xóa vĩnh viễn' }).click();
  await page.getByRole('heading', { level: 1, name: 'Tài khoản đã được xóa' }).waitFor();
  await page.getByRole('status').filter({ hasText: 'Tài khoản của bạn đã được xóa.' }).waitFor();
  // Signed out: the header offers to sign in again.
  await page.getByRole('button', { name: 'Menu' }).click();
  await page.getByRole('link', { name: 'Đăng nhập' }).waitFor();
  await screenshot(page, 'account-deleted-phone');
  await context.close();
});

test('the trend card says it is loading while its figures are on their way', async () => {
  const context = await newContext(browser, { viewport: DESKTOP });
  const page = await context.newPage();
  let release: () => void = () => undefined;
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route('**/api/stats/trend**', async (route) => {
    await held;
    await route.continue();
  });
  await signIn(page, app.baseUrl, 'department@fablab.local');
  await page.goto(`${app.baseUrl}/dashboard`);
  const trend = page.getByRole('figure', { name: 'Diễn biến 12 tháng' });
  await trend.getByRole('status').filter({ hasText: 'Đang tải' }).waitFor();
  expect(await trend.getByText('Không có số liệu.').count()).toBe(0);
  await screenshot(page, 'dashboard-trend-loading');
  release();
  await trend.locator('.recharts-line').first().waitFor();
  await context.close();
});

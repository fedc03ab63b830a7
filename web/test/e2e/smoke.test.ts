// Issue 2: the built app opens, a demo maker signs in and sees the three labs in Vietnamese.
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

const LAB_NAMES_VI = [
  'Phòng thí nghiệm chế tạo cơ điện Bình Dương',
  'Phòng thí nghiệm chế tạo công nghệ sinh học ứng dụng Bình Dương',
  'Phòng thí nghiệm chế tạo đa ngành',
];

test('a maker signs in and sees the three labs in Vietnamese, with their machines', async () => {
  const context = await newContext(browser, { viewport: DESKTOP });
  const page = await context.newPage();
  await page.goto(app.baseUrl);
  await expect.poll(() => page.locator('html').getAttribute('lang')).toBe('vi');
  await signIn(page, app.baseUrl, 'maker1@fablab.local');

  for (const name of LAB_NAMES_VI) {
    await page.getByRole('heading', { level: 2, name }).waitFor();
  }
  // The signed-in maker's name is in the header, and machines are listed with their rules.
  await page.getByText('Phạm Minh Anh').waitFor();
  const mechatronics = page.getByRole('article', { name: LAB_NAMES_VI[0] });
  await mechatronics.getByText('CO2 laser cutter 60W (A)').waitFor();
  await mechatronics.getByText('Máy cắt laser').first().waitFor();
  expect(await mechatronics.getByText('Cần chứng nhận').count()).toBeGreaterThan(0);
  await screenshot(page, 'labs-desktop');

  // English on request, remembered after a reload.
  await page.getByRole('button', { name: 'English' }).click();
  await page.getByRole('heading', { level: 2, name: 'Binh Duong Mechatronics Fab Lab' }).waitFor();
  await page.reload();
  await page.getByRole('heading', { level: 2, name: 'Binh Duong Mechatronics Fab Lab' }).waitFor();
  await page.getByRole('button', { name: 'Tiếng Việt' }).click();
  await page.getByRole('heading', { level: 2, name: LAB_NAMES_VI[0] }).waitFor();
  await context.close();
});

test('the lab list works on a phone, and the register form asks for a guardian under 16', async () => {
  const context = await newContext(browser, { viewport: PHONE, phone: true });
  const page = await context.newPage();
  await page.goto(app.baseUrl);
  for (const name of LAB_NAMES_VI) await page.getByRole('heading', { level: 2, name }).waitFor();
  await screenshot(page, 'labs-phone');

  await page.getByRole('button', { name: 'Menu' }).click();
  await page.getByRole('link', { name: 'Đăng ký' }).click();
  await page.getByRole('heading', { level: 1, name: 'Tạo tài khoản thành viên' }).waitFor();
  await page.getByLabel('Tôi dưới 16 tuổi').check();
  await page.getByLabel('Họ tên người giám hộ').waitFor();
  await screenshot(page, 'register-phone');
  const widths = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(widths).toBeLessThanOrEqual(PHONE.width);
  await context.close();
});

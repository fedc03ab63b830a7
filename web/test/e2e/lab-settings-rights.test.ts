// Issue 17: the lab settings page offers each user only what they may save. A lab's managers
// edit its opening hours, booking rules and closures and read its identity (slug, names, host,
// zone: PATCH /api/labs/:id answers a manager 403 for those); an administrator edits everything.
import type { Lab } from '@fablab/shared';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { labsOf } from './helpers/api';
import { DESKTOP, launchBrowser, newContext, screenshot, signIn } from './helpers/browser';
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

/** Form controls in the lab's settings card (closures and machines have their own). */
const identityControls = (page: Page) =>
  page.getByRole('region', { name: 'Thông tin và giờ mở cửa' }).getByLabel(/Mã định danh|Đơn vị chủ quản|Múi giờ/);

test('a lab manager edits hours, rules and closures, and is offered no field of the lab the server would refuse', async () => {
  const context = await newContext(browser, { viewport: DESKTOP });
  const page = await context.newPage();
  const refused: string[] = [];
  page.on('response', (r) => {
    if (r.status() === 403) refused.push(`${r.request().method()} ${r.url()}`);
  });
  await signIn(page, app.baseUrl, 'manager.mechatronics@fablab.local');
  await page.goto(`${app.baseUrl}/manage/${lab.id}/settings`);
  const card = page.getByRole('region', { name: 'Thông tin và giờ mở cửa' });
  await card.getByText(lab.nameVi, { exact: true }).waitFor();
  await card.getByText('giờ Việt Nam, UTC+7').waitFor();
  expect(await identityControls(page).count()).toBe(0);
  await card.getByLabel('Số giờ mỗi thành viên mỗi tuần').fill('18');
  await card.getByRole('button', { name: 'Lưu' }).click();
  await card.getByRole('status').filter({ hasText: 'Đã lưu.' }).waitFor();
  await screenshot(page, 'lab-settings-manager');

  const closures = page.getByRole('region', { name: /^Ngày nghỉ/ });
  await closures.getByLabel('Từ ngày').fill('2031-01-02');
  await closures.getByLabel('Lý do', { exact: true }).fill('Kiểm kê');
  await closures.getByRole('button', { name: 'Thêm ngày nghỉ' }).click();
  const confirm = page.getByRole('dialog', { name: 'Xác nhận ngày nghỉ' });
  await confirm.getByText('Không có lượt đặt nào bị hủy.').waitFor();
  await confirm.getByRole('button', { name: 'Xác nhận ngày nghỉ' }).click();
  const added = closures.getByRole('listitem').filter({ hasText: 'Kiểm kê' });
  await added.waitFor();
  await added.getByRole('button', { name: 'Xóa' }).click();
  await expect.poll(() => added.count()).toBe(0);
  expect(refused).toEqual([]);
  await context.close();
});

test('an administrator edits the lab’s identity, hours and rules', async () => {
  const context = await newContext(browser, { viewport: DESKTOP });
  const page = await context.newPage();
  await signIn(page, app.baseUrl, 'admin@fablab.local');
  await page.goto(`${app.baseUrl}/manage/${lab.id}/settings`);
  const card = page.getByRole('region', { name: 'Thông tin và giờ mở cửa' });
  await card.getByLabel('Mã định danh (slug)').waitFor();
  expect(await card.getByLabel('Mã định danh (slug)').inputValue()).toBe('mechatronics');
  await card.getByLabel('Đơn vị chủ quản').fill(`${lab.host} — cơ sở 2`);
  await card.getByLabel('Số giờ mỗi thành viên mỗi tuần').fill('12');
  await card.getByRole('button', { name: 'Lưu' }).click();
  await card.getByRole('status').filter({ hasText: 'Đã lưu.' }).waitFor();
  await screenshot(page, 'lab-settings-admin');
  await context.close();
});

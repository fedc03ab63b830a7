// The department opens the monthly dashboard and downloads the month's figures as XLSX (and CSV).
import { readFile } from 'node:fs/promises';
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

test('the department reads the dashboard and downloads the XLSX', async () => {
  const context = await newContext(browser, { viewport: DESKTOP });
  const page = await context.newPage();
  await signIn(page, app.baseUrl, 'department@fablab.local');
  await page.getByRole('link', { name: 'Thống kê' }).click();
  await page.getByRole('heading', { level: 1, name: 'Thống kê sử dụng hằng tháng' }).waitFor();
  await page.getByRole('heading', { name: /^Tổng hợp tháng \d\d\/\d{4}$/ }).waitFor();
  await page
    .getByRole('figure', { name: 'Tỷ lệ sử dụng theo phòng lab' })
    .locator('.recharts-bar-rectangle')
    .first()
    .waitFor();
  await page.getByRole('figure', { name: 'Diễn biến 12 tháng' }).locator('.recharts-line').first().waitFor();
  await screenshot(page, 'dashboard-desktop');
  // The figures are there as numbers too, and the breakdowns name categories in Vietnamese.
  const lab = page.getByRole('figure', { name: 'Tỷ lệ sử dụng theo phòng lab' });
  await lab.getByText('Xem dạng bảng').click();
  await lab.getByRole('rowheader', { name: 'Phòng thí nghiệm chế tạo cơ điện Bình Dương' }).waitFor();
  await page.getByRole('figure', { name: 'Theo đối tượng' }).getByText('Xem dạng bảng').click();
  await page
    .getByRole('figure', { name: 'Theo đối tượng' })
    .getByRole('rowheader', { name: 'Học sinh, sinh viên' })
    .waitFor();
  await screenshot(page, 'dashboard-breakdowns-desktop');

  const [xlsx] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Tải Excel (XLSX)' }).click(),
  ]);
  expect(xlsx.suggestedFilename()).toMatch(/\d{4}-\d{2}.*\.xlsx$/);
  const xlsxBytes = await readFile((await xlsx.path())!);
  expect(xlsxBytes.subarray(0, 2).toString('latin1')).toBe('PK');
  expect(xlsxBytes.length).toBeGreaterThan(2000);
  await page.getByRole('status').filter({ hasText: xlsx.suggestedFilename() }).waitFor();

  // One lab, as CSV: UTF-8 with a byte-order mark so that Excel reads Vietnamese.
  await page
    .getByRole('combobox', { name: 'Phòng lab', exact: true })
    .selectOption({ label: 'Phòng thí nghiệm chế tạo cơ điện Bình Dương' });
  await page.getByRole('heading', { name: /^Tổng hợp tháng/ }).waitFor();
  const [csv] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Tải CSV' }).click(),
  ]);
  expect(csv.suggestedFilename()).toMatch(/\.csv$/);
  const csvBytes = await readFile((await csv.path())!);
  expect([...csvBytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  await context.close();
});

test('the dashboard reads on a phone', async () => {
  const context = await newContext(browser, { viewport: PHONE, phone: true });
  const page = await context.newPage();
  await signIn(page, app.baseUrl, 'department@fablab.local');
  await page.goto(`${app.baseUrl}/dashboard`);
  await page.getByRole('heading', { name: /^Tổng hợp tháng/ }).waitFor();
  await page
    .getByRole('figure', { name: 'Tỷ lệ sử dụng theo phòng lab' })
    .locator('.recharts-bar-rectangle')
    .first()
    .waitFor();
  await screenshot(page, 'dashboard-phone');
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
  await context.close();
});

// A forgotten password: the request page answers the same whatever the email, and a bad link is
// explained. An admin reads the audit log and sees a change translated; a manager removes a
// maintenance window, and that is in the lab's log too; a manager cancels a weekly series from
// one occurrence on.
import type { Booking, Lab, LabWithClosures } from '@fablab/shared';
import { DateTime } from 'luxon';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { apiGet, apiToken, labsOf, machinesOf } from './helpers/api';
import { DESKTOP, launchBrowser, newContext, screenshot, signIn } from './helpers/browser';
import { freeWeekday, LAB_ZONE } from './helpers/dates';
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

test('forgot password answers with the neutral message, and a bad reset link is refused', async () => {
  const context = await newContext(browser, { viewport: DESKTOP });
  const page = await context.newPage();
  await page.goto(`${app.baseUrl}/sign-in`);
  await page.getByRole('link', { name: 'Quên mật khẩu?' }).click();
  await page.getByRole('heading', { name: 'Quên mật khẩu' }).waitFor();
  await page.getByLabel('Email').fill('nobody-here@example.com');
  await page.getByRole('button', { name: 'Gửi đường dẫn' }).click();
  await page
    .getByRole('status')
    .filter({ hasText: 'Nếu có tài khoản dùng email này, đường dẫn đặt lại mật khẩu đang được gửi tới.' })
    .waitFor();
  await screenshot(page, 'forgot-password-sent');

  await page.goto(`${app.baseUrl}/reset-password?token=not-a-real-token`);
  await page.getByLabel('Mật khẩu mới').fill('a-new-password-123');
  await page.getByRole('button', { name: 'Lưu mật khẩu mới' }).click();
  await expect
    .poll(() => page.getByRole('alert').textContent())
    .toContain('Đường dẫn này không hợp lệ hoặc đã hết hạn.');
  await context.close();
});

test('an admin sees a closure they added in the audit log, with the action translated', async () => {
  const lab = (await labsOf(app.baseUrl)).find((l: Lab) => l.slug === 'mechatronics')!;
  const token = await apiToken(app.baseUrl, 'admin@fablab.local');
  const day = new Date(Date.now() + 200 * 86_400_000).toISOString().slice(0, 10);
  const created = await fetch(`${app.baseUrl}/api/labs/${lab.id}/closures`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
    body: JSON.stringify({ from: day, to: day, reason: 'Kiểm kê thiết bị' }),
  });
  expect(created.status, await created.clone().text()).toBe(201);

  const context = await newContext(browser, { viewport: DESKTOP });
  const page = await context.newPage();
  await signIn(page, app.baseUrl, 'admin@fablab.local');
  await page.getByRole('link', { name: 'Quản trị', exact: true }).click();
  await page.getByRole('link', { name: 'Nhật ký thao tác' }).click();
  await page.getByRole('heading', { name: 'Nhật ký thao tác' }).waitFor();
  const row = page.getByRole('row').filter({ hasText: 'Thêm ngày nghỉ' });
  await row.first().waitFor();
  await expect.poll(() => row.first().textContent()).toMatch(/\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}/);
  expect(await row.first().textContent()).toContain('Quản trị viên');

  // Filtering by the lab keeps the entry.
  await page.getByLabel('Phòng lab').selectOption(lab.id);
  await row.first().waitFor();
  await screenshot(page, 'audit-log-desktop');
  await context.close();
});

test('a manager deletes a maintenance window, and the audit log records it', async () => {
  const lab = (await labsOf(app.baseUrl)).find((l: Lab) => l.slug === 'mechatronics')!;
  const machine = (await machinesOf(app.baseUrl, lab.id)).find((m) => m.status !== 'retired')!;
  const token = await apiToken(app.baseUrl, 'manager.mechatronics@fablab.local');
  const start = new Date(Date.now() + 5 * 86_400_000);
  start.setUTCHours(3, 0, 0, 0);
  const created = await fetch(`${app.baseUrl}/api/machines/${machine.id}/maintenance`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
    body: JSON.stringify({
      start: start.toISOString(),
      end: new Date(start.getTime() + 3_600_000).toISOString(),
      reason: 'Vệ sinh trục vít',
    }),
  });
  expect(created.status, await created.clone().text()).toBe(201);

  const context = await newContext(browser, { viewport: DESKTOP });
  const page = await context.newPage();
  page.on('dialog', (dialog) => void dialog.accept());
  await signIn(page, app.baseUrl, 'manager.mechatronics@fablab.local');
  await page.goto(`${app.baseUrl}/manage/${lab.id}/today`);
  const upcoming = page.getByRole('list', { name: 'Lịch bảo trì sắp tới' });
  await upcoming.getByText('Vệ sinh trục vít').waitFor();
  await upcoming.getByRole('button', { name: `Xóa lịch bảo trì ${machine.name}` }).click();
  await page.getByText('Không có lịch bảo trì nào sắp tới.').waitFor();

  await page.getByRole('link', { name: 'Nhật ký thao tác' }).click();
  await page.getByRole('row').filter({ hasText: 'Xóa lịch bảo trì' }).first().waitFor();
  await page.getByRole('row').filter({ hasText: 'Lên lịch bảo trì' }).first().waitFor();
  await context.close();
});

test('a manager cancels a weekly series from an occurrence on', async () => {
  const lab = (await labsOf(app.baseUrl)).find((l: Lab) => l.slug === 'mechatronics')!;
  const machine = (await machinesOf(app.baseUrl, lab.id)).find(
    (m) => !m.requiresApproval && !m.requiresCertification && m.status === 'available',
  )!;
  const token = await apiToken(app.baseUrl, 'manager.mechatronics@fablab.local');
  const me = await apiGet<{ fullName: string }>(app.baseUrl, '/me', token);
  const closures = (await apiGet<LabWithClosures>(app.baseUrl, `/labs/${lab.id}`)).closures;
  const day = freeWeekday(9, closures, 2);
  const first = DateTime.fromISO(`${day}T14:00`, { zone: LAB_ZONE });
  const response = await fetch(`${app.baseUrl}/api/bookings/series`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
    body: JSON.stringify({
      machineIds: [machine.id],
      firstStart: first.toUTC().toISO(),
      firstEnd: first.plus({ hours: 1 }).toUTC().toISO(),
      repeat: { every: 'week', count: 3 },
      title: 'Lớp cơ điện tử',
      purpose: 'stem_class',
      onConflict: 'skip',
    }),
  });
  const text = await response.text();
  expect(response.status, text).toBe(201);
  const series = JSON.parse(text) as { seriesId: string; created: Booking[] };
  expect(series.created.length).toBeGreaterThan(1);

  const context = await newContext(browser, { viewport: DESKTOP });
  const page = await context.newPage();
  page.on('dialog', (dialog) => void dialog.accept());
  await signIn(page, app.baseUrl, 'manager.mechatronics@fablab.local');
  await page.goto(`${app.baseUrl}/manage/${lab.id}/today?date=${day}`);
  await page.locator('.rbc-event.entry-managed', { hasText: me.fullName }).first().click();
  const dialog = page.getByRole('dialog');
  await dialog.getByRole('button', { name: 'Hủy lượt này và các tuần sau' }).click();
  await dialog.waitFor({ state: 'hidden' });

  await expect
    .poll(async () => {
      const all = await apiGet<{ items: Booking[] }>(app.baseUrl, `/bookings?labId=${lab.id}&limit=500`, token);
      return all.items.filter((b) => b.seriesId === series.seriesId).map((b) => b.status);
    })
    .toEqual(series.created.map(() => 'cancelled'));
  await context.close();
});

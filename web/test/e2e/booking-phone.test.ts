// The maker's booking flow on a 390 px wide phone: the lab, its calendar, the booking form, and
// the booking in "my bookings", without sideways scrolling of the page itself.
import type { Lab, LabWithClosures, Machine } from '@fablab/shared';
import { DateTime } from 'luxon';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { apiGet, labsOf, machinesOf } from './helpers/api';
import { launchBrowser, newContext, PHONE, screenshot, signIn } from './helpers/browser';
import { freeWeekday } from './helpers/dates';
import { startApp, type RunningApp } from './helpers/server';

let app: RunningApp;
let browser: Browser;
let lab: Lab;
let machine: Machine;
let day: string;

beforeAll(async () => {
  app = await startApp();
  browser = await launchBrowser();
  lab = (await labsOf(app.baseUrl)).find((l) => l.slug === 'biic')!;
  machine = (await machinesOf(app.baseUrl, lab.id)).find(
    (m) => !m.requiresApproval && !m.requiresCertification && m.status === 'available',
  )!;
  day = freeWeekday(9, (await apiGet<LabWithClosures>(app.baseUrl, `/labs/${lab.id}`)).closures, 2);
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

const pageWidth = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth);

test('a maker books from a phone', async () => {
  const context = await newContext(browser, { viewport: PHONE, phone: true });
  const page = await context.newPage();
  await signIn(page, app.baseUrl, 'maker4@fablab.local');
  const card = page.getByRole('article', { name: 'Phòng thí nghiệm chế tạo đa ngành' });
  await card.getByRole('link', { name: 'Xem lịch và đặt máy' }).click();
  await page.getByRole('heading', { level: 1, name: 'Phòng thí nghiệm chế tạo đa ngành' }).waitFor();
  await page.getByLabel('Ngày', { exact: true }).fill(day);
  await page.locator('.rbc-row-resource .resource-title', { hasText: machine.name }).waitFor();
  expect(await pageWidth(page)).toBeLessThanOrEqual(PHONE.width);
  await screenshot(page, 'calendar-phone');

  // One machine over the week reads better on a small screen.
  await page.getByRole('button', { name: 'Tuần — một máy' }).click();
  await page.getByRole('combobox', { name: 'Máy', exact: true }).selectOption(machine.id);
  await page
    .locator('.rbc-time-header .rbc-header')
    .filter({ hasText: /\d\d\/\d\d/ })
    .first()
    .waitFor();
  expect(await pageWidth(page)).toBeLessThanOrEqual(PHONE.width);
  await screenshot(page, 'calendar-week-phone');

  await page.getByRole('button', { name: 'Đặt máy' }).click();
  const dialog = page.getByRole('dialog', { name: 'Đặt máy' });
  await dialog.getByLabel('Máy').selectOption(machine.id);
  await dialog.getByLabel('Ngày').fill(day);
  await dialog.getByLabel('Bắt đầu').selectOption('13:00');
  await dialog.getByLabel('Kết thúc').selectOption('14:00');
  await dialog.getByLabel('Mục đích').selectOption('research');
  await dialog.getByText('Máy này được duyệt ngay khi đặt.').waitFor();
  await screenshot(page, 'booking-dialog-phone');
  await dialog.getByRole('button', { name: 'Đặt máy' }).click();
  await page
    .getByRole('status')
    .filter({ hasText: `Đã đặt ${machine.name}` })
    .waitFor();
  await page.locator('.rbc-event.entry-mine', { hasText: 'Đã duyệt' }).waitFor();

  await page.getByRole('button', { name: 'Menu' }).click();
  await page.getByRole('link', { name: 'Lịch của tôi' }).click();
  // The demo's own bookings on this machine may share the hour or the reason on other days: the
  // item is the one of this day and hour.
  const shownDay = DateTime.fromISO(day).toFormat('dd/MM/yyyy');
  const item = page
    .getByRole('listitem')
    .filter({ hasText: machine.name })
    .filter({ hasText: `${shownDay} 13:00–14:00` });
  await item.getByText('Đã duyệt').waitFor();
  expect(await pageWidth(page)).toBeLessThanOrEqual(PHONE.width);
  await screenshot(page, 'my-bookings-phone');

  // Cancelling from the phone.
  await item.getByRole('button', { name: 'Hủy lượt đặt' }).click();
  const confirm = page.getByRole('dialog', { name: 'Hủy lượt đặt?' });
  await confirm.getByLabel('Lý do (không bắt buộc)').fill('Đổi kế hoạch');
  await confirm.getByRole('button', { name: 'Hủy lượt đặt' }).click();
  const cancelled = page
    .getByRole('listitem')
    .filter({ hasText: machine.name })
    .filter({ hasText: `${shownDay} 13:00–14:00` })
    .filter({ hasText: 'Đổi kế hoạch' });
  await cancelled.getByText('Đã hủy').waitFor();
  expect(await cancelled.count()).toBe(1);
  await context.close();
});

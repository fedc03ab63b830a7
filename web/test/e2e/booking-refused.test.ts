// A refused booking says why, in Vietnamese: a certified machine booked by a member without the
// certification (warned before trying), and a time outside the lab's opening hours.
import type { Certification, Lab, LabWithClosures, Machine, User } from '@fablab/shared';
import { DateTime } from 'luxon';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { apiGet, apiToken, labsOf, machinesOf } from './helpers/api';
import { DESKTOP, launchBrowser, newContext, screenshot, signIn } from './helpers/browser';
import { freeWeekday, LAB_ZONE } from './helpers/dates';
import { startApp, type RunningApp } from './helpers/server';

let app: RunningApp;
let browser: Browser;
let lab: Lab;
let machines: Machine[];
let closures: LabWithClosures['closures'];

beforeAll(async () => {
  app = await startApp();
  browser = await launchBrowser();
  lab = (await labsOf(app.baseUrl)).find((l) => l.slug === 'mechatronics')!;
  machines = await machinesOf(app.baseUrl, lab.id);
  closures = (await apiGet<LabWithClosures>(app.baseUrl, `/labs/${lab.id}`)).closures;
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

test('booking a certified machine without the certification is refused with the reason in Vietnamese', async () => {
  const token = await apiToken(app.baseUrl, 'maker5@fablab.local');
  const me = await apiGet<User>(app.baseUrl, '/me', token);
  const held = await apiGet<{ items: Certification[] }>(app.baseUrl, `/certifications?userId=${me.id}`, token);
  const certified = machines.find(
    (m) =>
      m.requiresCertification &&
      m.status === 'available' &&
      !held.items.some((c) => c.machineType === m.type && c.labId === lab.id && c.state === 'valid'),
  );
  expect(certified, 'a certified machine maker5 holds no certification for').toBeDefined();
  const day = freeWeekday(10, closures);

  const context = await newContext(browser, { viewport: DESKTOP });
  const page = await context.newPage();
  await signIn(page, app.baseUrl, 'maker5@fablab.local');
  await page.goto(`${app.baseUrl}/labs/${lab.id}?date=${day}`);
  // The calendar says which machines need a certification before anyone tries.
  await page
    .locator('.rbc-row-resource .rbc-header', { hasText: certified!.name })
    .getByText(/cần chứng nhận/)
    .waitFor();

  await page.getByRole('button', { name: 'Đặt máy' }).click();
  const dialog = page.getByRole('dialog', { name: 'Đặt máy' });
  await dialog.getByLabel('Máy').selectOption(certified!.id);
  await dialog.getByText(/Máy này cần chứng nhận sử dụng .*Bạn chưa có chứng nhận còn hiệu lực/).waitFor();
  await dialog.getByLabel('Ngày').fill(day);
  await dialog.getByLabel('Bắt đầu').selectOption('10:00');
  await dialog.getByLabel('Kết thúc').selectOption('11:00');
  await dialog.getByRole('button', { name: 'Gửi yêu cầu đặt máy' }).click();
  await dialog
    .getByRole('alert')
    .filter({ hasText: 'Máy này cần chứng nhận sử dụng mà bạn chưa có hoặc đã hết hạn.' })
    .waitFor();
  await screenshot(page, 'booking-refused-desktop');
  await context.close();
});

test('a booking outside opening hours is refused with the reason in Vietnamese', async () => {
  const open = machines.find(
    (m) => !m.requiresCertification && !m.requiresApproval && m.status === 'available' && !m.mayRunUnattended,
  )!;
  // A Saturday: the lab closes at noon.
  let saturday = DateTime.now().setZone(LAB_ZONE).startOf('day').plus({ days: 9 });
  while (
    saturday.weekday !== 6 ||
    closures.some((c) => c.from <= saturday.toISODate()! && saturday.toISODate()! <= c.to)
  )
    saturday = saturday.plus({ days: 1 });
  const context = await newContext(browser, { viewport: DESKTOP });
  const page = await context.newPage();
  await signIn(page, app.baseUrl, 'maker3@fablab.local');
  await page.goto(`${app.baseUrl}/labs/${lab.id}?date=${saturday.toISODate()}`);
  await page.getByRole('button', { name: 'Đặt máy' }).click();
  const dialog = page.getByRole('dialog', { name: 'Đặt máy' });
  await dialog.getByLabel('Máy').selectOption(open.id);
  await dialog.getByLabel('Ngày').fill(saturday.toISODate()!);
  await dialog.getByLabel('Bắt đầu').selectOption('14:00');
  await dialog.getByRole('button', { name: /^(Đặt máy|Gửi yêu cầu đặt máy)$/ }).click();
  await dialog.getByRole('alert').filter({ hasText: 'Ngoài giờ mở cửa của phòng lab' }).waitFor();
  await context.close();
});

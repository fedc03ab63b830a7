// A refused booking says why, in Vietnamese: a certified machine booked by a member without the
// certification (warned before trying); a time outside the lab's opening hours, or time that
// another booking holds (the form does not offer it; a drop onto it says so, or the server does).
import type { Booking, Certification, Lab, LabWithClosures, Machine, User } from '@fablab/shared';
import { DateTime } from 'luxon';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { apiGet, apiPost, apiToken, labsOf, machinesOf } from './helpers/api';
import { visibleSlotPoint } from './helpers/calendar';
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

test('a time outside opening hours is not offered', async () => {
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
  const starts = dialog.getByLabel('Bắt đầu').locator('option');
  await expect.poll(() => starts.allTextContents()).not.toContain('14:00');
  expect((await starts.allTextContents()).every((time) => time < '12:00')).toBe(true);
  await dialog.getByLabel('Bắt đầu').selectOption('10:00');
  const ends = await dialog.getByLabel('Kết thúc').locator('option').allTextContents();
  expect(ends.every((time) => time <= '12:00')).toBe(true);
  await context.close();
});

const atLab = (day: string, hhmm: string) => DateTime.fromISO(`${day}T${hhmm}`, { zone: LAB_ZONE }).toISO()!;

async function bookAs(email: string, machineId: string, day: string, from: string, to: string) {
  const token = await apiToken(app.baseUrl, email);
  return apiPost<Booking>(app.baseUrl, '/bookings', token, {
    machineId,
    start: atLab(day, from),
    end: atLab(day, to),
    purpose: 'research',
  });
}

test('the booking form offers ends only up to the next busy period; a drop on busy time says why', async () => {
  const open = machines.find(
    (m) =>
      !m.requiresCertification &&
      !m.requiresApproval &&
      m.status === 'available' &&
      !m.mayRunUnattended &&
      m.slotMinutes === 30,
  )!;
  const day = freeWeekday(11, closures, 3);
  await bookAs('maker1@fablab.local', open.id, day, '11:00', '12:00');
  await bookAs('maker2@fablab.local', open.id, day, '08:00', '09:00');
  const context = await newContext(browser, { viewport: DESKTOP });
  const page = await context.newPage();
  await signIn(page, app.baseUrl, 'maker2@fablab.local');
  await page.goto(`${app.baseUrl}/labs/${lab.id}?date=${day}`);
  await page.locator('.rbc-event.entry-mine').waitFor();

  await page.getByRole('toolbar').getByRole('button', { name: 'Đặt máy' }).click();
  const dialog = page.getByRole('dialog', { name: 'Đặt máy' });
  await dialog.getByLabel('Máy').selectOption(open.id);
  await dialog.getByLabel('Ngày').fill(day);
  await dialog.getByLabel('Bắt đầu').selectOption('10:00');
  const ends = await dialog.getByLabel('Kết thúc').locator('option').allTextContents();
  expect(ends).toEqual(['10:30', '11:00']);
  // Busy starts are not offered either.
  const starts = await dialog.getByLabel('Bắt đầu').locator('option').allTextContents();
  expect(starts).not.toContain('11:00');
  expect(starts).not.toContain('11:30');
  await screenshot(page, 'booking-ends-before-busy');
  await dialog.getByRole('button', { name: 'Hủy' }).click();

  // Dragging one's 08:00 booking onto the other member's 11:00.
  const grab = await visibleSlotPoint(page, open.name, '08:20');
  const target = await visibleSlotPoint(page, open.name, '11:00');
  await page.mouse.move(grab.x, grab.y);
  await page.mouse.down();
  await page.mouse.move(grab.x, grab.y + 12, { steps: 3 });
  await page.mouse.move(target.x, target.y + 4, { steps: 12 });
  await page.mouse.up();
  const confirm = page.getByRole('dialog', { name: 'Đổi giờ lượt đặt?' });
  await confirm
    .getByRole('alert')
    .filter({ hasText: 'Không đổi được: giờ mới trùng với một lượt đặt khác (11:00–12:00).' })
    .waitFor();
  expect(await confirm.getByRole('button', { name: 'Lưu giờ mới' }).count()).toBe(0);
  await screenshot(page, 'booking-drop-refused');
  await confirm.getByRole('button', { name: 'Đóng', exact: true }).last().click();
  await context.close();
});

test('when the calendar did not know, the server’s conflict is shown in words', async () => {
  const open = machines.find(
    (m) =>
      !m.requiresCertification &&
      !m.requiresApproval &&
      m.status === 'available' &&
      !m.mayRunUnattended &&
      m.slotMinutes === 30,
  )!;
  const day = freeWeekday(11, closures, 4);
  await bookAs('maker3@fablab.local', open.id, day, '08:00', '09:00');
  const context = await newContext(browser, { viewport: DESKTOP });
  const page = await context.newPage();
  // No live updates: the calendar keeps what it loaded.
  await page.route('**/api/labs/*/events', (route) => route.abort());
  await signIn(page, app.baseUrl, 'maker3@fablab.local');
  await page.goto(`${app.baseUrl}/labs/${lab.id}?date=${day}`);
  await page.locator('.rbc-event.entry-mine').waitFor();
  // Someone else takes 14:00 meanwhile.
  await bookAs('maker1@fablab.local', open.id, day, '14:00', '15:00');
  const grab = await visibleSlotPoint(page, open.name, '08:20');
  const target = await visibleSlotPoint(page, open.name, '14:00');
  await page.mouse.move(grab.x, grab.y);
  await page.mouse.down();
  await page.mouse.move(grab.x, grab.y + 12, { steps: 3 });
  await page.mouse.move(target.x, target.y + 4, { steps: 12 });
  await page.mouse.up();
  const confirm = page.getByRole('dialog', { name: 'Đổi giờ lượt đặt?' });
  await confirm.getByRole('button', { name: 'Lưu giờ mới' }).click();
  await confirm.getByRole('alert').filter({ hasText: 'Trùng với một lượt đặt khác trên máy này.' }).waitFor();
  await screenshot(page, 'booking-drop-server-conflict');
  await context.close();
});

// Issue 17: a maker's own booking opens its details (click, tap or Enter) with what may be done
// now; dragging it asks first (old → new), lands where the pointer is, and can be undone.
import type { Booking, Lab, LabWithClosures, Machine } from '@fablab/shared';
import { readFile } from 'node:fs/promises';
import { DateTime } from 'luxon';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { apiGet, apiPost, apiToken, labsOf, machinesOf } from './helpers/api';
import { DESKTOP, launchBrowser, newContext, PHONE, screenshot, signIn } from './helpers/browser';
import { visibleSlotPoint } from './helpers/calendar';
import { freeWeekday, LAB_ZONE } from './helpers/dates';
import { startApp, type RunningApp } from './helpers/server';

let app: RunningApp;
let browser: Browser;
let lab: Lab;
let machine: Machine;
let closures: LabWithClosures['closures'];

beforeAll(async () => {
  app = await startApp();
  browser = await launchBrowser();
  lab = (await labsOf(app.baseUrl)).find((l) => l.slug === 'biic')!;
  machine = (await machinesOf(app.baseUrl, lab.id)).find(
    (m) => !m.requiresApproval && !m.requiresCertification && m.status === 'available' && m.slotMinutes <= 30,
  )!;
  closures = (await apiGet<LabWithClosures>(app.baseUrl, `/labs/${lab.id}`)).closures;
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

const at = (day: string, hhmm: string) => DateTime.fromISO(`${day}T${hhmm}`, { zone: LAB_ZONE });

async function bookAs(email: string, day: string, from: string, to: string): Promise<Booking> {
  const token = await apiToken(app.baseUrl, email);
  return apiPost<Booking>(app.baseUrl, '/bookings', token, {
    machineId: machine.id,
    start: at(day, from).toISO(),
    end: at(day, to).toISO(),
    purpose: 'personal_project',
  });
}

async function timesOf(email: string, id: string): Promise<string> {
  const token = await apiToken(app.baseUrl, email);
  const b = await apiGet<Booking>(app.baseUrl, `/bookings/${id}`, token);
  const zoned = (iso: string) => DateTime.fromISO(iso, { zone: LAB_ZONE }).toFormat('HH:mm');
  return `${zoned(b.start)}–${zoned(b.end)} ${b.status}`;
}

const ownEntry = (page: Page) => page.locator('.rbc-event.entry-mine');

test('clicking one’s booking opens its details; rescheduling from there saves and can be undone', async () => {
  const day = freeWeekday(9, closures, 0);
  const booking = await bookAs('maker2@fablab.local', day, '10:00', '11:00');
  const context = await newContext(browser, { viewport: DESKTOP });
  const page = await context.newPage();
  await signIn(page, app.baseUrl, 'maker2@fablab.local');
  await page.goto(`${app.baseUrl}/labs/${lab.id}?date=${day}`);
  await ownEntry(page).click();
  const dialog = page.getByRole('dialog', { name: 'Lượt đặt của bạn' });
  await dialog.getByText(machine.name).waitFor();
  await dialog.getByText('10:00–11:00').waitFor();
  for (const action of ['Đổi giờ', 'Thêm vào lịch', 'Hủy lượt đặt'])
    await dialog.getByRole('button', { name: action }).waitFor();
  // Not yet time to check in.
  expect(await dialog.getByRole('button', { name: 'Nhận máy' }).count()).toBe(0);
  await screenshot(page, 'booking-details-desktop');

  // Add to calendar: a file any calendar app reads.
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    dialog.getByRole('button', { name: 'Thêm vào lịch' }).click(),
  ]);
  expect(download.suggestedFilename()).toBe(`fablab-${day}.ics`);
  const ics = await readFile((await download.path())!, 'utf8');
  expect(ics).toContain(`DTSTART:${at(day, '10:00').toUTC().toFormat("yyyyMMdd'T'HHmmss'Z'")}`);

  await dialog.getByRole('button', { name: 'Đổi giờ' }).click();
  await dialog.getByLabel('Bắt đầu').selectOption('14:00');
  await dialog.getByLabel('Kết thúc').selectOption('15:30');
  await dialog.getByText(/10:00–11:00.*→.*14:00–15:30/).waitFor();
  await screenshot(page, 'booking-reschedule-desktop');
  await dialog.getByRole('button', { name: 'Lưu giờ mới' }).click();
  const done = page.getByRole('status').filter({ hasText: 'Đã đổi giờ' });
  await done.filter({ hasText: '14:00–15:30' }).waitFor();
  expect(await timesOf('maker2@fablab.local', booking.id)).toBe('14:00–15:30 approved');
  await done.getByRole('button', { name: 'Hoàn tác' }).click();
  await page.getByRole('status').filter({ hasText: 'Đã trả lại giờ cũ' }).waitFor();
  expect(await timesOf('maker2@fablab.local', booking.id)).toBe('10:00–11:00 approved');
  await context.close();
});

test('a drop asks before it saves, lands on the slot under the pointer, and offers Undo', async () => {
  const day = freeWeekday(9, closures, 1);
  const booking = await bookAs('maker3@fablab.local', day, '09:00', '10:00');
  const context = await newContext(browser, { viewport: DESKTOP });
  const page = await context.newPage();
  await signIn(page, app.baseUrl, 'maker3@fablab.local');
  await page.goto(`${app.baseUrl}/labs/${lab.id}?date=${day}`);
  await ownEntry(page).waitFor();
  // Grab the block in its lower half (09:40), drop the pointer on 14:00.
  const grab = await visibleSlotPoint(page, machine.name, '09:40');
  const target = await visibleSlotPoint(page, machine.name, '14:00');
  await page.mouse.move(grab.x, grab.y);
  await page.mouse.down();
  await page.mouse.move(grab.x, grab.y + 12, { steps: 3 });
  await page.mouse.move(target.x, target.y + 4, { steps: 12 });
  await page.mouse.up();
  const confirm = page.getByRole('dialog', { name: 'Đổi giờ lượt đặt?' });
  await confirm.getByText(/09:00–10:00.*→.*14:00–15:00/).waitFor();
  // Nothing is saved before the member says so.
  expect(await timesOf('maker3@fablab.local', booking.id)).toBe('09:00–10:00 approved');
  await screenshot(page, 'booking-drop-confirm-desktop');
  await confirm.getByRole('button', { name: 'Lưu giờ mới' }).click();
  const done = page.getByRole('status').filter({ hasText: 'Đã đổi giờ' });
  await done.waitFor();
  expect(await timesOf('maker3@fablab.local', booking.id)).toBe('14:00–15:00 approved');
  await done.getByRole('button', { name: 'Hoàn tác' }).click();
  await page.getByRole('status').filter({ hasText: 'Đã trả lại giờ cũ' }).waitFor();
  expect(await timesOf('maker3@fablab.local', booking.id)).toBe('09:00–10:00 approved');
  await context.close();
});

test('“Đổi giờ” in my bookings opens the new times at once; tapping a booking on a phone opens it', async () => {
  const day = freeWeekday(9, closures, 2);
  const booking = await bookAs('maker4@fablab.local', day, '13:00', '14:00');
  const context = await newContext(browser, { viewport: PHONE, phone: true });
  const page = await context.newPage();
  await signIn(page, app.baseUrl, 'maker4@fablab.local');
  await page.goto(`${app.baseUrl}/my`);
  const shownDay = DateTime.fromISO(day).toFormat('dd/MM/yyyy');
  const item = page
    .getByRole('listitem')
    .filter({ hasText: machine.name })
    .filter({ hasText: `${shownDay} 13:00–14:00` });
  await item.getByRole('button', { name: 'Đổi giờ' }).tap();
  const dialog = page.getByRole('dialog', { name: 'Lượt đặt của bạn' });
  await dialog.getByLabel('Kết thúc').selectOption('15:00');
  await dialog.getByRole('button', { name: 'Lưu giờ mới' }).tap();
  await page.getByRole('status').filter({ hasText: 'Đã đổi giờ' }).waitFor();
  expect(await timesOf('maker4@fablab.local', booking.id)).toBe('13:00–15:00 approved');

  // Tapping the booking itself (in the list, and in the day's calendar) opens its details.
  const moved = page
    .getByRole('listitem')
    .filter({ hasText: machine.name })
    .filter({ hasText: `${shownDay} 13:00–15:00` });
  await moved.getByRole('button', { name: new RegExp(machine.name) }).tap();
  await dialog.getByRole('button', { name: 'Hủy lượt đặt' }).waitFor();
  await screenshot(page, 'booking-details-phone');
  await dialog.getByRole('button', { name: 'Đóng' }).tap();
  await page.goto(`${app.baseUrl}/labs/${lab.id}?date=${day}&view=day`);
  await ownEntry(page).tap();
  await dialog.getByText('13:00–15:00').waitFor();
  await context.close();
});

// A maker drags over free time to request a machine that needs approval; the lab's manager
// approves it in the queue with one click; the maker sees it approved and is notified.
import type { Lab, LabWithClosures, Machine } from '@fablab/shared';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { apiGet, labsOf, machinesOf } from './helpers/api';
import { dragBetween, visibleSlotPoints } from './helpers/calendar';
import { freeWeekday } from './helpers/dates';
import { DESKTOP, launchBrowser, newContext, screenshot, signIn } from './helpers/browser';
import { startApp, type RunningApp } from './helpers/server';

let app: RunningApp;
let browser: Browser;
let lab: Lab;
let machine: Machine;
let day: string;

beforeAll(async () => {
  app = await startApp();
  browser = await launchBrowser();
  lab = (await labsOf(app.baseUrl)).find((l) => l.slug === 'mechatronics')!;
  const machines = await machinesOf(app.baseUrl, lab.id);
  machine = machines.find(
    (m) => m.requiresApproval && !m.requiresCertification && m.status === 'available' && 60 % m.slotMinutes === 0,
  )!;
  const withClosures = await apiGet<LabWithClosures>(app.baseUrl, `/labs/${lab.id}`);
  day = freeWeekday(9, withClosures.closures);
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

test('maker requests, manager approves, maker sees it approved', async () => {
  expect(machine, 'the demo has a machine that needs approval and no certification').toBeDefined();

  // The maker, on the lab's calendar, in a browser whose clock is in another zone.
  const makerContext = await newContext(browser, { viewport: DESKTOP, timezoneId: 'Europe/Paris' });
  const maker = await makerContext.newPage();
  await signIn(maker, app.baseUrl, 'maker2@fablab.local');
  await maker.getByRole('link', { name: 'Xem lịch và đặt máy' }).first().waitFor();
  await maker.goto(`${app.baseUrl}/labs/${lab.id}`);
  await maker.getByRole('heading', { level: 1, name: 'Phòng thí nghiệm chế tạo cơ điện Bình Dương' }).waitFor();
  await maker.getByLabel('Ngày', { exact: true }).fill(day);
  await maker.locator('.rbc-row-resource .resource-title', { hasText: machine.name }).waitFor();
  // The gutter shows the lab's hours, not Paris's.
  await maker.locator('.rbc-time-gutter', { hasText: '08:00' }).waitFor();

  // Drag over 09:00–10:00 on the machine's column.
  const [from, to] = await visibleSlotPoints(maker, machine.name, ['09:00', '10:00']);
  await dragBetween(maker, from!, to!);
  const dialog = maker.getByRole('dialog', { name: 'Đặt máy' });
  await dialog.waitFor();
  await expect.poll(() => dialog.getByLabel('Bắt đầu').inputValue()).toBe('09:00');
  await expect.poll(() => dialog.getByLabel('Kết thúc').inputValue()).toBe('10:00');
  await dialog.getByText('Yêu cầu sẽ chờ quản lý lab duyệt.').waitFor();
  await dialog.getByLabel('Mục đích').selectOption('startup_prototype');
  await dialog.getByLabel('Ghi chú (không bắt buộc)').fill('Vỏ hộp cảm biến, bản thử 2');
  await screenshot(maker, 'booking-dialog-desktop');
  await dialog.getByRole('button', { name: 'Gửi yêu cầu đặt máy' }).click();
  await maker.getByRole('status').filter({ hasText: 'chờ quản lý duyệt' }).waitFor();
  await maker.locator('.rbc-event.entry-mine', { hasText: 'Chờ duyệt' }).waitFor();
  await screenshot(maker, 'calendar-desktop');

  await maker.getByRole('link', { name: 'Lịch của tôi' }).click();
  const mine = maker.getByRole('listitem').filter({ hasText: machine.name }).filter({ hasText: 'Vỏ hộp cảm biến' });
  await mine.getByText('Chờ duyệt').waitFor();
  await screenshot(maker, 'my-bookings-desktop');

  // The manager of the lab approves it from the queue.
  const managerContext = await newContext(browser, { viewport: DESKTOP });
  const manager = await managerContext.newPage();
  await signIn(manager, app.baseUrl, 'manager.mechatronics@fablab.local');
  await manager.getByRole('link', { name: 'Quản lý lab' }).click();
  await manager.getByRole('heading', { name: 'Yêu cầu chờ duyệt' }).waitFor();
  const request = manager
    .getByRole('listitem')
    .filter({ hasText: 'Võ Thanh Tùng' })
    .filter({ hasText: machine.name })
    .filter({ hasText: 'Vỏ hộp cảm biến' });
  await request.waitFor();
  await request.getByText(/Lịch sử tại lab/).waitFor();
  await screenshot(manager, 'approval-queue-desktop');
  await request.getByRole('button', { name: 'Duyệt' }).click();
  await request.waitFor({ state: 'detached' });
  await managerContext.close();

  // The maker sees it approved, and a notification says so.
  await maker.reload();
  await maker.getByRole('listitem').filter({ hasText: 'Vỏ hộp cảm biến' }).getByText('Đã duyệt').waitFor();
  await maker.getByRole('link', { name: /Thông báo: \d+ chưa đọc/ }).click();
  await maker
    .getByText(new RegExp(`${machine.name.replace(/[()]/g, '.')}.*đã được duyệt`))
    .first()
    .waitFor();
  await screenshot(maker, 'notifications-desktop');
  await makerContext.close();
});

// A lab manager drags a maintenance window over a member's booking on the day view; the booking
// is cancelled with the window's reason, and the member sees that reason.
import type { Lab, LabWithClosures, Machine } from '@fablab/shared';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { apiGet, labsOf, machinesOf } from './helpers/api';
import { DESKTOP, launchBrowser, newContext, screenshot, signIn } from './helpers/browser';
import { dragBetween, visibleSlotPoint, visibleSlotPoints } from './helpers/calendar';
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
  lab = (await labsOf(app.baseUrl)).find((l) => l.slug === 'mechatronics')!;
  const machines = await machinesOf(app.baseUrl, lab.id);
  machine = machines.find(
    (m) => !m.requiresApproval && !m.requiresCertification && m.status === 'available' && !m.mayRunUnattended,
  )!;
  day = freeWeekday(9, (await apiGet<LabWithClosures>(app.baseUrl, `/labs/${lab.id}`)).closures, 1);
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

test('maintenance over a booking cancels it, and the maker sees the reason', async () => {
  expect(machine).toBeDefined();
  // The maker books a machine that needs no approval: approved at once.
  const makerContext = await newContext(browser, { viewport: DESKTOP });
  const maker = await makerContext.newPage();
  await signIn(maker, app.baseUrl, 'maker1@fablab.local');
  await maker.goto(`${app.baseUrl}/labs/${lab.id}?date=${day}`);
  await maker.locator('.rbc-row-resource .resource-title', { hasText: machine.name }).first().waitFor();
  const at = await visibleSlotPoint(maker, machine.name, '10:00');
  await maker.mouse.click(at.x, at.y + 5);
  const dialog = maker.getByRole('dialog', { name: 'Đặt máy' });
  await dialog.getByLabel('Kết thúc').selectOption('11:00');
  await dialog.getByRole('button', { name: 'Đặt máy' }).click();
  await maker.getByRole('status').filter({ hasText: 'Trạng thái: đã duyệt' }).waitFor();

  // The manager schedules maintenance over it by dragging on the day view.
  const managerContext = await newContext(browser, { viewport: DESKTOP });
  const manager = await managerContext.newPage();
  await signIn(manager, app.baseUrl, 'manager.mechatronics@fablab.local');
  await manager.getByRole('link', { name: 'Quản lý lab' }).click();
  await manager.getByRole('link', { name: 'Trong ngày' }).click();
  await manager.getByRole('heading', { name: 'Trạng thái máy lúc này' }).waitFor();
  await manager.getByRole('list', { name: 'Trạng thái máy lúc này' }).waitFor();
  await manager.getByLabel('Ngày', { exact: true }).fill(day);
  await manager.locator('.rbc-event.entry-managed', { hasText: 'Phạm Minh Anh' }).first().waitFor();
  await expect
    .poll(() => manager.getByRole('button', { name: 'Kéo để bảo trì' }).getAttribute('aria-pressed'))
    .toBe('true');
  const [from, to] = await visibleSlotPoints(manager, machine.name, ['09:30', '12:00']);
  await dragBetween(manager, from!, to!);
  const window = manager.getByRole('dialog', { name: 'Lên lịch bảo trì' });
  await window.waitFor();
  await expect.poll(() => window.getByLabel('Giờ bắt đầu').inputValue()).toBe('09:30');
  await expect.poll(() => window.getByLabel('Giờ kết thúc').inputValue()).toBe('12:00');
  await window.getByLabel('Lý do bảo trì').fill('Thay mỏ hàn và hiệu chỉnh nguồn');
  await window.getByRole('button', { name: 'Lên lịch bảo trì' }).click();
  // Before it is saved, the dialog lists what the window would cancel.
  const listed = window.getByRole('list', { name: 'Các lượt đặt sẽ bị hủy' }).getByRole('listitem');
  await listed.filter({ hasText: 'Phạm Minh Anh' }).filter({ hasText: machine.name }).waitFor();
  expect(await listed.count()).toBe(1);
  await window.getByRole('button', { name: 'Lên lịch và hủy 1 lượt đặt' }).click();
  await manager.getByRole('status').filter({ hasText: 'Đã hủy 1 lượt đặt trùng: Phạm Minh Anh' }).waitFor();
  await manager.locator('.rbc-event.entry-maintenance').first().waitFor();
  await screenshot(manager, 'manager-day-desktop');
  await managerContext.close();

  // The maker sees the booking cancelled, with the reason.
  await maker.getByRole('link', { name: 'Lịch của tôi' }).click();
  const item = maker
    .getByRole('listitem')
    .filter({ hasText: machine.name })
    .filter({ hasText: 'Thay mỏ hàn và hiệu chỉnh nguồn' });
  await item.getByText('Đã hủy').waitFor();
  await item.getByText('Lý do:').waitFor();
  await maker.getByRole('link', { name: /Thông báo: \d+ chưa đọc/ }).click();
  await maker
    .getByText(/đã bị hủy vì máy cần bảo trì/)
    .first()
    .waitFor();
  await screenshot(maker, 'maintenance-notified-desktop');
  await makerContext.close();
});

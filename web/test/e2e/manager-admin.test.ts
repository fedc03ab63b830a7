// The lab manager's other screens and the administrator's: certify a member (who may then book a
// certified machine), record a walk-in, add a closure, create a lab, give a member a role.
import type { Lab, LabWithClosures, Machine } from '@fablab/shared';
import { DateTime } from 'luxon';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { apiGet, labsOf, machinesOf } from './helpers/api';
import { DESKTOP, launchBrowser, newContext, PHONE, screenshot, signIn } from './helpers/browser';
import { freeWeekday, LAB_ZONE } from './helpers/dates';
import { startApp, type RunningApp } from './helpers/server';

let app: RunningApp;
let browser: Browser;
let lab: Lab;
let laser: Machine;
let closures: LabWithClosures['closures'];

beforeAll(async () => {
  app = await startApp();
  browser = await launchBrowser();
  lab = (await labsOf(app.baseUrl)).find((l) => l.slug === 'mechatronics')!;
  laser = (await machinesOf(app.baseUrl, lab.id)).find(
    (m) => m.type === 'laser_cutter' && m.requiresCertification && m.status === 'available',
  )!;
  closures = (await apiGet<LabWithClosures>(app.baseUrl, `/labs/${lab.id}`)).closures;
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

test('a manager certifies a member, who can then request the certified machine', async () => {
  const context = await newContext(browser, { viewport: DESKTOP });
  const manager = await context.newPage();
  await signIn(manager, app.baseUrl, 'manager.mechatronics@fablab.local');
  await manager.goto(`${app.baseUrl}/manage/${lab.id}/certifications`);
  await manager.getByLabel('Tìm thành viên (tên hoặc email)').fill('maker5');
  await manager.getByRole('button', { name: /Ngô Bích Ngọc · maker5@fablab.local/ }).click();
  await manager.getByRole('combobox', { name: 'Loại máy' }).selectOption('laser_cutter');
  await manager.getByRole('button', { name: 'Cấp chứng nhận' }).click();
  await manager.getByRole('status').filter({ hasText: 'Đã cấp chứng nhận Máy cắt laser cho Ngô Bích Ngọc' }).waitFor();
  await manager
    .getByRole('listitem')
    .filter({ hasText: 'Ngô Bích Ngọc · Máy cắt laser' })
    .getByText('Còn hiệu lực')
    .waitFor();
  await screenshot(manager, 'manager-certifications-desktop');

  const makerContext = await newContext(browser, { viewport: DESKTOP });
  const maker = await makerContext.newPage();
  await signIn(maker, app.baseUrl, 'maker5@fablab.local');
  const day = freeWeekday(12, closures);
  await maker.goto(`${app.baseUrl}/labs/${lab.id}?date=${day}`);
  await maker.getByRole('button', { name: 'Đặt máy' }).click();
  const dialog = maker.getByRole('dialog', { name: 'Đặt máy' });
  await dialog.getByLabel('Máy').selectOption(laser.id);
  await dialog.getByText('Máy này cần chứng nhận; bạn đã có chứng nhận còn hiệu lực.').waitFor();
  await dialog.getByLabel('Bắt đầu').selectOption('14:00');
  await dialog.getByLabel('Kết thúc').selectOption('15:00');
  await dialog.getByRole('button', { name: 'Gửi yêu cầu đặt máy' }).click();
  await maker.getByRole('status').filter({ hasText: 'chờ quản lý duyệt' }).waitFor();
  await makerContext.close();

  // The member's request reaches the queue; on a phone too.
  const phone = await newContext(browser, { viewport: PHONE, phone: true });
  const managerPhone = await phone.newPage();
  await signIn(managerPhone, app.baseUrl, 'manager.mechatronics@fablab.local');
  await managerPhone.goto(`${app.baseUrl}/manage/${lab.id}`);
  await managerPhone
    .getByRole('listitem')
    .filter({ hasText: 'Ngô Bích Ngọc' })
    .filter({ hasText: laser.name })
    .first()
    .waitFor();
  await screenshot(managerPhone, 'approval-queue-phone');
  expect(await managerPhone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
  await phone.close();
  await context.close();
});

test('a manager records a walk-in and adds a closure', async () => {
  const context = await newContext(browser, { viewport: DESKTOP });
  const page = await context.newPage();
  await signIn(page, app.baseUrl, 'manager.mechatronics@fablab.local');
  // A walk-in records what happened, so it must have ended: yesterday's early visit is in the past
  // at any hour the test runs (today's 06:00 is not, before dawn in the lab's zone).
  const yesterday = DateTime.now().setZone(LAB_ZONE).minus({ days: 1 }).toISODate()!;
  await page.goto(`${app.baseUrl}/manage/${lab.id}/today?date=${yesterday}`);
  await page.getByRole('list', { name: 'Trạng thái máy lúc này' }).waitFor();
  await page.getByRole('button', { name: 'Ghi khách vãng lai', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Ghi lượt sử dụng không đặt trước' });
  await dialog.getByLabel('Ngày', { exact: true }).fill(yesterday);
  await dialog.getByLabel('Bắt đầu').selectOption('06:00');
  await dialog.getByLabel('Giờ kết thúc').selectOption('06:45');
  await dialog.getByLabel('Khách không có tài khoản').check();
  await dialog.getByLabel('Tên khách').fill('Khách tham quan Lê Văn Tám');
  // Materials come from the lab's catalogue, in the entry's unit.
  await dialog.getByRole('button', { name: 'Thêm vật liệu' }).click();
  await dialog.getByRole('combobox', { name: 'Vật liệu', exact: true }).selectOption({ label: 'acrylic 3 mm (sheet)' });
  await dialog.getByLabel('Số lượng (sheet)').fill('2');
  await dialog.getByRole('button', { name: 'Ghi lại' }).click();
  await page.getByRole('status').filter({ hasText: 'Đã ghi lượt sử dụng.' }).waitFor();
  await page
    .getByRole('listitem')
    .filter({ hasText: 'Khách tham quan Lê Văn Tám' })
    .getByText('acrylic 3 mm: 2 sheet')
    .waitFor();
  await screenshot(page, 'manager-today-desktop');

  await page.getByRole('link', { name: 'Cài đặt' }).click();
  const closureDay = DateTime.now().setZone(LAB_ZONE).plus({ days: 20 }).toISODate()!;
  await page.getByLabel('Từ ngày').fill(closureDay);
  await page.getByLabel('Lý do', { exact: true }).fill('Kiểm kê thiết bị cuối năm');
  await page.getByRole('button', { name: 'Thêm ngày nghỉ' }).click();
  await page.getByRole('dialog', { name: 'Xác nhận ngày nghỉ' }).getByRole('button', { name: /^(Xác nhận ngày nghỉ|Thêm ngày nghỉ và hủy)/ }).click();
  await page.getByRole('listitem').filter({ hasText: 'Kiểm kê thiết bị cuối năm' }).waitFor();
  await page.getByRole('heading', { name: 'Thông tin và giờ mở cửa' }).scrollIntoViewIfNeeded();
  await screenshot(page, 'manager-settings-desktop');
  await context.close();
});

test('an admin adds a lab and makes a member a lab manager', async () => {
  const context = await newContext(browser, { viewport: DESKTOP });
  const page = await context.newPage();
  await signIn(page, app.baseUrl, 'admin@fablab.local');
  await page.getByRole('link', { name: 'Quản trị', exact: true }).click();
  await page.getByRole('button', { name: 'Thêm phòng lab' }).click();
  await page.getByLabel('Tên tiếng Việt').fill('Phòng thí nghiệm chế tạo Đại học Quốc tế Miền Đông');
  await page.getByLabel('Tên tiếng Anh').fill('Fab Lab at Eastern International University');
  await page.getByLabel('Mã định danh (slug)').fill('eiu');
  await page.getByLabel('Đơn vị chủ quản').fill('Eastern International University (Trường Đại học Quốc tế Miền Đông)');
  await page.getByRole('button', { name: 'Tạo phòng lab' }).click();
  await page.getByRole('listitem').filter({ hasText: 'Phòng thí nghiệm chế tạo Đại học Quốc tế Miền Đông' }).waitFor();
  await screenshot(page, 'admin-labs-desktop');

  await page.getByRole('link', { name: 'Tài khoản và vai trò' }).click();
  await page.getByRole('searchbox').fill('maker3');
  await page.getByRole('button', { name: 'Sửa Đặng Thu Hà' }).click();
  const dialog = page.getByRole('dialog', { name: 'Sửa tài khoản' });
  await dialog.getByLabel('Vai trò').selectOption('manager');
  await dialog.getByLabel('Phòng thí nghiệm chế tạo Đại học Quốc tế Miền Đông').check();
  await dialog.getByRole('button', { name: 'Lưu' }).click();
  await page.getByRole('row').filter({ hasText: 'Đặng Thu Hà' }).getByText('Quản lý lab').waitFor();
  await screenshot(page, 'admin-users-desktop');
  await context.close();

  // The new manager finds the new lab in their screens, with no machines yet.
  const next = await newContext(browser, { viewport: DESKTOP });
  const manager = await next.newPage();
  await signIn(manager, app.baseUrl, 'maker3@fablab.local');
  await manager.getByRole('link', { name: 'Quản lý lab' }).click();
  await manager
    .getByRole('heading', { level: 1, name: 'Phòng thí nghiệm chế tạo Đại học Quốc tế Miền Đông' })
    .waitFor();
  await next.close();
});

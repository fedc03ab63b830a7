// The department reads any lab's preventive maintenance and incidents: the due list, a machine's
// plans and log, and the incidents, with no button that changes them and no member's name.
import type { Lab, Machine, User } from '@fablab/shared';
import type { Browser } from 'playwright-core';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { apiGet, apiPost, apiToken, labsOf, machinesOf } from './helpers/api';
import { DESKTOP, launchBrowser, newContext, screenshot, signIn } from './helpers/browser';
import { LAB_ZONE } from './helpers/dates';
import { startApp, type RunningApp } from './helpers/server';

let app: RunningApp;
let browser: Browser;
let lab: Lab;
let machine: Machine;

beforeAll(async () => {
  app = await startApp();
  browser = await launchBrowser();
  lab = (await labsOf(app.baseUrl)).find((l) => l.slug === 'mechatronics')!;
  machine = (await machinesOf(app.baseUrl, lab.id)).find((m) => m.status === 'available')!;
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

test('the department reads a lab’s maintenance and incidents, read-only and without names', async () => {
  expect(lab).toBeDefined();
  expect(machine).toBeDefined();

  // The lab's manager keeps the maintenance, and a member reports an incident, through the API.
  const managerToken = await apiToken(app.baseUrl, 'manager.mechatronics@fablab.local');
  const makerToken = await apiToken(app.baseUrl, 'maker1@fablab.local');
  const manager = await apiGet<User>(app.baseUrl, '/me', managerToken);
  const maker = await apiGet<User>(app.baseUrl, '/me', makerToken);
  const today = DateTime.now().setZone(LAB_ZONE);
  await apiPost(app.baseUrl, `/machines/${machine.id}/maintenance-plans`, managerToken, {
    title: 'Hiệu chuẩn cảm biến nhiệt',
    everyDays: 30,
    lastDoneAt: today.minus({ days: 40 }).toUTC().toISO(),
  });
  const quarterly = await apiPost<{ id: string }>(
    app.baseUrl,
    `/machines/${machine.id}/maintenance-plans`,
    managerToken,
    {
      title: 'Thay bộ lọc khí',
      everyDays: 90,
    },
  );
  await apiPost(app.baseUrl, `/machines/${machine.id}/maintenance-plans/${quarterly.id}/done`, managerToken, {
    description: 'Thay bộ lọc HEPA',
    costVnd: 250000,
  });
  const start = today.minus({ days: 5 }).set({ hour: 3, minute: 10, second: 0, millisecond: 0 });
  const session = await apiPost<{ id: string }>(app.baseUrl, '/usage', managerToken, {
    machineId: machine.id,
    userId: maker.id,
    start: start.toUTC().toISO(),
    end: start.plus({ minutes: 20 }).toUTC().toISO(),
  });
  await apiPost(app.baseUrl, `/usage/${session.id}/incidents`, makerToken, {
    kind: 'damage',
    description: 'Nắp buồng ủ bị nứt ở bản lề',
  });

  const context = await newContext(browser, { viewport: DESKTOP });
  const page = await context.newPage();
  await signIn(page, app.baseUrl, 'department@fablab.local');
  await page.getByRole('link', { name: 'Bảo trì & sự cố' }).click();
  await page.getByRole('heading', { name: 'Bảo trì & sự cố các phòng lab' }).waitFor();
  // Every lab is listed, not only one a manager would keep.
  await expect.poll(() => page.getByRole('main').getByRole('link', { name: 'Mở' }).count()).toBeGreaterThan(1);
  await page.locator(`a[href="/manage/${lab.id}/maintenance"]`).click();

  // Only the two tabs the department may read.
  const tabs = page.getByRole('navigation', { name: 'Các mục quản lý' });
  await tabs.getByRole('link', { name: 'Bảo trì định kỳ' }).waitFor();
  expect(await tabs.getByRole('link').count()).toBe(2);
  await page.getByText('Chỉ xem: tên thành viên được ẩn.').waitFor();

  // The due list names the overdue plan, with no way to mark it done.
  const due = page.getByRole('region', { name: 'Bảo trì đã đến hạn' });
  const dueItem = due
    .getByRole('list', { name: 'Bảo trì đã đến hạn' })
    .getByRole('listitem')
    .filter({ hasText: 'Hiệu chuẩn cảm biến nhiệt' });
  await dueItem.getByText('Đến hạn (theo ngày)').waitFor();
  await dueItem.getByRole('link', { name: 'Xem máy' }).click();
  await expect.poll(() => new URL(page.url()).searchParams.get('machine')).toBe(machine.id);

  // The machine's plans, without adding, editing, deleting or marking done.
  const plans = page.getByRole('region', { name: `Kế hoạch bảo trì của ${machine.name}` });
  const planList = plans.getByRole('list', { name: `Kế hoạch bảo trì của ${machine.name}` });
  await planList
    .getByRole('listitem')
    .filter({ hasText: 'Hiệu chuẩn cảm biến nhiệt' })
    .getByText('Mỗi 30 ngày')
    .waitFor();
  await planList.getByRole('listitem').filter({ hasText: 'Thay bộ lọc khí' }).getByText('Chưa đến hạn').waitFor();

  // The log has the work and its cost, but not who did it.
  const log = page.getByRole('region', { name: `Nhật ký bảo trì của ${machine.name}` });
  const entry = log
    .getByRole('list', { name: `Nhật ký bảo trì của ${machine.name}` })
    .getByRole('listitem')
    .filter({ hasText: 'Thay bộ lọc HEPA' });
  await entry.getByText('Theo kế hoạch').waitFor();
  await entry.getByText(/Người thực hiện: —/).waitFor();
  await entry.getByText(/Chi phí: 250\.000 ₫/).waitFor();
  expect(await page.getByRole('main').getByRole('button').count()).toBe(0);
  expect(await page.getByRole('main').textContent()).not.toContain(manager.fullName);
  await screenshot(page, 'department-maintenance-desktop');

  // The incidents, without who reported them.
  await tabs.getByRole('link', { name: 'Sự cố', exact: true }).click();
  const incident = page
    .getByRole('list', { name: 'Sự cố đã báo' })
    .getByRole('listitem')
    .filter({ hasText: 'Nắp buồng ủ bị nứt ở bản lề' });
  await incident.getByText(machine.name).waitFor();
  await incident.getByText('Hư hỏng').waitFor();
  await incident.getByText('Người báo: —').waitFor();
  const main = (await page.getByRole('main').textContent()) ?? '';
  expect(main).not.toContain(maker.fullName);
  expect(main).not.toContain(manager.fullName);
  expect(await page.getByRole('main').getByRole('button').count()).toBe(0);
  await screenshot(page, 'department-incidents-desktop');

  // The lab's other manage screens stay closed; its front door leads to the maintenance.
  await page.goto(`${app.baseUrl}/manage/${lab.id}/today`);
  await page.getByRole('heading', { name: 'Bạn không có quyền xem trang này' }).waitFor();
  await page.goto(`${app.baseUrl}/manage/${lab.id}`);
  await page.waitForURL((url) => url.pathname === `/manage/${lab.id}/maintenance`);
  await page.getByRole('region', { name: 'Bảo trì đã đến hạn' }).waitFor();
  await context.close();
});

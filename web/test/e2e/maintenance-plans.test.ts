// A lab manager keeps the preventive maintenance of a machine: a plan that is overdue shows in
// the lab's due list (and a fresh one does not), marking it done clears it and writes the log,
// and an incident a member reports through the API shows in the lab's incident list.
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

test('a manager plans maintenance, sees it due, marks it done, and reads the log and the incidents', async () => {
  expect(lab).toBeDefined();
  expect(machine).toBeDefined();
  const context = await newContext(browser, { viewport: DESKTOP });
  const page = await context.newPage();
  page.on('dialog', (dialog) => void dialog.accept());
  await signIn(page, app.baseUrl, 'manager.mechatronics@fablab.local');
  await page.getByRole('link', { name: 'Quản lý lab' }).click();
  await page.getByRole('link', { name: 'Bảo trì định kỳ' }).click();

  // Nothing is due yet.
  const due = page.getByRole('region', { name: 'Bảo trì đã đến hạn' });
  await due.getByText('Không có kế hoạch bảo trì nào đến hạn.').waitFor();
  await page.getByRole('combobox', { name: /^Máy/ }).selectOption({ label: machine.name });
  await expect.poll(() => new URL(page.url()).searchParams.get('machine')).toBe(machine.id);
  const plans = page.getByRole('region', { name: `Kế hoạch bảo trì của ${machine.name}` });
  await plans.getByText('Máy này chưa có kế hoạch bảo trì định kỳ nào.').waitFor();

  // A monthly plan last done 40 days ago is overdue by date.
  const fortyDaysAgo = DateTime.now().setZone(LAB_ZONE).minus({ days: 40 });
  await plans.getByRole('button', { name: 'Thêm kế hoạch bảo trì' }).click();
  let dialog = page.getByRole('dialog', { name: 'Thêm kế hoạch bảo trì' });
  await dialog.getByLabel('Tên công việc').fill('Vệ sinh bàn máy và ray trượt');
  await dialog.getByLabel('Chu kỳ theo ngày (số ngày)').fill('30');
  await dialog.getByLabel('Lần gần nhất đã làm').fill(fortyDaysAgo.toISODate()!);
  await dialog.getByRole('button', { name: 'Lưu' }).click();
  await dialog.waitFor({ state: 'hidden' });

  // A plan by hours of use, done today, is not due.
  await plans.getByRole('button', { name: 'Thêm kế hoạch bảo trì' }).click();
  dialog = page.getByRole('dialog', { name: 'Thêm kế hoạch bảo trì' });
  await dialog.getByLabel('Tên công việc').fill('Tra dầu trục vít');
  await dialog.getByLabel('Chu kỳ theo giờ máy chạy (số giờ)').fill('200');
  await dialog.getByRole('button', { name: 'Lưu' }).click();
  await dialog.waitFor({ state: 'hidden' });

  const planList = plans.getByRole('list', { name: `Kế hoạch bảo trì của ${machine.name}` });
  const overdue = planList.getByRole('listitem').filter({ hasText: 'Vệ sinh bàn máy và ray trượt' });
  await overdue.getByText('Đến hạn (theo ngày)').waitFor();
  await overdue.getByText('Mỗi 30 ngày').waitFor();
  await overdue.getByText(`Làm lần cuối ${fortyDaysAgo.toFormat('dd/MM/yyyy')}`).waitFor();
  const fresh = planList.getByRole('listitem').filter({ hasText: 'Tra dầu trục vít' });
  await fresh.getByText('Chưa đến hạn').waitFor();
  await fresh.getByText('Mỗi 200 giờ máy chạy').waitFor();

  // The due list names the overdue plan only.
  const dueList = due.getByRole('list', { name: 'Bảo trì đã đến hạn' });
  await dueList.getByRole('listitem').filter({ hasText: 'Vệ sinh bàn máy và ray trượt' }).waitFor();
  await expect.poll(() => dueList.getByRole('listitem').count()).toBe(1);
  expect(await dueList.getByText('Tra dầu trục vít').count()).toBe(0);
  await screenshot(page, 'maintenance-due-desktop');

  // Every other manage screen says something is due, and leads back here.
  await page.getByRole('link', { name: 'Duyệt yêu cầu' }).click();
  await page.getByText('1 kế hoạch bảo trì đã đến hạn.').waitFor();
  await page.getByRole('link', { name: 'Xem danh sách' }).click();

  // Marked done from the due list, with what it cost.
  await dueList
    .getByRole('button', { name: `Đánh dấu đã làm: ${machine.name} · Vệ sinh bàn máy và ray trượt` })
    .click();
  dialog = page.getByRole('dialog', { name: 'Ghi nhận đã bảo trì' });
  await expect.poll(() => dialog.getByLabel('Công việc đã làm').inputValue()).toBe('Vệ sinh bàn máy và ray trượt');
  await dialog.getByLabel('Công việc đã làm').fill('Vệ sinh bàn máy, tra mỡ ray trượt');
  await dialog.getByLabel(/Chi phí/).fill('150.000');
  await dialog.getByLabel(/Linh kiện đã thay/).fill('Mỡ bò chịu nhiệt');
  await dialog.getByRole('button', { name: 'Đánh dấu đã làm' }).click();
  await due.getByRole('status').filter({ hasText: 'Đã ghi nhận “Vệ sinh bàn máy và ray trượt”' }).waitFor();
  await due.getByText('Không có kế hoạch bảo trì nào đến hạn.').waitFor();
  await page.getByRole('combobox', { name: /^Máy/ }).selectOption(machine.id);
  await overdue.getByText('Chưa đến hạn').waitFor();
  const today = DateTime.now().setZone(LAB_ZONE);
  await overdue.getByText(`Làm lần cuối ${today.toFormat('dd/MM/yyyy')}`).waitFor();

  // The log has the work, newest first, with who did it and the cost.
  const log = page.getByRole('region', { name: `Nhật ký bảo trì của ${machine.name}` });
  const entries = log.getByRole('list', { name: `Nhật ký bảo trì của ${machine.name}` }).getByRole('listitem');
  const planned = entries.filter({ hasText: 'Vệ sinh bàn máy, tra mỡ ray trượt' });
  await planned.getByText('Theo kế hoạch').waitFor();
  await planned.getByText(/Người thực hiện: Nguyễn Văn Hùng/).waitFor();
  await planned.getByText(/Chi phí: 150\.000 ₫/).waitFor();
  await planned.getByText(/Linh kiện: Mỡ bò chịu nhiệt/).waitFor();

  // An entry written by hand for work two days ago goes below it.
  const twoDaysAgo = today.minus({ days: 2 });
  await log.getByRole('button', { name: 'Ghi nhật ký bảo trì' }).click();
  dialog = page.getByRole('dialog', { name: 'Ghi một lần bảo trì' });
  await dialog.getByLabel('Công việc đã làm').fill('Thay dây curoa trục X');
  await dialog.getByLabel('Ngày thực hiện').fill(twoDaysAgo.toISODate()!);
  await dialog.getByLabel('Giờ thực hiện').selectOption('09:15');
  await dialog.getByRole('button', { name: 'Ghi nhật ký bảo trì' }).click();
  await log.getByRole('status').filter({ hasText: 'Đã thêm vào nhật ký bảo trì.' }).waitFor();
  await entries.filter({ hasText: 'Thay dây curoa trục X' }).waitFor();
  await expect.poll(() => entries.count()).toBe(2);
  await expect(entries.nth(0).textContent()).resolves.toContain('Vệ sinh bàn máy, tra mỡ ray trượt');
  await expect(entries.nth(1).textContent()).resolves.toContain(`${twoDaysAgo.toFormat('dd/MM/yyyy')} 09:15`);

  // Editing a plan's rule and deleting a plan.
  await fresh.getByRole('button', { name: 'Sửa kế hoạch Tra dầu trục vít' }).click();
  dialog = page.getByRole('dialog', { name: 'Sửa kế hoạch bảo trì' });
  await dialog.getByLabel('Chu kỳ theo ngày (số ngày)').fill('90');
  await dialog.getByRole('button', { name: 'Lưu' }).click();
  await dialog.waitFor({ state: 'hidden' });
  await fresh.getByText('Mỗi 90 ngày · Mỗi 200 giờ máy chạy').waitFor();
  await screenshot(page, 'maintenance-plans-desktop');
  await fresh.getByRole('button', { name: 'Xóa kế hoạch Tra dầu trục vít' }).click();
  await expect.poll(() => planList.getByRole('listitem').count()).toBe(1);

  // A member reports an incident on a session of hers, through the API.
  const managerToken = await apiToken(app.baseUrl, 'manager.mechatronics@fablab.local');
  const makerToken = await apiToken(app.baseUrl, 'maker1@fablab.local');
  const maker = await apiGet<User>(app.baseUrl, '/me', makerToken);
  const start = today.minus({ days: 5 }).set({ hour: 3, minute: 10, second: 0, millisecond: 0 });
  const session = await apiPost<{ id: string }>(app.baseUrl, '/usage', managerToken, {
    machineId: machine.id,
    userId: maker.id,
    start: start.toUTC().toISO(),
    end: start.plus({ minutes: 20 }).toUTC().toISO(),
  });
  await apiPost(app.baseUrl, `/usage/${session.id}/incidents`, makerToken, {
    kind: 'malfunction',
    description: 'Trục Z phát ra tiếng kêu lạ khi hạ xuống',
  });

  await page.getByRole('link', { name: 'Sự cố', exact: true }).click();
  const incident = page
    .getByRole('list', { name: 'Sự cố đã báo' })
    .getByRole('listitem')
    .filter({ hasText: 'Trục Z phát ra tiếng kêu lạ khi hạ xuống' });
  await incident.getByText(machine.name).waitFor();
  await incident.getByText('Trục trặc').waitFor();
  await incident.getByText(`Người báo: ${maker.fullName}`).waitFor();
  await incident.getByText(today.toFormat('dd/MM/yyyy'), { exact: false }).waitFor();
  await screenshot(page, 'incidents-desktop');

  // The same screens read in English.
  await page.getByRole('button', { name: 'English' }).click();
  await page.getByRole('heading', { name: 'Reported incidents' }).waitFor();
  await page
    .getByRole('list', { name: 'Reported incidents' })
    .getByRole('listitem')
    .filter({ hasText: 'Trục Z phát ra tiếng kêu lạ khi hạ xuống' })
    .getByText('Malfunction')
    .waitFor();
  await page.getByRole('link', { name: 'Preventive maintenance' }).click();
  await page.getByRole('region', { name: 'Maintenance due' }).getByText('No maintenance plan is due.').waitFor();
  await page.getByRole('button', { name: 'Tiếng Việt' }).click();
  await context.close();
});

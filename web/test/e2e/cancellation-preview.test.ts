// Before a closure or a maintenance window is saved, its dialog lists the bookings it would cancel
// (the server's dry run: member, machine, time in the lab's zone), or says that none would be, and
// after saving says how many were. A closed day then says why on the calendar, in the day, week and
// agenda views, to members and visitors alike. On a desktop and on a phone.
import type { Lab, LabWithClosures, Machine } from '@fablab/shared';
import { DateTime } from 'luxon';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { apiGet, apiPost, apiToken, labsOf, machinesOf } from './helpers/api';
import { DESKTOP, launchBrowser, newContext, PHONE, screenshot, signIn } from './helpers/browser';
import { freeWeekday, LAB_ZONE } from './helpers/dates';
import { startApp, type RunningApp } from './helpers/server';

let app: RunningApp;
let browser: Browser;
let lab: Lab;
let bench: Machine;
let closures: LabWithClosures['closures'];

const MANAGER = 'manager.mechatronics@fablab.local';

beforeAll(async () => {
  app = await startApp();
  browser = await launchBrowser();
  lab = (await labsOf(app.baseUrl)).find((l) => l.slug === 'mechatronics')!;
  bench = (await machinesOf(app.baseUrl, lab.id)).find(
    (m) => !m.requiresApproval && !m.requiresCertification && m.status === 'available' && !m.mayRunUnattended,
  )!;
  closures = (await apiGet<LabWithClosures>(app.baseUrl, `/labs/${lab.id}`)).closures;
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

/** A member's booking of the bench, 10:00–11:00 on that day, made through the API; their name. */
async function bookedBy(email: string, day: string): Promise<string> {
  const token = await apiToken(app.baseUrl, email);
  await apiPost(app.baseUrl, '/bookings', token, {
    machineId: bench.id,
    start: DateTime.fromISO(`${day}T10:00`, { zone: LAB_ZONE }).toISO(),
    end: DateTime.fromISO(`${day}T11:00`, { zone: LAB_ZONE }).toISO(),
    purpose: 'personal_project',
  });
  return (await apiGet<{ fullName: string }>(app.baseUrl, '/me', token)).fullName;
}

async function addClosure(page: Page, day: string, reason: string) {
  await page.goto(`${app.baseUrl}/manage/${lab.id}/settings`);
  const region = page.getByRole('region', { name: /^Ngày nghỉ/ });
  await region.getByLabel('Từ ngày').fill(day);
  await region.getByLabel('Lý do', { exact: true }).fill(reason);
  await region.getByRole('button', { name: 'Thêm ngày nghỉ' }).click();
  return { region, dialog: page.getByRole('dialog', { name: 'Xác nhận ngày nghỉ' }) };
}

for (const [viewportName, viewport] of Object.entries({ desktop: DESKTOP, phone: PHONE })) {
  const phone = viewportName === 'phone';

  test(`on a ${viewportName}, a new closure lists the booking it cancels, and the calendar says why the day is closed`, async () => {
    const day = freeWeekday(12, closures, phone ? 3 : 1);
    const member = phone ? 'maker3@fablab.local' : 'maker2@fablab.local';
    const memberName = await bookedBy(member, day);
    const reason = phone ? 'Nghỉ bù hội thao của trường' : 'Kiểm kê thiết bị giữa kỳ';

    const context = await newContext(browser, { viewport, phone });
    const page = await context.newPage();
    await signIn(page, app.baseUrl, MANAGER);
    const { region, dialog } = await addClosure(page, day, reason);
    const listed = dialog.getByRole('list', { name: 'Các lượt đặt sẽ bị hủy' }).getByRole('listitem');
    const item = listed.filter({ hasText: memberName }).filter({ hasText: bench.name });
    await item.waitFor();
    expect(await item.textContent()).toContain('10:00–11:00');
    expect(await listed.count()).toBe(1);
    await dialog.getByText('1 lượt đặt sau sẽ bị hủy').waitFor();
    await screenshot(page, `closure-preview-${viewportName}`);
    // Nothing was written by the preview: going back leaves the day open.
    expect((await apiGet<LabWithClosures>(app.baseUrl, `/labs/${lab.id}`)).closures.some((c) => c.from === day)).toBe(
      false,
    );
    await dialog.getByRole('button', { name: 'Thêm ngày nghỉ và hủy 1 lượt đặt' }).click();
    await region.getByRole('status').filter({ hasText: 'Đã hủy 1 lượt đặt.' }).waitFor();
    await region.getByRole('listitem').filter({ hasText: reason }).waitFor();
    await context.close();

    // The member sees the day closed, and why, in each view of the calendar.
    const memberContext = await newContext(browser, { viewport, phone });
    const memberPage = await memberContext.newPage();
    await signIn(memberPage, app.baseUrl, member);
    for (const view of phone ? ['agenda', 'day'] : ['day', 'week', 'agenda']) {
      await memberPage.goto(`${app.baseUrl}/labs/${lab.id}?date=${day}&view=${view}`);
      const notice = memberPage.getByRole('list', { name: 'Ngày phòng lab đóng cửa' }).getByRole('listitem');
      await notice.filter({ hasText: view === 'week' ? `— Đóng cửa: ${reason}` : `Đóng cửa: ${reason}` }).waitFor();
      if (view === 'week')
        expect(await notice.first().textContent()).toMatch(/^Thứ .+ \d{2}\/\d{2}\/\d{4} — Đóng cửa: /);
      await screenshot(memberPage, `closed-day-${view}-${viewportName}`);
    }
    await memberContext.close();

    // And so does a visitor who is not signed in.
    const visitor = await newContext(browser, { viewport, phone });
    const visitorPage = await visitor.newPage();
    await visitorPage.goto(`${app.baseUrl}/labs/${lab.id}?date=${day}`);
    // The notice of closed days; a phone's agenda may also repeat the reason under each machine.
    await visitorPage
      .getByRole('list', { name: 'Ngày phòng lab đóng cửa' })
      .getByRole('listitem')
      .filter({ hasText: `Đóng cửa: ${reason}` })
      .waitFor();
    await visitor.close();
  });

  test(`on a ${viewportName}, the maintenance dialog lists the booking it cancels, or says none`, async () => {
    const day = freeWeekday(12, closures, phone ? 6 : 5);
    const member = phone ? 'maker5@fablab.local' : 'maker4@fablab.local';
    const memberName = await bookedBy(member, day);

    const context = await newContext(browser, { viewport, phone });
    const page = await context.newPage();
    await signIn(page, app.baseUrl, MANAGER);
    await page.goto(`${app.baseUrl}/manage/${lab.id}/today?date=${day}`);
    await page.getByRole('heading', { name: 'Trạng thái máy lúc này' }).waitFor();

    const schedule = async (from: string, to: string, reason: string) => {
      await page.getByRole('button', { name: 'Lên lịch bảo trì' }).click();
      const dialog = page.getByRole('dialog', { name: 'Lên lịch bảo trì' });
      await dialog.getByLabel(/^Máy/).selectOption(bench.id);
      await dialog.getByLabel('Giờ bắt đầu').selectOption(from);
      await dialog.getByLabel('Giờ kết thúc').selectOption(to);
      await dialog.getByLabel('Lý do bảo trì').fill(reason);
      await dialog.getByRole('button', { name: 'Lên lịch bảo trì' }).click();
      return dialog;
    };

    // Free time: the dialog says nothing is cancelled, and so does the page once it is saved.
    const free = await schedule('14:00', '15:00', 'Vệ sinh bàn điện tử');
    await free.getByText('Không có lượt đặt nào bị hủy.').waitFor();
    await free.getByRole('button', { name: 'Xác nhận lên lịch bảo trì' }).click();
    await page.getByRole('status').filter({ hasText: 'Không có lượt đặt nào bị ảnh hưởng.' }).waitFor();

    // Over the member's booking: listed first, cancelled once confirmed.
    const over = await schedule('09:00', '12:00', 'Thay nguồn cấp điện');
    const listed = over.getByRole('list', { name: 'Các lượt đặt sẽ bị hủy' }).getByRole('listitem');
    const item = listed.filter({ hasText: memberName }).filter({ hasText: bench.name });
    await item.waitFor();
    expect(await item.textContent()).toContain('10:00–11:00');
    await screenshot(page, `maintenance-preview-${viewportName}`);
    // Back to the form and forward again changes nothing on the way.
    await over.getByRole('button', { name: 'Quay lại' }).click();
    await over.getByRole('button', { name: 'Lên lịch bảo trì' }).click();
    await over.getByRole('button', { name: 'Lên lịch và hủy 1 lượt đặt' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: `Đã hủy 1 lượt đặt trùng: ${memberName}` })
      .waitFor();
    await context.close();
  });
}

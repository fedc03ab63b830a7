// A lab's materials catalogue: a manager recording a walk-in adds the new material on the spot,
// records a quantity of it in the entry's unit, and finds it afterwards in the lab's settings; on
// a desktop and on a phone.
import type { Lab, Material } from '@fablab/shared';
import { DateTime } from 'luxon';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { apiGet, apiToken, labsOf } from './helpers/api';
import { DESKTOP, launchBrowser, newContext, PHONE, screenshot, signIn } from './helpers/browser';
import { LAB_ZONE } from './helpers/dates';
import { startApp, type RunningApp } from './helpers/server';

let app: RunningApp;
let browser: Browser;
let labs: Lab[];

beforeAll(async () => {
  app = await startApp();
  browser = await launchBrowser();
  labs = await labsOf(app.baseUrl);
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

/** Yesterday early in the morning, before the demo's sessions: past at whatever hour the test runs. */
const yesterday = () => DateTime.now().setZone(LAB_ZONE).minus({ days: 1 }).toISODate()!;

async function walkInWithNewMaterial(
  page: Page,
  lab: Lab,
  entry: { name: string; unit: string; price: string; quantity: string; guest: string },
  shot: string,
) {
  const day = yesterday();
  await page.goto(`${app.baseUrl}/manage/${lab.id}/today?date=${day}`);
  await page.getByRole('list', { name: 'Trạng thái máy lúc này' }).waitFor();
  await page.getByRole('button', { name: 'Ghi khách vãng lai', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Ghi lượt sử dụng không đặt trước' });
  await dialog.getByLabel('Ngày', { exact: true }).fill(day);
  await dialog.getByLabel('Bắt đầu').selectOption('06:00');
  await dialog.getByLabel('Giờ kết thúc').selectOption('06:45');
  await dialog.getByLabel('Khách không có tài khoản').check();
  await dialog.getByLabel('Tên khách').fill(entry.guest);

  // Not in the catalogue yet: the manager adds it from the picker.
  const picker = dialog.getByRole('combobox', { name: 'Vật liệu', exact: true });
  await dialog.getByRole('button', { name: 'Vật liệu mới trong danh mục' }).click();
  const fields = dialog.getByRole('group', { name: 'Vật liệu mới trong danh mục của phòng lab' });
  await fields.getByLabel('Tên', { exact: true }).fill(entry.name);
  await fields.getByLabel('Đơn vị').fill(entry.unit);
  await fields.getByLabel('Đơn giá, VNĐ (không bắt buộc)').fill(entry.price);
  await screenshot(page, `${shot}-new-entry`);
  await fields.getByRole('button', { name: 'Thêm vào danh mục' }).click();
  await fields.waitFor({ state: 'hidden' });
  // The new entry is picked, and the quantity asks for its unit.
  expect(await picker.inputValue()).not.toBe('');
  await expect
    .poll(() => picker.evaluate((el) => (el as HTMLSelectElement).selectedOptions[0]?.textContent))
    .toBe(`${entry.name} (${entry.unit})`);
  await dialog.getByLabel(`Số lượng (${entry.unit})`).fill(entry.quantity);
  await screenshot(page, `${shot}-walk-in`);
  await dialog.getByRole('button', { name: 'Ghi lại' }).click();
  await page.getByRole('status').filter({ hasText: 'Đã ghi lượt sử dụng.' }).waitFor();
  await page
    .getByRole('listitem')
    .filter({ hasText: entry.guest })
    .getByText(`${entry.name}: ${entry.quantity} ${entry.unit}`)
    .waitFor();

  // The lab's settings list it, with its price.
  await page.getByRole('link', { name: 'Cài đặt' }).click();
  const catalogue = page.getByRole('region', { name: 'Danh mục vật liệu' }).first();
  const row = page.getByRole('row').filter({ hasText: entry.name });
  await row.getByRole('cell', { name: entry.unit, exact: true }).waitFor();
  await row.getByText(`${entry.price.replace(/\B(?=(\d{3})+(?!\d))/g, '.')} ₫`).waitFor();
  await catalogue.scrollIntoViewIfNeeded();
  await screenshot(page, `${shot}-settings`);
}

async function recordedMaterials(labId: string, email: string): Promise<Material[]> {
  const token = await apiToken(app.baseUrl, email);
  return (await apiGet<{ items: Material[] }>(app.baseUrl, `/labs/${labId}/materials`, token)).items;
}

test('a manager adds a material on the fly while recording a walk-in, then finds it in the catalogue (desktop)', async () => {
  const lab = labs.find((l) => l.slug === 'biic')!;
  const context = await newContext(browser, { viewport: DESKTOP });
  const page = await context.newPage();
  await signIn(page, app.baseUrl, 'manager.biic@fablab.local');
  await walkInWithNewMaterial(
    page,
    lab,
    { name: 'Nhựa PLA tái chế', unit: 'g', price: '350', quantity: '120', guest: 'Khách tham quan Phạm Thị Hoa' },
    'materials-desktop',
  );
  const entry = (await recordedMaterials(lab.id, 'manager.biic@fablab.local')).find(
    (m) => m.name === 'Nhựa PLA tái chế',
  );
  expect(entry).toMatchObject({ unit: 'g', priceVnd: 350 });
  await context.close();
});

test('a manager adds a material on the fly while recording a walk-in, then finds it in the catalogue (phone)', async () => {
  const lab = labs.find((l) => l.slug === 'mechatronics')!;
  const context = await newContext(browser, { viewport: PHONE, phone: true });
  const page = await context.newPage();
  await signIn(page, app.baseUrl, 'manager.mechatronics@fablab.local');
  await walkInWithNewMaterial(
    page,
    lab,
    { name: 'Gỗ thông 20 mm', unit: 'thanh', price: '45000', quantity: '3', guest: 'Khách tham quan Võ Minh Tâm' },
    'materials-phone',
  );
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
  const entry = (await recordedMaterials(lab.id, 'manager.mechatronics@fablab.local')).find(
    (m) => m.name === 'Gỗ thông 20 mm',
  );
  expect(entry).toMatchObject({ unit: 'thanh', priceVnd: 45_000 });
  await context.close();
});

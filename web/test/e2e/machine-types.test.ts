// Machine types are data: an administrator adds a 3D scanner, a lab's manager picks it for a new
// machine, and the lab recognises another lab's laser cutter certifications, which a member then
// sees counting in both labs.
import type { Lab } from '@fablab/shared';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { labsOf, machinesOf } from './helpers/api';
import { DESKTOP, launchBrowser, newContext, screenshot, signIn } from './helpers/browser';
import { startApp, type RunningApp } from './helpers/server';

let app: RunningApp;
let browser: Browser;
let biic: Lab;
let mechatronics: Lab;

beforeAll(async () => {
  app = await startApp();
  browser = await launchBrowser();
  const labs = await labsOf(app.baseUrl);
  biic = labs.find((l) => l.slug === 'biic')!;
  mechatronics = labs.find((l) => l.slug === 'mechatronics')!;
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

test('an admin adds a machine type and a manager picks it for a new machine', async () => {
  const adminContext = await newContext(browser, { viewport: DESKTOP });
  const admin = await adminContext.newPage();
  await signIn(admin, app.baseUrl, 'admin@fablab.local');
  await admin.getByRole('link', { name: 'Quản trị', exact: true }).click();
  await admin.getByRole('navigation', { name: 'Các mục quản trị' }).getByRole('link', { name: 'Loại máy' }).click();
  await admin.getByRole('heading', { level: 2, name: 'Loại máy' }).waitFor();
  // The known types are there already, with their Vietnamese names.
  await admin.getByRole('row').filter({ hasText: 'laser_cutter' }).getByText('Máy cắt laser').waitFor();

  await admin.getByLabel('Tên tiếng Việt').fill('Máy quét 3D');
  await admin.getByLabel('Tên tiếng Anh').fill('3D scanner');
  await admin.getByLabel('Mã định danh (slug)').fill('3d_scanner');
  await screenshot(admin, 'admin-machine-type-form-desktop');
  await admin.getByRole('button', { name: 'Thêm loại máy' }).click();
  await admin.getByRole('status').filter({ hasText: 'Đã thêm loại máy Máy quét 3D.' }).waitFor();
  const row = admin.getByRole('row').filter({ hasText: '3d_scanner' });
  await row.getByText('3D scanner').waitFor();
  await row.getByRole('button', { name: 'Đổi tên Máy quét 3D' }).scrollIntoViewIfNeeded();
  await screenshot(admin, 'admin-machine-types-desktop');
  await adminContext.close();

  const context = await newContext(browser, { viewport: DESKTOP });
  const manager = await context.newPage();
  await signIn(manager, app.baseUrl, 'manager.biic@fablab.local');
  await manager.goto(`${app.baseUrl}/manage/${biic.id}/settings`);
  await manager.getByRole('button', { name: 'Thêm máy' }).click();
  const dialog = manager.getByRole('dialog', { name: 'Thêm máy' });
  await dialog.getByLabel('Tên máy').fill('Máy quét 3D Shining EinScan');
  // The type list comes from the server: the new type is offered by its name.
  await dialog.getByRole('combobox', { name: 'Loại máy' }).selectOption({ label: 'Máy quét 3D' });
  await dialog.getByRole('button', { name: 'Lưu' }).click();
  await dialog.waitFor({ state: 'hidden' });
  const machineRow = manager.getByRole('row').filter({ hasText: 'Máy quét 3D Shining EinScan' });
  await machineRow.getByRole('cell', { name: 'Máy quét 3D', exact: true }).waitFor();
  await machineRow.scrollIntoViewIfNeeded();
  await screenshot(manager, 'manager-machine-type-desktop');
  const created = (await machinesOf(app.baseUrl, biic.id)).find((m) => m.name === 'Máy quét 3D Shining EinScan');
  expect(created?.type).toBe('3d_scanner');
  await context.close();
});

test('a manager recognises another lab’s certifications, and a member sees where theirs count', async () => {
  const context = await newContext(browser, { viewport: DESKTOP });
  const manager = await context.newPage();
  await signIn(manager, app.baseUrl, 'manager.biic@fablab.local');
  await manager.goto(`${app.baseUrl}/manage/${biic.id}/certifications`);
  const card = manager.getByRole('region', { name: 'Công nhận chứng nhận của lab khác' });
  await card.getByText('Lab này chưa công nhận chứng nhận của lab nào.').waitFor();
  await card.getByLabel('Lab đã cấp chứng nhận').selectOption({ label: mechatronics.nameVi });
  await card.getByLabel('Chứng nhận về').selectOption({ label: 'Máy cắt laser' });
  await card.getByRole('button', { name: 'Công nhận', exact: true }).click();
  await card
    .getByRole('listitem')
    .filter({ hasText: `Máy cắt laser · ${mechatronics.nameVi}` })
    .waitFor();
  await card.scrollIntoViewIfNeeded();
  await screenshot(manager, 'manager-recognitions-desktop');
  await context.close();

  const makerContext = await newContext(browser, { viewport: DESKTOP });
  const maker = await makerContext.newPage();
  await signIn(maker, app.baseUrl, 'maker1@fablab.local');
  await maker.goto(`${app.baseUrl}/my`);
  await maker
    .getByRole('listitem')
    .filter({ hasText: `Máy cắt laser · ${mechatronics.nameVi}` })
    .getByText(`Có giá trị tại: ${mechatronics.nameVi}, ${biic.nameVi}`)
    .waitFor();
  await makerContext.close();
});

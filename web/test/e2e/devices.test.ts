// Machines that report their own use, in the browser, against the real MQTT broker: the demo started
// with MQTT_URL registers its switches and readers, and the simulator plays the BIIC printer's. A
// lab manager registers a device, gives a member the card just tapped at a reader and switches the
// printer from the status board (desktop); the member starts and stops it from its QR page and sees
// the card among theirs (phone).
import { randomBytes } from 'node:crypto';
import type { Lab, Machine, OpeningHours } from '@fablab/shared';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { DEMO_DEVICES } from '../../../server/src/db/seed/catalogue';
import { SimReader, SimSwitch } from '../../../server/src/scripts/device-simulator';
import { apiGet, apiToken, labsOf, machinesOf } from './helpers/api';
import { DEMO_PASSWORD, DESKTOP, launchBrowser, newContext, PHONE, screenshot, signIn } from './helpers/browser';
import { startApp, type RunningApp } from './helpers/server';

const broker = { url: process.env.TEST_MQTT_URL || 'mqtt://127.0.0.1:1883' };
const printerDevices = DEMO_DEVICES.find((d) => d.lab === 'biic' && d.profile === 'print')!;
const ALWAYS_OPEN = Object.fromEntries(
  ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, [['00:00', '24:00']]]),
) as unknown as OpeningHours;

let app: RunningApp;
let browser: Browser;
let lab: Lab;
let printer: Machine;
let laser: Machine;
let sw: SimSwitch;
let reader: SimReader;
const newCard = randomBytes(7).toString('hex').toUpperCase();

async function api(method: string, path: string, token: string, body?: unknown): Promise<Response> {
  const response = await fetch(`${app.baseUrl}/api${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  return response;
}

beforeAll(async () => {
  app = await startApp({ env: { MQTT_URL: broker.url } });
  browser = await launchBrowser();
  lab = (await labsOf(app.baseUrl)).find((l) => l.slug === 'biic')!;
  const machines = await machinesOf(app.baseUrl, lab.id);
  printer = machines.find((m) => m.name === printerDevices.machine)!;
  laser = machines.find((m) => m.requiresApproval && !m.walkIns)!;

  // Whatever the hour of the run: the lab open around the clock and free of closures today, and
  // the printer free of the demo's bookings for the next hours, so that a walk-in may start.
  const admin = await apiToken(app.baseUrl, 'admin@fablab.local');
  const manager = await apiToken(app.baseUrl, 'manager.biic@fablab.local');
  await api('PATCH', `/labs/${lab.id}`, admin, { openingHours: ALWAYS_OPEN });
  const today = new Date().toISOString().slice(0, 10);
  const { closures } = await apiGet<{ closures: Array<{ id: string; from: string; to: string }> }>(
    app.baseUrl,
    `/labs/${lab.id}`,
  );
  for (const c of closures.filter((c) => c.from <= today && today <= c.to))
    await api('DELETE', `/labs/${lab.id}/closures/${c.id}`, admin);
  const from = new Date(Date.now() - 3_600_000).toISOString();
  const to = new Date(Date.now() + 4 * 3_600_000).toISOString();
  const { items } = await apiGet<{ items: Array<{ id: string }> }>(
    app.baseUrl,
    `/bookings?machineId=${printer.id}&from=${from}&to=${to}&status=pending&status=approved`,
    manager,
  );
  for (const b of items) await api('POST', `/bookings/${b.id}/cancel`, manager, { reason: 'Kiểm thử thiết bị' });

  await SimSwitch.clearRetained(broker, printerDevices.switchId);
  sw = await SimSwitch.start(broker, printerDevices.switchId, { load: 110 });
  await sw.report();
  reader = await SimReader.start(broker, 'biic', printerDevices.readerId);
});

afterAll(async () => {
  await Promise.allSettled([sw?.close(), reader?.close()]);
  await browser?.close();
  await app?.stop();
});

const pageWidth = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth);

test('a lab manager registers a device, gives a member a tapped card and switches a machine from the status board', async () => {
  const context = await newContext(browser, { viewport: DESKTOP });
  const page = await context.newPage();
  page.on('dialog', (dialog) => void dialog.accept());
  await signIn(page, app.baseUrl, 'manager.biic@fablab.local');
  await page.getByRole('link', { name: 'Quản lý lab' }).click();
  await page.getByRole('link', { name: 'Thiết bị & thẻ' }).click();
  await page.getByRole('heading', { name: 'Thiết bị', exact: true }).waitFor();

  // The demo's switch on the printer, heard from: online, off.
  const printerDevicesList = page.getByRole('region', { name: printer.name });
  await printerDevicesList.getByRole('listitem').filter({ hasText: printerDevices.switchId }).getByText('Đang tắt').waitFor();
  await printerDevicesList.getByRole('listitem').filter({ hasText: printerDevices.readerId }).getByText('Đang kết nối').waitFor();

  await screenshot(page, 'devices-desktop');

  // A new reader on another machine, then removed again.
  const vinyl = (await machinesOf(app.baseUrl, lab.id)).find((m) => m.type === 'vinyl_cutter')!;
  const form = page.getByRole('form', { name: 'Đăng ký thiết bị' });
  await form.getByLabel('Máy').selectOption(vinyl.id);
  await form.getByLabel('Loại').selectOption('reader');
  await form.getByLabel('Mã thiết bị').fill('reader-e2e-vinyl');
  await form.getByRole('button', { name: 'Đăng ký' }).click();
  await page.getByRole('status').filter({ hasText: `Đã đăng ký reader-e2e-vinyl cho ${vinyl.name}.` }).waitFor();
  const vinylItem = page.getByRole('region', { name: vinyl.name }).getByRole('listitem');
  await vinylItem.filter({ hasText: 'reader-e2e-vinyl' }).getByText('Mất kết nối').waitFor();
  await vinylItem.filter({ hasText: 'reader-e2e-vinyl' }).getByRole('button', { name: 'Gỡ' }).click();
  await page.getByRole('region', { name: vinyl.name }).waitFor({ state: 'detached' });

  // A new card tapped at the printer's reader: unknown, so it shows up at the desk to be given out.
  expect(await reader.tap(newCard)).toMatchObject({ ok: false, code: 'UNKNOWN_CARD' });
  const unknown = page.getByRole('list', { name: 'Thẻ vừa quẹt, chưa đăng ký' });
  await unknown.getByRole('listitem').filter({ hasText: newCard }).waitFor();
  const assign = page.getByRole('form', { name: 'Cấp thẻ cho thành viên' });
  await assign.getByRole('searchbox', { name: 'Thành viên' }).fill('maker4');
  await assign.getByRole('button', { name: /Huỳnh Gia Khang/ }).click();
  await unknown.getByRole('button', { name: `Dùng thẻ ${newCard}` }).click();
  await expect.poll(() => assign.getByLabel('Mã UID của thẻ').inputValue()).toBe(newCard);
  await assign.getByRole('button', { name: 'Cấp thẻ' }).click();
  await page.getByRole('status').filter({ hasText: `Thẻ ${newCard} đã thuộc về Huỳnh Gia Khang.` }).waitFor();
  await page.getByRole('list', { name: 'Thẻ của Huỳnh Gia Khang' }).getByText(newCard).waitFor();
  await page.getByText('Gần đây không có thẻ lạ nào được quẹt.').waitFor();
  await screenshot(page, 'cards-desktop');

  // The status board: the printer's switch, and the manager's override.
  await page.getByRole('link', { name: 'Trong ngày' }).click();
  const board = page.getByRole('list', { name: 'Trạng thái máy lúc này' });
  const card = board.getByRole('listitem').filter({ hasText: printer.name });
  await card.getByText('Đang tắt').waitFor();
  await card.getByRole('button', { name: 'Bật điện' }).click();
  const dialog = page.getByRole('dialog', { name: `Bật điện ${printer.name}?` });
  await dialog.getByLabel('Lý do (không bắt buộc)').fill('Chạy thử sau khi thay đầu in');
  await dialog.getByRole('button', { name: 'Bật điện' }).click();
  await page.getByRole('status').filter({ hasText: `${printer.name} đã bật.` }).waitFor();
  await sw.waitForOutput(true);
  await card.getByText('Đang bật · 110 W').waitFor();
  await screenshot(page, 'status-board-power-desktop');

  await card.getByRole('button', { name: 'Tắt điện' }).click();
  await page.getByRole('dialog', { name: `Tắt điện ${printer.name}?` }).getByRole('button', { name: 'Tắt điện' }).click();
  await page.getByRole('status').filter({ hasText: `${printer.name} đã tắt.` }).waitFor();
  await sw.waitForOutput(false);
  await card.getByText('Đang tắt').waitFor();

  // The override is in the audit log, with its reason kept by the server.
  const audit = await apiGet<{ items: Array<{ action: string; details: { on?: boolean; reason?: string } }> }>(
    app.baseUrl,
    `/audit?labId=${lab.id}`,
    await apiToken(app.baseUrl, 'manager.biic@fablab.local'),
  );
  expect(audit.items.filter((a) => a.action === 'device.power').map((a) => a.details.on)).toEqual([false, true]);
  await context.close();
});

test('a member starts and stops a machine from its QR page on a phone, and sees their card', async () => {
  const context = await newContext(browser, { viewport: PHONE, phone: true });
  const page = await context.newPage();
  page.on('dialog', (dialog) => void dialog.accept());
  // The QR code on the machine: signing in leads back to it.
  await page.goto(`${app.baseUrl}/m/${printer.id}`);
  await page.waitForURL((url) => url.pathname === '/sign-in');
  await page.getByLabel('Email').fill('maker4@fablab.local');
  await page.getByLabel('Mật khẩu').fill(DEMO_PASSWORD);
  await page.getByRole('main').getByRole('button', { name: 'Đăng nhập' }).click();
  await page.waitForURL((url) => url.pathname === `/m/${printer.id}`);
  await page.getByRole('heading', { level: 1, name: printer.name }).waitFor();
  const now = page.getByRole('region', { name: 'Lúc này' });
  await now.getByText('Trống').waitFor();
  await now.getByText('Đang tắt').waitFor();
  await page.getByText('Hôm nay bạn không có lịch đặt máy này.').waitFor();

  await page.getByRole('button', { name: 'Bắt đầu' }).click();
  await page.getByRole('status').filter({ hasText: 'Đã bắt đầu dùng không đặt trước: máy đã bật.' }).waitFor();
  await sw.waitForOutput(true);
  await now.getByText('Đang sử dụng').waitFor();
  await now.getByText('Đang bật · 110 W').waitFor();
  expect(await pageWidth(page)).toBeLessThanOrEqual(PHONE.width);
  await screenshot(page, 'machine-page-phone');

  await page.getByRole('button', { name: 'Dừng' }).click();
  await page.getByRole('status').filter({ hasText: 'Đã trả máy: máy đã tắt.' }).waitFor();
  await sw.waitForOutput(false);
  await now.getByText('Trống').waitFor();

  // A machine that is used with an approved booking only: the refusal, in words.
  await page.goto(`${app.baseUrl}/m/${laser.id}`);
  await page.getByRole('heading', { level: 1, name: laser.name }).waitFor();
  await page.getByRole('button', { name: 'Bắt đầu' }).click();
  await page
    .getByRole('alert')
    .filter({ hasText: 'Bạn không có lịch đặt máy này vào lúc này, và máy không nhận sử dụng không đặt trước.' })
    .waitFor();
  expect(await pageWidth(page)).toBeLessThanOrEqual(PHONE.width);
  await screenshot(page, 'machine-page-refused-phone');

  // The card the manager gave out, among the member's own.
  await page.goto(`${app.baseUrl}/my`);
  const cards = page.getByRole('region', { name: 'Thẻ của tôi' });
  await cards.getByText(newCard).scrollIntoViewIfNeeded();
  await cards.getByText(newCard).waitFor();
  expect(await pageWidth(page)).toBeLessThanOrEqual(PHONE.width);
  await screenshot(page, 'my-cards-phone');
  await context.close();
});

// The maker's booking flow on a 390 px wide phone: the lab, its calendar, the booking form, and
// the booking in "my bookings", without sideways scrolling of the page itself.
import type { Lab, LabWithClosures, Machine } from '@fablab/shared';
import { DateTime } from 'luxon';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { apiGet, labsOf, machinesOf } from './helpers/api';
import { launchBrowser, newContext, PHONE, screenshot, signIn } from './helpers/browser';
import { visibleSlotPoint } from './helpers/calendar';
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
  lab = (await labsOf(app.baseUrl)).find((l) => l.slug === 'biic')!;
  machine = (await machinesOf(app.baseUrl, lab.id)).find(
    (m) => !m.requiresApproval && !m.requiresCertification && m.status === 'available',
  )!;
  day = freeWeekday(9, (await apiGet<LabWithClosures>(app.baseUrl, `/labs/${lab.id}`)).closures, 2);
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

const pageWidth = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth);

test('a maker books from a phone', async () => {
  const context = await newContext(browser, { viewport: PHONE, phone: true });
  const page = await context.newPage();
  await signIn(page, app.baseUrl, 'maker4@fablab.local');
  const card = page.getByRole('article', { name: 'Phòng thí nghiệm chế tạo đa ngành' });
  await card.getByRole('link', { name: 'Xem lịch và đặt máy' }).click();
  await page.getByRole('heading', { level: 1, name: 'Phòng thí nghiệm chế tạo đa ngành' }).waitFor();
  await page.getByLabel('Ngày', { exact: true }).fill(day);
  // A phone opens the day as a list: each machine's free and busy periods.
  await page.getByRole('button', { name: 'Ngày — danh sách', pressed: true }).waitFor();
  const agenda = page.getByRole('region', { name: machine.name, exact: true });
  await agenda
    .getByText(/^\d\d:\d\d–\d\d:\d\d$/)
    .first()
    .waitFor();
  // Opening hours bound the free time: nothing free before the lab opens.
  expect(await agenda.getByText(/^00:00–/).count()).toBe(0);
  await agenda
    .getByRole('button', { name: /^Đặt .*còn trống/ })
    .first()
    .waitFor();
  expect(await pageWidth(page)).toBeLessThanOrEqual(PHONE.width);
  await screenshot(page, 'calendar-agenda-phone');

  await page.getByRole('button', { name: 'Ngày — mọi máy' }).click();
  await page.locator('.rbc-row-resource .resource-title', { hasText: machine.name }).waitFor();
  expect(await pageWidth(page)).toBeLessThanOrEqual(PHONE.width);
  await screenshot(page, 'calendar-phone');

  // One machine over the week reads better on a small screen.
  await page.getByRole('button', { name: 'Tuần — một máy' }).click();
  await page.getByRole('combobox', { name: 'Máy', exact: true }).selectOption(machine.id);
  await page.locator('.rbc-time-header .rbc-header').filter({ hasText: /\d\d/ }).first().waitFor();
  expect(await pageWidth(page)).toBeLessThanOrEqual(PHONE.width);
  await screenshot(page, 'calendar-week-phone');

  await page.getByRole('button', { name: 'Đặt máy' }).click();
  const dialog = page.getByRole('dialog', { name: 'Đặt máy' });
  await dialog.getByLabel('Máy').selectOption(machine.id);
  await dialog.getByLabel('Ngày').fill(day);
  await dialog.getByLabel('Bắt đầu').selectOption('13:00');
  await dialog.getByLabel('Kết thúc').selectOption('14:00');
  await dialog.getByLabel('Mục đích').selectOption('research');
  await dialog.getByText('Máy này được duyệt ngay khi đặt.').waitFor();
  await screenshot(page, 'booking-dialog-phone');
  await dialog.getByRole('button', { name: 'Đặt máy' }).click();
  await page
    .getByRole('status')
    .filter({ hasText: `Đã đặt ${machine.name}` })
    .waitFor();
  await page.locator('.rbc-event.entry-mine', { hasText: 'Đã duyệt' }).waitFor();

  await page.getByRole('button', { name: 'Menu' }).click();
  await page.getByRole('link', { name: 'Lịch của tôi' }).click();
  // The demo's own bookings on this machine may share the hour or the reason on other days: the
  // item is the one of this day and hour.
  const shownDay = DateTime.fromISO(day).toFormat('dd/MM/yyyy');
  const item = page
    .getByRole('listitem')
    .filter({ hasText: machine.name })
    .filter({ hasText: `${shownDay} 13:00–14:00` });
  await item.getByText('Đã duyệt').waitFor();
  expect(await pageWidth(page)).toBeLessThanOrEqual(PHONE.width);
  await screenshot(page, 'my-bookings-phone');

  // Cancelling from the phone.
  await item.getByRole('button', { name: 'Hủy lượt đặt' }).click();
  const confirm = page.getByRole('dialog', { name: 'Hủy lượt đặt?' });
  await confirm.getByLabel('Lý do (không bắt buộc)').fill('Đổi kế hoạch');
  await confirm.getByRole('button', { name: 'Hủy lượt đặt' }).click();
  const cancelled = page
    .getByRole('listitem')
    .filter({ hasText: machine.name })
    .filter({ hasText: `${shownDay} 13:00–14:00` })
    .filter({ hasText: 'Đổi kế hoạch' });
  await cancelled.getByText('Đã hủy').waitFor();
  expect(await cancelled.count()).toBe(1);
  await context.close();
});

/** Elements inside the calendar that scroll sideways themselves, besides its one scroller. */
const nestedScrollers = (page: Page) =>
  page.evaluate(() => {
    const root = document.querySelector('.calendar-scroll')!;
    return [...root.querySelectorAll<HTMLElement>('*')]
      .filter((el) => {
        const style = getComputedStyle(el);
        const scrolls = (v: string) => v === 'auto' || v === 'scroll';
        return (
          (scrolls(style.overflowX) && el.scrollWidth > el.clientWidth + 1) ||
          (scrolls(style.overflowY) && el.scrollHeight > el.clientHeight + 1)
        );
      })
      .map((el) => el.className);
  });

test('the phone’s day grid: one scroller with sticky hours and machine names; a quick tap books, a resting finger that scrolls does not', async () => {
  const context = await newContext(browser, { viewport: PHONE, phone: true });
  const page = await context.newPage();
  await signIn(page, app.baseUrl, 'maker4@fablab.local');
  await page.goto(`${app.baseUrl}/labs/${lab.id}?date=${day}&view=day`);
  await page.locator('.rbc-row-resource .resource-title').first().waitFor();
  expect(await nestedScrollers(page)).toEqual([]);
  // Scroll the one scroller right and down: the hours and the machine names stay in view.
  const scroller = page.locator('.calendar-scroll');
  await scroller.evaluate((el) => el.scrollBy(240, 200));
  const stuck = await page.evaluate(() => {
    const root = document.querySelector('.calendar-scroll')!.getBoundingClientRect();
    const header = document.querySelector('.rbc-time-header')!.getBoundingClientRect();
    const gutter = document.querySelector('.rbc-time-content > .rbc-time-gutter')!.getBoundingClientRect();
    return { headerTop: Math.round(header.top - root.top), gutterLeft: Math.round(gutter.left - root.left) };
  });
  expect(Math.abs(stuck.headerTop)).toBeLessThanOrEqual(2);
  expect(Math.abs(stuck.gutterLeft)).toBeLessThanOrEqual(2);
  await screenshot(page, 'calendar-day-phone-scrolled');
  await scroller.evaluate((el) => el.scrollTo(0, 0));

  // A resting finger (longer than the old 250 ms hold) that then scrolls opens nothing.
  const rest = await visibleSlotPoint(page, machine.name, '14:00');
  const cdp = await context.newCDPSession(page);
  const touch = (type: 'touchStart' | 'touchMove' | 'touchEnd', x: number, y: number) =>
    cdp.send('Input.dispatchTouchEvent', {
      type,
      touchPoints: type === 'touchEnd' ? [] : [{ x, y, id: 1 }],
    });
  const before = await scroller.evaluate((el) => el.scrollLeft);
  await touch('touchStart', rest.x, rest.y);
  await page.waitForTimeout(400); // the finger rests: this is what is tested, not a wait for the app
  for (let i = 1; i <= 8; i += 1) await touch('touchMove', rest.x - i * 15, rest.y);
  await touch('touchEnd', rest.x - 120, rest.y);
  await expect.poll(() => scroller.evaluate((el) => el.scrollLeft)).toBeGreaterThan(before);
  expect(await page.getByRole('dialog', { name: 'Đặt máy' }).count()).toBe(0);

  // A quick tap on a free slot opens the booking form on that time.
  await scroller.evaluate((el) => el.scrollTo(0, 0));
  const slot = await visibleSlotPoint(page, machine.name, '15:00');
  await page.touchscreen.tap(slot.x, slot.y + 8);
  const dialog = page.getByRole('dialog', { name: 'Đặt máy' });
  await dialog.waitFor();
  expect(await dialog.getByLabel('Bắt đầu').inputValue()).toBe('15:00');
  await screenshot(page, 'calendar-tap-phone');
  await context.close();
});

test('the week fits a 390 px phone: seven days side by side, no sideways scrolling', async () => {
  const context = await newContext(browser, { viewport: PHONE, phone: true });
  const page = await context.newPage();
  await signIn(page, app.baseUrl, 'maker4@fablab.local');
  await page.goto(`${app.baseUrl}/labs/${lab.id}?date=${day}&view=week&machine=${machine.id}`);
  const headers = page.locator('.rbc-time-header-content .rbc-header');
  await expect.poll(() => headers.count()).toBe(7);
  const boxes = await headers.evaluateAll((els) => els.map((el) => el.getBoundingClientRect().right));
  expect(Math.max(...boxes)).toBeLessThanOrEqual(PHONE.width);
  const scroller = page.locator('.calendar-scroll');
  expect(await scroller.evaluate((el) => el.scrollWidth - el.clientWidth)).toBeLessThanOrEqual(1);
  expect(await nestedScrollers(page)).toEqual([]);
  await screenshot(page, 'calendar-week-phone-fits');
  await context.close();
});

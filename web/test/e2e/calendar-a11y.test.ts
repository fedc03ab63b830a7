// Issue 17: the calendar by keyboard alone (book, reschedule, cancel), focus where a person
// expects it (the page's heading after moving to a page, the opener after a dialog), nothing
// focusable that does nothing; and the calendar's words: Vietnamese, times as HH:mm–HH:mm, the
// zone in words.
import type { Booking, Lab, LabWithClosures, Machine } from '@fablab/shared';
import { DateTime } from 'luxon';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { apiGet, apiPost, apiToken, labsOf, machinesOf } from './helpers/api';
import { axeSerious } from './helpers/axe';
import { DESKTOP, launchBrowser, newContext, screenshot, signIn } from './helpers/browser';
import { freeWeekday, LAB_ZONE } from './helpers/dates';
import { startApp, type RunningApp } from './helpers/server';

let app: RunningApp;
let browser: Browser;
let lab: Lab;
let machine: Machine;
let closures: LabWithClosures['closures'];

beforeAll(async () => {
  app = await startApp();
  browser = await launchBrowser();
  lab = (await labsOf(app.baseUrl)).find((l) => l.slug === 'biic')!;
  machine = (await machinesOf(app.baseUrl, lab.id)).find(
    (m) => !m.requiresApproval && !m.requiresCertification && m.status === 'available' && m.slotMinutes <= 30,
  )!;
  closures = (await apiGet<LabWithClosures>(app.baseUrl, `/labs/${lab.id}`)).closures;
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

/** What the focused element is called: its label, or its text. */
const focused = (page: Page) =>
  page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el) return '';
    const own = (el as HTMLInputElement).labels?.[0];
    let labelText = '';
    if (own) {
      const copy = own.cloneNode(true) as HTMLElement;
      for (const control of copy.querySelectorAll('select, input, textarea')) control.remove();
      labelText = copy.textContent?.trim() ?? '';
    }
    const label = el.getAttribute('aria-label') ?? labelText;
    return `${el.tagName.toLowerCase()}|${label || el.innerText || el.getAttribute('title') || ''}`.trim();
  });

/** Presses Tab until the focused element's name matches, as a keyboard user would. */
async function tabTo(page: Page, name: RegExp, max = 200): Promise<void> {
  for (let i = 0; i < max; i += 1) {
    await page.keyboard.press('Tab');
    if (name.test(await focused(page))) return;
  }
  throw new Error(`Tab never reached ${name}; last: ${await focused(page)}`);
}

const activeIsHeading = (page: Page, text: string) =>
  page.evaluate(
    (text) => document.activeElement?.tagName === 'H1' && document.activeElement.textContent === text,
    text,
  );

test('booking, rescheduling and cancelling with the keyboard alone', async () => {
  const day = freeWeekday(10, closures, 5);
  const context = await newContext(browser, { viewport: DESKTOP });
  const page = await context.newPage();
  await signIn(page, app.baseUrl, 'maker5@fablab.local');
  // After moving to a page, focus is on its heading.
  await expect.poll(() => activeIsHeading(page, 'Các phòng thí nghiệm chế tạo (FabLab)')).toBe(true);
  await page.goto(`${app.baseUrl}/?_=${day}`);
  const card = page.getByRole('article', { name: 'Phòng thí nghiệm chế tạo đa ngành' });
  await card.getByRole('link', { name: 'Xem lịch và đặt máy' }).waitFor();
  await tabTo(page, /^a\|Xem lịch và đặt máy$/);
  // Three labs: the third link is BIIC's.
  await tabTo(page, /^a\|Xem lịch và đặt máy$/);
  await tabTo(page, /^a\|Xem lịch và đặt máy$/);
  await page.keyboard.press('Enter');
  await expect.poll(() => activeIsHeading(page, 'Phòng thí nghiệm chế tạo đa ngành')).toBe(true);

  // Choose the day by typing it, then book from the toolbar.
  await tabTo(page, /^input\|Ngày$/);
  await page.keyboard.press('Control+A');
  await page.keyboard.type(DateTime.fromISO(day).toFormat('dd/MM/yyyy'));
  await page.keyboard.press('Enter');
  await page.locator('.calendar-heading', { hasText: DateTime.fromISO(day).toFormat('dd/MM/yyyy') }).waitFor();
  await tabTo(page, /^button\|Đặt máy$/);
  await page.keyboard.press('Enter');
  const dialog = page.getByRole('dialog', { name: 'Đặt máy' });
  await dialog.waitFor();
  await tabTo(page, /^select\|Máy$/);
  await page.keyboard.type(machine.name.slice(0, 6));
  await expect.poll(() => dialog.getByLabel('Máy').inputValue()).toBe(machine.id);
  await tabTo(page, /^select\|Bắt đầu$/);
  await page.keyboard.type('13:00');
  await expect.poll(() => dialog.getByLabel('Bắt đầu').inputValue()).toBe('13:00');
  await tabTo(page, /^button\|Đặt máy$/);
  await page.keyboard.press('Enter');
  await page
    .getByRole('status')
    .filter({ hasText: `Đã đặt ${machine.name}` })
    .waitFor();

  // The booking is a button of the calendar: Enter opens it; Escape gives focus back to it.
  const mine = /^div\|[\s\S]*Của tôi · Đã duyệt/;
  await tabTo(page, mine);
  await page.keyboard.press('Enter');
  const details = page.getByRole('dialog', { name: 'Lượt đặt của bạn' });
  await details.waitFor();
  await page.keyboard.press('Escape');
  await expect.poll(() => focused(page)).toMatch(mine);
  await page.keyboard.press('Enter');
  await details.waitFor();
  await tabTo(page, /^button\|Đổi giờ$/);
  await page.keyboard.press('Enter');
  await tabTo(page, /^select\|Bắt đầu$/);
  await page.keyboard.type('15:00');
  await expect.poll(() => details.getByLabel('Bắt đầu').inputValue()).toBe('15:00');
  await tabTo(page, /^button\|Lưu giờ mới$/);
  await page.keyboard.press('Enter');
  await page.getByRole('status').filter({ hasText: 'Đã đổi giờ' }).filter({ hasText: '15:00' }).waitFor();
  // Focus lands on the message's Undo.
  await expect.poll(() => focused(page)).toBe('button|Hoàn tác');
  await screenshot(page, 'keyboard-rescheduled');

  const token = await apiToken(app.baseUrl, 'maker5@fablab.local');
  const mineNow = async () =>
    (
      await apiGet<{ items: Booking[] }>(app.baseUrl, `/bookings?mine=true&machineId=${machine.id}`, token)
    ).items.filter((b) => DateTime.fromISO(b.start, { zone: LAB_ZONE }).toISODate() === day);
  expect((await mineNow()).map((b) => DateTime.fromISO(b.start, { zone: LAB_ZONE }).toFormat('HH:mm'))).toEqual([
    '15:00',
  ]);

  await tabTo(page, mine);
  await page.keyboard.press('Enter');
  await tabTo(page, /^button\|Hủy lượt đặt$/);
  await page.keyboard.press('Enter');
  await tabTo(page, /^input\|Lý do/);
  await page.keyboard.type('Đổi lịch học');
  await tabTo(page, /^button\|Hủy lượt đặt$/);
  await page.keyboard.press('Enter');
  await page.getByRole('status').filter({ hasText: 'Đã hủy lượt đặt' }).waitFor();
  expect((await mineNow()).map((b) => b.status)).toEqual(['cancelled']);
  await context.close();
});

test('nothing in the calendar takes focus that does nothing; closed time is painted, not a block', async () => {
  const day = freeWeekday(10, closures, 6);
  const token = await apiToken(app.baseUrl, 'maker1@fablab.local');
  await apiPost(app.baseUrl, '/bookings', token, {
    machineId: machine.id,
    start: DateTime.fromISO(`${day}T10:00`, { zone: LAB_ZONE }).toISO(),
    end: DateTime.fromISO(`${day}T11:00`, { zone: LAB_ZONE }).toISO(),
    purpose: 'research',
  });
  const context = await newContext(browser, { viewport: DESKTOP, bypassCSP: true });
  const page = await context.newPage();
  await signIn(page, app.baseUrl, 'maker2@fablab.local');
  for (const view of ['day', 'week']) {
    await page.goto(`${app.baseUrl}/labs/${lab.id}?date=${day}&view=${view}&machine=${machine.id}`);
    await page.locator('.rbc-event.entry-booking').first().waitFor();
    const focusable = await page.evaluate(() =>
      [...document.querySelectorAll<HTMLElement>('.calendar-scroll *')]
        .filter((el) => el.tabIndex >= 0 || el.tagName === 'BUTTON')
        .map((el) => el.className),
    );
    // Another member's booking is text; day headers are not buttons; there are no closed blocks.
    expect(focusable).toEqual([]);
    expect(await page.locator('.rbc-background-event').count()).toBe(0);
    // The week's Sunday is closed: painted on its slots.
    if (view === 'week') expect(await page.locator('.slot-closed').count()).toBeGreaterThan(0);
    // With other members' bookings in view (white on grey was 3.4:1): no serious violation.
    expect(await axeSerious(page)).toEqual([]);
  }
  await context.close();
});

test('the calendar speaks Vietnamese and English, times read HH:mm–HH:mm, the zone is in words', async () => {
  const day = freeWeekday(10, closures, 6);
  const context = await newContext(browser, { viewport: DESKTOP });
  const page = await context.newPage();
  await signIn(page, app.baseUrl, 'maker3@fablab.local');
  await page.goto(`${app.baseUrl}/labs/${lab.id}?date=${day}`);
  await page.locator('.rbc-event.entry-booking').first().waitFor();
  await page.locator('.calendar-heading', { hasText: 'giờ Việt Nam, UTC+7' }).waitFor();
  const titles = await page.locator('.rbc-event').evaluateAll((els) => els.map((el) => el.getAttribute('title')));
  expect(titles.length).toBeGreaterThan(0);
  for (const title of titles) expect(title).toMatch(/^\d\d:\d\d–\d\d:\d\d: .+ · \d\d:\d\d–\d\d:\d\d$/);
  const labels = await page.locator('.rbc-event-label').allTextContents();
  for (const label of labels) expect(label).toMatch(/^\d\d:\d\d–\d\d:\d\d$/);
  expect(await page.locator('body').innerText()).not.toContain('Asia/Ho_Chi_Minh');
  // The first hour the lab opens on a weekday is open: no hatched strip on it.
  const open = lab.openingHours.mon[0]![0];
  expect((await page.locator('.rbc-time-gutter .rbc-label').first().textContent())?.trim()).toBe(
    `${open.slice(0, 2)}:00`,
  );
  if (open.endsWith(':00')) {
    const firstSlots = await page
      .locator('.rbc-time-content > .rbc-day-slot')
      .evaluateAll((cols) => cols.map((c) => c.querySelector('.rbc-time-slot')?.classList.contains('slot-closed')));
    expect(firstSlots.every((closed) => !closed)).toBe(true);
  }
  await screenshot(page, 'calendar-words-vi');

  await page.getByRole('button', { name: 'English' }).click();
  await page.locator('.calendar-heading', { hasText: 'Vietnam time, UTC+7' }).waitFor();
  await page.getByRole('button', { name: 'Day — all machines' }).waitFor();
  await screenshot(page, 'calendar-words-en');
  await context.close();
});

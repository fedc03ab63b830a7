// Dates and times are the lab's, whatever the browser: a browser in Los Angeles with an American
// locale sees the same "today", the same dates (dd/MM/yyyy) and the same times as one in the lab's
// own zone. The browsers' clocks are set to 05:30 on the 1st of the lab's month, when it is still
// the day before in UTC and in Los Angeles.
import { DateTime } from 'luxon';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { apiPost, apiToken, labsOf } from './helpers/api';
import { DESKTOP, launchBrowser, newContext, screenshot, signIn } from './helpers/browser';
import { LAB_ZONE } from './helpers/dates';
import { startApp, type RunningApp } from './helpers/server';

let app: RunningApp;
let browser: Browser;

// The 1st of the lab's month at 05:30, in the past (the month before, on the 1st before 05:30).
let at = DateTime.now().setZone(LAB_ZONE).startOf('month').set({ hour: 5, minute: 30 });
if (at > DateTime.now()) at = at.minus({ months: 1 });
const today = at.toISODate() as string;
const yesterday = at.minus({ days: 1 }).toISODate() as string;
const tomorrow = at.plus({ days: 1 }).toISODate() as string;
const ddmmyyyy = (iso: string) => DateTime.fromISO(iso).toFormat('dd/MM/yyyy');

const BROWSERS = [
  { name: 'lab-zone', timezoneId: LAB_ZONE, locale: 'vi-VN' },
  { name: 'los-angeles', timezoneId: 'America/Los_Angeles', locale: 'en-US' },
] as const;

let labId: string;
let newYorkLabId: string;
/** The first hour the lab's calendar shows: its earliest opening, on the whole hour. */
let firstHour: string;

beforeAll(async () => {
  app = await startApp();
  browser = await launchBrowser();
  const labs = await labsOf(app.baseUrl);
  const lab = labs.find((l) => l.slug === 'mechatronics')!;
  labId = lab.id;
  const opens = Object.values(lab.openingHours).flatMap((periods) => periods.map(([from]) => from));
  firstHour = `${[...opens].sort()[0]!.slice(0, 2)}:00`;
  const manager = await apiToken(app.baseUrl, 'manager.mechatronics@fablab.local');
  // A closure that is over by the lab's clock, though not yet by UTC's, and one to come.
  await apiPost(app.baseUrl, `/labs/${labId}/closures`, manager, {
    from: yesterday,
    to: yesterday,
    reason: 'Ngày đã qua',
  });
  await apiPost(app.baseUrl, `/labs/${labId}/closures`, manager, {
    from: tomorrow,
    to: tomorrow,
    reason: 'Ngày hội STEM',
  });
  // A lab in another zone, where the month has not turned yet at that instant.
  const admin = await apiToken(app.baseUrl, 'admin@fablab.local');
  const created = await apiPost<{ id: string }>(app.baseUrl, '/labs', admin, {
    slug: 'new-york',
    name: 'Fab Lab New York',
    nameVi: 'Phòng lab New York',
    host: 'Partner lab',
    timezone: 'America/New_York',
    openingHours: lab.openingHours,
  });
  newYorkLabId = created.id;
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

async function openAt(options: (typeof BROWSERS)[number]): Promise<{ context: BrowserContext; page: Page }> {
  const context = await newContext(browser, {
    viewport: DESKTOP,
    timezoneId: options.timezoneId,
    locale: options.locale,
  });
  const page = await context.newPage();
  await page.clock.setFixedTime(at.toJSDate());
  return { context, page };
}

test.each(BROWSERS)('a browser in $timezoneId ($locale) sees the lab’s dates and times', async (options) => {
  const { context, page } = await openAt(options);
  // The browser's own clock, so that the test shows what it is about.
  const browserDate = await page.evaluate(() => new Date().toLocaleDateString('en-CA'));
  expect(browserDate).toBe(options.timezoneId === LAB_ZONE ? today : yesterday);

  await signIn(page, app.baseUrl, 'manager.mechatronics@fablab.local');

  // Closures: the one of yesterday (lab time) is over; dates read dd/MM/yyyy.
  await page.goto(`${app.baseUrl}/manage/${labId}/settings`);
  const closures = page.getByRole('region', { name: /^Ngày nghỉ/ });
  await closures.getByText('Ngày hội STEM').waitFor();
  await closures.getByText(ddmmyyyy(tomorrow), { exact: true }).waitFor();
  expect(await closures.getByText('Ngày đã qua').count()).toBe(0);
  // A date typed as the app writes it is taken as that date.
  const from = closures.getByLabel('Từ ngày');
  await from.fill(ddmmyyyy(tomorrow));
  await from.blur();
  expect(await from.inputValue()).toBe(ddmmyyyy(tomorrow));
  await screenshot(page, `lab-time-closures-${options.name}`);

  // The calendar opens on the lab's today, written dd/MM/yyyy, with the lab's hours.
  await page.goto(`${app.baseUrl}/labs/${labId}`);
  const dateField = page.getByLabel('Ngày', { exact: true });
  await expect.poll(() => dateField.inputValue()).toBe(ddmmyyyy(today));
  await page.locator('.rbc-time-gutter .rbc-label').first().waitFor();
  expect((await page.locator('.rbc-time-gutter .rbc-label').first().textContent())?.trim()).toBe(firstHour);
  await screenshot(page, `lab-time-calendar-${options.name}`);
  await context.close();
});

test.each(BROWSERS)('the statistics month is the lab’s month in a browser in $timezoneId', async (options) => {
  const { context, page } = await openAt(options);
  await signIn(page, app.baseUrl, 'department@fablab.local');
  await page.goto(`${app.baseUrl}/dashboard`);
  const month = page.getByRole('combobox', { name: 'Tháng', exact: true });
  const labMonth = at.toFormat('MM/yyyy');
  await expect.poll(async () => (await month.locator('option:checked').textContent())?.trim()).toBe(labMonth);
  await page.getByRole('heading', { name: `Tổng hợp tháng ${labMonth}` }).waitFor();
  // In New York it is still the last day of the month before.
  await page.getByRole('combobox', { name: 'Phòng lab', exact: true }).selectOption(newYorkLabId);
  const newYorkMonth = at.setZone('America/New_York').toFormat('MM/yyyy');
  await expect.poll(async () => (await month.locator('option:checked').textContent())?.trim()).toBe(newYorkMonth);
  await context.close();
});

// Debian's Chromium driven by playwright-core: no browser is ever downloaded.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { repoRoot } from './server';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export const DESKTOP = { width: 1366, height: 900 } as const;
export const PHONE = { width: 390, height: 844 } as const;

export const SCREENSHOT_DIR = path.join(repoRoot, 'web/test/screenshots');

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
}

export async function newContext(
  browser: Browser,
  options: {
    viewport?: { width: number; height: number };
    timezoneId?: string;
    /** The browser's own language and formats (the app's language is its own setting). */
    locale?: string;
    phone?: boolean;
    /** For injecting axe-core as an inline script: the app's CSP allows only its own scripts. */
    bypassCSP?: boolean;
  } = {},
): Promise<BrowserContext> {
  const context = await browser.newContext({
    viewport: options.viewport ?? DESKTOP,
    timezoneId: options.timezoneId,
    locale: options.locale,
    deviceScaleFactor: 1,
    isMobile: options.phone ?? false,
    hasTouch: options.phone ?? false,
    acceptDownloads: true,
    bypassCSP: options.bypassCSP ?? false,
  });
  context.setDefaultTimeout(20_000);
  return context;
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: false });
  return file;
}

export const DEMO_PASSWORD = 'fablab-demo';

/** Signs in through the form, as a person does. */
export async function signIn(page: Page, baseUrl: string, email: string, password = DEMO_PASSWORD): Promise<void> {
  await page.goto(`${baseUrl}/sign-in`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel(/^(Mật khẩu|Password)$/).fill(password);
  await page
    .getByRole('main')
    .getByRole('button', { name: /^(Đăng nhập|Sign in)$/ })
    .click();
  await page.waitForURL((url) => !url.pathname.startsWith('/sign-in'));
}

export async function signOut(page: Page): Promise<void> {
  const menu = page.getByRole('button', { name: 'Menu' });
  if (await menu.isVisible()) await menu.click();
  await page.getByRole('button', { name: /^(Đăng xuất|Sign out)$/ }).click();
}

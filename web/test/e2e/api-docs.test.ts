// The API documentation page as a partner's developer opens it: Swagger UI draws the operations
// under the app's Content-Security-Policy, and the browser reports no violation of it.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { launchBrowser, newContext, screenshot } from './helpers/browser';
import { startApp, type RunningApp } from './helpers/server';

let app: RunningApp;
let browser: Browser;

beforeAll(async () => {
  app = await startApp();
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

test('Swagger UI draws every operation without a Content-Security-Policy violation', async () => {
  const context = await newContext(browser);
  const page = await context.newPage();
  const violations: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy|Content-Security-Policy/i.test(message.text())) violations.push(message.text());
  });
  // Violations of the policy are also reported to the page as events.
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => console.error(`Content Security Policy: ${e.violatedDirective} ${e.blockedURI}`));
  });
  await page.goto(`${app.baseUrl}/api/docs`);
  await page.getByRole('heading', { name: /FabLab booking API/ }).waitFor();
  await page.locator('.opblock').first().waitFor();
  expect(await page.locator('.opblock').count()).toBeGreaterThan(50);
  await screenshot(page, 'api-docs');
  expect(violations).toEqual([]);
  await context.close();
});

// Every page of every role, on a desktop and on a phone: axe finds no critical or serious
// violation, and the Vietnamese interface has no English in what a person reads or hears.
import type { Lab, LabWithClosures, Machine } from '@fablab/shared';
import { DateTime } from 'luxon';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { apiGet, apiPost, apiToken, labsOf, machinesOf } from './helpers/api';
import { axeSerious, type AxeViolation } from './helpers/axe';
import { DESKTOP, launchBrowser, newContext, PHONE, screenshot, SCREENSHOT_DIR, signIn } from './helpers/browser';
import { englishIn, readableText, type Leak } from './helpers/language';
import { freeWeekday, LAB_ZONE } from './helpers/dates';
import { CONSENT_LINK, startMailbox, type Mailbox } from './helpers/mailbox';
import { ACCOUNTS, pagesOf, settled, trackRequests, type Role } from './helpers/pages';
import { startApp, type RunningApp } from './helpers/server';

let app: RunningApp;
/** The server mails a guardian's consent link here: the page the guardian reads is looked at too. */
let mailbox: Mailbox;
let consentToken: string;
let browser: Browser;
let lab: Lab;
/** A day on which the member has a booking, whatever today's demo data holds. */
let bookedDay: string;
/** Names the demo gives in English: they are data, not the interface. */
const data: string[] = [
  'Walk-in',
  'Routine maintenance',
  'Reserved for a class',
  'Change of plans',
  // The demo's usage sessions record these materials, in these units.
  ...['acrylic 3 mm', 'plywood 3 mm', 'PLA', 'PETG', 'standard resin', 'MDF 12 mm', 'FR4 copper board'],
  ...['vinyl film', 'thread', 'pipette tips', 'PCR tubes', 'sheet', 'piece', 'spool', 'box', 'ml'],
];

beforeAll(async () => {
  mailbox = await startMailbox();
  app = await startApp({ env: mailbox.env });
  browser = await launchBrowser();
  const labs = await labsOf(app.baseUrl);
  lab = labs.find((l) => l.slug === 'mechatronics')!;
  // Accounts' emails (longest first, so the whole address goes).
  data.push(...Object.values(ACCOUNTS), 'manager.biotech@fablab.local', 'manager.biic@fablab.local');
  data.push(...[2, 3, 4, 5].map((n) => `maker${n}@fablab.local`), 'fablab.local');
  for (const l of labs) {
    data.push(l.name, l.host);
    // Public holidays: the demo names them in both languages.
    const withClosures = await apiGet<LabWithClosures>(app.baseUrl, `/labs/${l.id}`);
    data.push(...withClosures.closures.map((c) => c.reason));
    const machines: Machine[] = await machinesOf(app.baseUrl, l.id);
    data.push(...machines.map((m) => m.name));
  }
  const closures = (await apiGet<LabWithClosures>(app.baseUrl, `/labs/${lab.id}`)).closures;
  bookedDay = freeWeekday(15, closures);
  const bench = (await machinesOf(app.baseUrl, lab.id)).find((m) => !m.requiresApproval && !m.requiresCertification)!;
  await apiPost(app.baseUrl, '/bookings', await apiToken(app.baseUrl, ACCOUNTS.member), {
    machineId: bench.id,
    start: DateTime.fromISO(`${bookedDay}T10:00`, { zone: LAB_ZONE }).toISO(),
    end: DateTime.fromISO(`${bookedDay}T11:00`, { zone: LAB_ZONE }).toISO(),
    purpose: 'personal_project',
  });
  // A member under 16 registers; their guardian's link is read, never used.
  const registered = await fetch(`${app.baseUrl}/api/auth/register`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      email: 'minor.every-page@example.test',
      password: 'mat-khau-du-dai',
      fullName: 'Trần Minh Khôi',
      category: 'student',
      under16: true,
      guardian: { name: 'Trần Thị Hoa', contact: 'guardian.every-page@example.test' },
    }),
  });
  expect(registered.status).toBe(201);
  consentToken = (await mailbox.waitFor('guardian.every-page@example.test', CONSENT_LINK))[1]!;
  data.push('Trần Minh Khôi', 'Trần Thị Hoa', 'minor.every-page@example.test');
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await mailbox?.close();
});

const ROLES: Role[] = ['visitor', 'member', 'manager', 'department', 'admin'];
const VIEWPORTS = { desktop: DESKTOP, phone: PHONE } as const;

interface Finding {
  page: string;
  violations: AxeViolation[];
  leaks: Leak[];
}

const findings: Record<string, Finding[]> = {};

for (const role of ROLES) {
  for (const [viewportName, viewport] of Object.entries(VIEWPORTS)) {
    test(`${role} on a ${viewportName}: no serious accessibility violation, no English in Vietnamese`, async () => {
      const phone = viewportName === 'phone';
      const context = await newContext(browser, { viewport, phone, bypassCSP: true });
      const page = await context.newPage();
      const inFlight = trackRequests(page);
      if (role !== 'visitor') await signIn(page, app.baseUrl, ACCOUNTS[role]);
      const results: Finding[] = [];
      for (const target of pagesOf(role, lab.id, bookedDay, { consentToken })) {
        await page.goto(`${app.baseUrl}${target.path}`);
        await settled(page, inFlight);
        if (target.then) {
          await target.then(page);
          await settled(page, inFlight);
        }
        const name = `${target.path}${target.name ? ` (${target.name})` : ''}`;
        const violations = await axeSerious(page);
        const leaks = englishIn(await readableText(page), data);
        results.push({ page: name, violations, leaks });
        if (violations.length > 0 || leaks.length > 0) {
          const file = `every-page-${role}-${viewportName}-${name.replace(/[^a-z0-9]+/gi, '-')}`;
          await screenshot(page, file.slice(0, 120));
        }
      }
      findings[`${role}-${viewportName}`] = results;
      mkdirSync(SCREENSHOT_DIR, { recursive: true });
      writeFileSync(
        path.join(SCREENSHOT_DIR, `every-page-${role}-${viewportName}.json`),
        JSON.stringify(results, null, 2),
      );
      const bad = results.filter((r) => r.violations.length > 0);
      const english = results.filter((r) => r.leaks.length > 0);
      expect
        .soft(
          bad.map((r) => ({
            page: r.page,
            violations: r.violations.map((v) => `${v.impact} ${v.id}: ${v.targets[0]}`),
          })),
        )
        .toEqual([]);
      expect
        .soft(english.map((r) => ({ page: r.page, leaks: r.leaks.map((l) => `${l.source}: ${l.text.slice(0, 80)}`) })))
        .toEqual([]);
      await context.close();
    });
  }
}

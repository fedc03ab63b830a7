// Every page of the app, per role, for the suites that look at all of them (accessibility,
// language). A page is ready when its heading is there, nothing says "loading" and no request
// is on its way (the live event stream of a lab excepted).
import type { Page } from 'playwright-core';

export type Role = 'visitor' | 'member' | 'manager' | 'department' | 'admin';

export const ACCOUNTS: Record<Exclude<Role, 'visitor'>, string> = {
  member: 'maker1@fablab.local',
  manager: 'manager.mechatronics@fablab.local',
  department: 'department@fablab.local',
  admin: 'admin@fablab.local',
};

export interface AppPage {
  path: string;
  /** What to do once there before looking (open a dialog, choose a view). */
  then?: (page: Page) => Promise<void>;
  name?: string;
}

/** Made-up, so the page says the link is not valid. */
const UNKNOWN_CONSENT_LINK = 'no-such-link-000000000000000000000000000000';

/**
 * `bookedDay`: a day on which the member has a booking of their own, so its controls are looked at
 * too. `consentToken`: a live consent link to a guardian, so the page a guardian reads is looked at
 * (the test must not consent with it).
 */
export function pagesOf(
  role: Role,
  labId: string,
  bookedDay?: string,
  extra: { consentToken?: string } = {},
): AppPage[] {
  const lab = `/labs/${labId}`;
  const manage = `/manage/${labId}`;
  switch (role) {
    case 'visitor':
      return [
        { path: '/' },
        { path: '/sign-in' },
        { path: '/register' },
        {
          path: '/register',
          name: 'under 16',
          then: async (page) => {
            await page.getByLabel(/^(Tôi dưới 16 tuổi|I am under 16)$/).check();
          },
        },
        { path: '/forgot-password' },
        { path: '/set-password?token=not-a-real-token' },
        { path: lab },
        ...(extra.consentToken ? [{ path: `/guardian-consent/${extra.consentToken}` }] : []),
        { path: `/guardian-consent/${UNKNOWN_CONSENT_LINK}`, name: 'used link' },
      ];
    case 'member':
      return [
        { path: '/' },
        { path: lab },
        { path: `${lab}?view=week` },
        { path: `${lab}?view=agenda` },
        ...(bookedDay
          ? [{ path: `${lab}?view=agenda&date=${bookedDay}` }, { path: `${lab}?view=week&date=${bookedDay}` }]
          : []),
        {
          path: lab,
          name: 'booking dialog',
          then: async (page) => {
            await page
              .getByRole('toolbar')
              .getByRole('button', { name: /^(Đặt máy|Book)$/ })
              .click();
            await page.getByRole('dialog').waitFor();
          },
        },
        { path: '/my' },
        { path: '/profile' },
        { path: '/notifications' },
        { path: '/no-such-page' },
      ];
    case 'manager':
      return [
        { path: manage },
        { path: `${manage}/today` },
        { path: `${manage}/certifications` },
        { path: `${manage}/maintenance` },
        { path: `${manage}/incidents` },
        { path: `${manage}/groups` },
        { path: `${manage}/settings` },
        {
          path: `${manage}/settings`,
          name: 'closure confirmation',
          then: async (page) => {
            // The dry run's dialog, closed again without confirming.
            const region = page.getByRole('region', { name: /^(Ngày nghỉ|Closures)/ });
            await region.getByLabel(/^(Từ ngày|From)$/).fill('2031-03-03');
            await region.getByLabel(/^(Lý do|Reason)$/).fill('Kiểm kê');
            await region.getByRole('button', { name: /^(Thêm ngày nghỉ|Add a closure)$/ }).click();
            await page.getByRole('dialog').waitFor();
          },
        },
        {
          path: `${manage}/today`,
          name: 'maintenance confirmation',
          then: async (page) => {
            await page.getByRole('button', { name: /^(Lên lịch bảo trì|Schedule maintenance)$/ }).click();
            const dialog = page.getByRole('dialog');
            await dialog.getByLabel(/^(Lý do bảo trì|Reason)$/).fill('Vệ sinh');
            await dialog.getByRole('button', { name: /^(Lên lịch bảo trì|Schedule maintenance)$/ }).click();
            await dialog.getByRole('button', { name: /^(Quay lại|Back)$/ }).waitFor();
          },
        },
        { path: '/dashboard' },
        { path: `/audit?labId=${labId}` },
        { path: lab },
        { path: '/my' },
        { path: '/profile' },
      ];
    case 'department':
      return [
        { path: '/manage' },
        { path: `${manage}/maintenance` },
        { path: `${manage}/incidents` },
        { path: '/dashboard' },
        { path: lab },
      ];
    case 'admin':
      return [
        { path: '/admin' },
        { path: '/admin/users' },
        {
          path: '/admin/users',
          name: 'create-account dialog',
          then: async (page) => {
            await page.getByRole('button', { name: /^(Tạo tài khoản|Create account)$/ }).click();
            await page.getByRole('dialog').waitFor();
          },
        },
        { path: '/profile' },
        { path: '/audit' },
        { path: '/dashboard' },
        { path: '/manage' },
        { path: `${manage}/settings` },
        { path: `${manage}/today` },
      ];
  }
}

/** Counts requests in flight, so that a page can be looked at once it has stopped loading. */
export function trackRequests(page: Page): () => number {
  let inFlight = 0;
  page.on('request', (r) => {
    if (r.resourceType() !== 'eventsource') inFlight += 1;
  });
  const done = (r: { resourceType: () => string }) => {
    if (r.resourceType() !== 'eventsource') inFlight = Math.max(0, inFlight - 1);
  };
  page.on('requestfinished', done);
  page.on('requestfailed', done);
  return () => inFlight;
}

export async function settled(page: Page, inFlight: () => number): Promise<void> {
  await page.locator('h1').first().waitFor();
  let quiet = 0;
  for (let i = 0; i < 200 && quiet < 4; i += 1) {
    const busy = inFlight() > 0 || (await page.locator('.state-loading, [aria-busy="true"]').count()) > 0;
    quiet = busy ? 0 : quiet + 1;
    await page.waitForTimeout(100);
  }
}

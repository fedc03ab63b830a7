// Someone under 16 registers: the guardian gets a one-time link by email, the member's page says
// where it went and the booking dialog says why booking waits; the guardian opens the link, reads
// whose account it is and what it keeps, and consents once. A lab's manager records a paper form
// instead for another minor, who then books; the approval queue and the check-in dialog show the
// under-16 badge. The server sends its mail to a real SMTP receiver here.
import type { Lab, Machine } from '@fablab/shared';
import { DateTime } from 'luxon';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { apiGet, apiPost, labsOf, machinesOf } from './helpers/api';
import { DESKTOP, launchBrowser, newContext, PHONE, screenshot, signIn } from './helpers/browser';
import { freeWeekday, LAB_ZONE } from './helpers/dates';
import { CONSENT_LINK, startMailbox, type Mailbox } from './helpers/mailbox';
import { startApp, type RunningApp } from './helpers/server';

let mailbox: Mailbox;
let app: RunningApp;
let browser: Browser;
let lab: Lab;
let approvalMachine: Machine;
let bench: Machine;

const MANAGER = 'manager.mechatronics@fablab.local';
const PASSWORD = 'mat-khau-du-dai';

beforeAll(async () => {
  mailbox = await startMailbox();
  app = await startApp({ env: mailbox.env });
  browser = await launchBrowser();
  lab = (await labsOf(app.baseUrl)).find((l) => l.slug === 'mechatronics')!;
  const machines = await machinesOf(app.baseUrl, lab.id);
  approvalMachine = machines.find((m) => m.requiresApproval && !m.requiresCertification && m.status === 'available')!;
  bench = machines.find((m) => !m.requiresApproval && !m.requiresCertification && m.status === 'available')!;
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await mailbox?.close();
});

test('on a phone, a minor registers, the guardian consents through the mailed link once, and the minor may book', async () => {
  const email = `khoi-${Date.now()}@example.test`;
  const guardianEmail = `hoa-${Date.now()}@example.test`;
  const context = await newContext(browser, { viewport: PHONE, phone: true });
  const page = await context.newPage();
  await page.goto(`${app.baseUrl}/register`);
  await page.getByRole('heading', { level: 1, name: 'Tạo tài khoản thành viên' }).waitFor();
  await page.getByLabel('Email', { exact: true }).fill(email);
  await page.getByLabel(/^Mật khẩu/).fill(PASSWORD);
  await page.getByLabel('Họ và tên').fill('Trần Minh Khôi');
  await page.getByLabel('Tôi dưới 16 tuổi').check();
  await page.getByLabel('Họ tên người giám hộ').fill('Trần Thị Hoa');
  await page.getByLabel('Email người giám hộ (hoặc số điện thoại)').fill(guardianEmail);
  await page.getByRole('button', { name: 'Đăng ký' }).click();

  // The member's page says a link went to the guardian.
  const card = page.getByRole('region', { name: 'Sự đồng ý của người giám hộ' });
  await card.getByText(`Đường dẫn xác nhận đã được gửi tới ${guardianEmail}`).waitFor();
  await screenshot(page, 'consent-pending-phone');

  // Booking waits, and the dialog says why.
  await page.goto(`${app.baseUrl}/labs/${lab.id}?date=${freeWeekday(10)}`);
  await page.getByRole('toolbar').getByRole('button', { name: 'Đặt máy' }).click();
  const dialog = page.getByRole('dialog', { name: 'Đặt máy' });
  await dialog
    .getByText(`cha mẹ hoặc người giám hộ cần xác nhận đồng ý qua đường dẫn đã gửi tới ${guardianEmail}`)
    .waitFor();
  expect(await dialog.getByRole('button', { name: /^(Đặt máy|Gửi yêu cầu đặt máy)$/ }).isDisabled()).toBe(true);
  await screenshot(page, 'consent-booking-waits-phone');

  // The guardian opens the link from the email.
  const token = (await mailbox.waitFor(guardianEmail, CONSENT_LINK))[1]!;
  const guardianContext = await newContext(browser, { viewport: PHONE, phone: true });
  const guardian = await guardianContext.newPage();
  await guardian.goto(`${app.baseUrl}/guardian-consent/${token}`);
  await guardian.getByRole('heading', { level: 1, name: 'Đồng ý của cha mẹ hoặc người giám hộ' }).waitFor();
  await guardian.getByText('Trần Minh Khôi (dưới 16 tuổi) đã đăng ký tài khoản').waitFor();
  const kept = guardian.getByRole('region', { name: 'Những gì hệ thống lưu về Trần Minh Khôi' });
  await kept.getByText('Họ tên và liên hệ của bạn (người giám hộ)').waitFor();
  await kept.getByText('Các lượt đặt máy: máy nào, khi nào, để làm gì').waitFor();
  await screenshot(guardian, 'consent-guardian-phone');
  await guardian.getByRole('button', { name: 'Tôi đồng ý cho Trần Minh Khôi sử dụng phòng lab' }).click();
  await guardian
    .getByRole('status')
    .filter({ hasText: 'Cảm ơn bạn. Trần Minh Khôi có thể đặt máy từ bây giờ.' })
    .waitFor();
  // The link works once.
  await guardian.reload();
  await guardian
    .getByRole('alert')
    .filter({ hasText: 'Đường dẫn này không hợp lệ, đã được dùng hoặc đã hết hạn.' })
    .waitFor();
  await guardianContext.close();

  // The member now books.
  await page.goto(`${app.baseUrl}/my`);
  await page.getByText('Người giám hộ đã xác nhận đồng ý qua đường dẫn').waitFor();
  const day = freeWeekday(10, [], 2);
  await apiPost(app.baseUrl, '/bookings', await tokenOf(email), {
    machineId: bench.id,
    start: DateTime.fromISO(`${day}T09:00`, { zone: LAB_ZONE }).toISO(),
    end: DateTime.fromISO(`${day}T10:00`, { zone: LAB_ZONE }).toISO(),
    purpose: 'personal_project',
  });
  await context.close();
});

async function tokenOf(email: string): Promise<string> {
  const response = await fetch(`${app.baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email, password: PASSWORD }),
  });
  return ((await response.json()) as { token: string }).token;
}

/** A minor registered with a phone number for the guardian: no link, a paper form instead. */
async function registerMinor(name: string): Promise<{ email: string; token: string; id: string }> {
  const email = `minor-${Date.now()}-${Math.random().toString(36).slice(2, 6)}@example.test`;
  const response = await fetch(`${app.baseUrl}/api/auth/register`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      email,
      password: PASSWORD,
      fullName: name,
      category: 'student',
      under16: true,
      guardian: { name: 'Nguyễn Văn Bố', contact: '0909 123 456' },
    }),
  });
  expect(response.status).toBe(201);
  const body = (await response.json()) as { token: string; user: { id: string } };
  return { email, token: body.token, id: body.user.id };
}

for (const [viewportName, viewport] of Object.entries({ desktop: DESKTOP, phone: PHONE })) {
  const phone = viewportName === 'phone';

  test(`on a ${viewportName}, a manager records a paper consent form, and the approval queue shows the under-16 badge`, async () => {
    const name = phone ? 'Lê Thị Na' : 'Phạm Gia Bảo';
    const minor = await registerMinor(name);
    const context = await newContext(browser, { viewport, phone });
    const page = await context.newPage();
    await signIn(page, app.baseUrl, MANAGER);

    // The paper form, recorded in the certifications tab.
    await page.goto(`${app.baseUrl}/manage/${lab.id}/certifications`);
    const card = page.getByRole('region', { name: 'Phiếu đồng ý của người giám hộ (thành viên dưới 16 tuổi)' });
    await card.getByLabel('Tìm thành viên dưới 16 tuổi (tên hoặc email)').fill(name);
    await card.getByRole('button', { name: new RegExp(name) }).click();
    await card.getByText('Đang chờ sự đồng ý của người giám hộ (Nguyễn Văn Bố).').waitFor();
    await card.getByLabel('Ghi chú (số phiếu, nơi lưu…)').fill('Phiếu số 7, tủ hồ sơ');
    await card.getByRole('button', { name: 'Ghi nhận phiếu đồng ý đã ký' }).click();
    await card
      .getByRole('status')
      .filter({ hasText: `Đã ghi nhận phiếu đồng ý cho ${name}` })
      .waitFor();
    await screenshot(page, `paper-consent-${viewportName}`);

    // Now the minor asks for a machine that needs approval.
    const day = freeWeekday(10, [], phone ? 4 : 3);
    const booking = await apiPost<{ id: string }>(app.baseUrl, '/bookings', minor.token, {
      machineId: approvalMachine.id,
      start: DateTime.fromISO(`${day}T13:00`, { zone: LAB_ZONE }).toISO(),
      end: DateTime.fromISO(`${day}T14:00`, { zone: LAB_ZONE }).toISO(),
      purpose: 'stem_class',
    });
    await page.goto(`${app.baseUrl}/manage/${lab.id}`);
    const queue = page.getByRole('list', { name: 'Yêu cầu chờ duyệt' });
    const item = queue.getByRole('listitem', { name: new RegExp(`^${name} \\(Dưới 16 tuổi\\)`) });
    await item.getByText('Dưới 16 tuổi', { exact: true }).waitFor();
    // Adults carry no badge.
    const adults = queue.getByRole('listitem').filter({ hasNotText: 'Dưới 16 tuổi' });
    expect(await queue.locator('.badge-warning', { hasText: 'Dưới 16 tuổi' }).count()).toBeGreaterThanOrEqual(1);
    expect(await adults.locator('.badge-warning', { hasText: 'Dưới 16 tuổi' }).count()).toBe(0);
    await item.scrollIntoViewIfNeeded();
    await screenshot(page, `queue-under16-${viewportName}`);

    if (!phone) {
      // The check-in dialog of the day view shows it too.
      await item.getByRole('button', { name: 'Duyệt' }).click();
      await expect
        .poll(
          async () => (await apiGet<{ status: string }>(app.baseUrl, `/bookings/${booking.id}`, minor.token)).status,
        )
        .toBe('approved');
      await page.goto(`${app.baseUrl}/manage/${lab.id}/today?date=${day}`);
      await page.locator('.rbc-event.entry-managed', { hasText: name }).first().click();
      const dialog = page.getByRole('dialog', { name: 'Lượt đặt máy' });
      await dialog.getByText(name).waitFor();
      await dialog.getByText('Dưới 16 tuổi', { exact: true }).waitFor();
      await screenshot(page, 'check-in-under16-desktop');
    }
    await context.close();
  });
}

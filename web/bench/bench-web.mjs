// `npm run bench:web`: the maker's calendar, in Chromium, on a lab week of 40 machines and 400
// bookings. The built client (web/dist) is served as is; the API is answered by page.route with
// generated data, so this measures the client, not the server.
//   render: from the moment the week's availability arrives to the frame that shows the day's
//           bookings (and the same for each other day of the week, navigated from the toolbar);
//   drag:   from a mouse move to the frame in which the selection follows it (budget 100 ms).
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DateTime } from 'luxon';
import { chromium } from 'playwright-core';

const MACHINES = 40;
const BOOKINGS = 400;
const RENDER_BUDGET_MS = 500;
const DRAG_BUDGET_MS = 100;
const ZONE = 'Asia/Ho_Chi_Minh';
// BENCH_DIST points at another build (an unminified one, to profile).
const dist = process.env.BENCH_DIST ?? path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../dist');
if (!existsSync(path.join(dist, 'index.html'))) {
  console.error('web/dist is missing: run `npm run build` at the repository root first.');
  process.exit(1);
}

// ---------- generated data ----------
let seed = 42;
const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
const labId = '00000000-0000-4000-8000-000000000001';
const userId = '00000000-0000-4000-8000-0000000000aa';
const uuid = (n) => `00000000-0000-4000-9000-${String(n).padStart(12, '0')}`;
const hours = {
  mon: [
    ['08:00', '11:30'],
    ['13:00', '17:00'],
  ],
  tue: [['08:00', '17:00']],
  wed: [['08:00', '17:00']],
  thu: [['08:00', '17:00']],
  fri: [['08:00', '17:00']],
  sat: [['08:00', '12:00']],
  sun: [],
};
const lab = {
  id: labId,
  slug: 'bench',
  name: 'Bench Fab Lab',
  nameVi: 'Phòng lab đo hiệu năng',
  host: 'Bench',
  timezone: ZONE,
  openingHours: hours,
  settings: {
    maxAdvanceDays: 60,
    weeklyQuotaHours: 20,
    cancelCutoffMinutes: 120,
    checkInEarlyMinutes: 15,
    noShowGraceMinutes: 15,
    certificationLapseMonths: null,
  },
};
const types = [
  'laser_cutter',
  'fdm_printer',
  'cnc_router',
  'pcb_mill',
  'electronics_bench',
  'vinyl_cutter',
  'resin_printer',
  'embroidery_machine',
];
const machines = Array.from({ length: MACHINES }, (_, i) => ({
  id: uuid(i + 1),
  labId,
  name: `Máy ${String(i + 1).padStart(2, '0')}`,
  type: types[i % types.length],
  status: 'available',
  requiresApproval: i % 3 === 0,
  requiresCertification: i % 4 === 0,
  minMinutes: 30,
  maxMinutes: 240,
  slotMinutes: 30,
  bufferMinutes: 0,
  mayRunUnattended: false,
}));
// Next week's Monday, in the lab's zone: a future week, so the calendar lets the maker select.
const monday = DateTime.now().setZone(ZONE).startOf('week').plus({ weeks: 2 });
const busy = new Map(machines.map((m) => [m.id, []]));
const mine = [];
for (let n = 0; n < BOOKINGS; n += 1) {
  const machine = machines[n % MACHINES];
  const slot = Math.floor(n / MACHINES); // 10 bookings per machine: two per weekday
  const day = monday.plus({ days: Math.floor(slot / 2) });
  // Mornings from 08:00 and afternoons from 13:00, each ending by 15:00: 15:00–17:00 stays free.
  const startHour = slot % 2 === 0 ? 8 + Math.floor(random() * 2) : 13;
  const start = day.set({ hour: startHour, minute: random() < 0.5 ? 0 : 30 });
  const end = start.plus({ minutes: 60 + 30 * Math.floor(random() * (slot % 2 === 0 ? 3 : 2)) });
  const interval = {
    start: start.toUTC().toISO(),
    end: end.toUTC().toISO(),
    kind: n % 23 === 0 ? 'maintenance' : 'booking',
  };
  busy.get(machine.id).push(interval);
  if (n % 40 === 7 && interval.kind === 'booking') {
    mine.push({
      id: uuid(10_000 + n),
      machineId: machine.id,
      labId,
      userId,
      start: interval.start,
      end: interval.end,
      status: n % 80 === 7 ? 'pending' : 'approved',
      purpose: 'personal_project',
      note: null,
      createdAt: monday.minus({ days: 3 }).toUTC().toISO(),
    });
  }
}
function closedBetween(from, to) {
  const out = [];
  let cursor = from;
  for (let d = from.startOf('day'); d < to; d = d.plus({ days: 1 })) {
    const periods = hours[['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'][d.weekday - 1]];
    for (const [a, b] of periods) {
      const s = d.set({ hour: +a.slice(0, 2), minute: +a.slice(3) });
      const e = d.set({ hour: +b.slice(0, 2), minute: +b.slice(3) });
      if (s > cursor) out.push({ start: cursor.toUTC().toISO(), end: s.toUTC().toISO(), kind: 'closed' });
      cursor = e;
    }
  }
  if (cursor < to) out.push({ start: cursor.toUTC().toISO(), end: to.toUTC().toISO(), kind: 'closed' });
  return out;
}
function availability(fromIso, toIso) {
  const from = DateTime.fromISO(fromIso, { zone: ZONE });
  const to = DateTime.fromISO(toIso, { zone: ZONE });
  const closed = closedBetween(from, to);
  return {
    machines: machines.map((m) => ({
      machineId: m.id,
      busy: [...busy.get(m.id).filter((b) => b.start < to.toUTC().toISO() && b.end > from.toUTC().toISO()), ...closed],
    })),
  };
}
const me = {
  id: userId,
  email: 'bench@fablab.local',
  fullName: 'Người đo hiệu năng',
  role: 'member',
  category: 'student',
  gender: 'undisclosed',
  organization: null,
  phone: null,
  locale: 'vi',
  managedLabIds: [],
  under16: false,
  disabled: false,
  createdAt: monday.minus({ months: 1 }).toUTC().toISO(),
};

// ---------- the built client, served as is ----------
const types_ = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
};
const server = createServer((req, res) => {
  const url = new URL(req.url, 'http://x');
  let file = path.join(dist, decodeURIComponent(url.pathname));
  if (!file.startsWith(dist) || !existsSync(file) || statSync(file).isDirectory()) file = path.join(dist, 'index.html');
  res.writeHead(200, { 'Content-Type': types_[path.extname(file)] ?? 'application/octet-stream' });
  createReadStream(file).pipe(res);
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const base = `http://127.0.0.1:${server.address().port}`;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: [
    '--headless=new',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
});
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const max = (xs) => Math.max(...xs);

try {
  const context = await browser.newContext({
    viewport: { width: 1366, height: 900 },
    timezoneId: 'Europe/Paris',
    locale: 'vi-VN',
  });
  const page = await context.newPage();
  await page.addInitScript(() => {
    localStorage.setItem('fablab.token', 'bench-token');
    // Marks when the availability answer reaches the app, and when the calendar shows N bookings.
    const marks = (window.__bench = { availability: [], clicks: [] });
    // The maker's wait starts at their click, not when the test driver begins looking for the button.
    document.addEventListener('click', (e) => marks.clicks.push(e.timeStamp), true);
    const originalFetch = window.fetch.bind(window);
    window.fetch = async (...args) => {
      const response = await originalFetch(...args);
      const url = String(args[0] instanceof Request ? args[0].url : args[0]);
      if (url.includes('/availability')) {
        const clone = response.clone();
        await clone.text();
        marks.availability.push(performance.now());
      }
      return response;
    };
    // Done when the heading names the day (React commits heading and calendar together) and
    // the day's bookings are on screen; the time is taken in the next frame, once painted.
    window.__waitForEvents = (expected, dayText) =>
      new Promise((resolve) => {
        const check = () => {
          const count = document.querySelectorAll('.rbc-time-content .rbc-event').length;
          const heading = document.querySelector('.calendar-heading')?.textContent ?? '';
          if (count >= expected && heading.includes(dayText)) {
            requestAnimationFrame(() => resolve({ count, at: performance.now() }));
            return true;
          }
          return false;
        };
        if (check()) return;
        const observer = new MutationObserver(() => {
          if (check()) observer.disconnect();
        });
        observer.observe(document.body, { childList: true, subtree: true });
      });
  });
  await page.route('**/api/**', async (route) => {
    const url = new URL(route.request().url());
    const p = url.pathname;
    const json = (body, status = 200) =>
      route.fulfill({ status, contentType: 'application/json', body: JSON.stringify(body) });
    if (p === '/api/me') return json(me);
    if (p === '/api/labs') return json({ items: [lab], total: 1 });
    if (p === `/api/labs/${labId}`) return json({ ...lab, closures: [] });
    if (p === `/api/labs/${labId}/machines`) return json({ items: machines, total: machines.length });
    if (p === `/api/labs/${labId}/availability`)
      return json(availability(url.searchParams.get('from'), url.searchParams.get('to')));
    if (p === `/api/labs/${labId}/events`) return route.fulfill({ status: 204, body: '' });
    if (p === '/api/bookings') return json({ items: mine, total: mine.length });
    if (p === '/api/certifications') return json({ items: [], total: 0 });
    if (p === '/api/notifications') return json({ items: [], total: 0, unread: 0 });
    return json({ statusCode: 404, code: 'NOT_FOUND', error: 'Not Found', message: p }, 404);
  });

  const expectedOn = (day) => {
    const from = day.toUTC().toISO();
    const to = day.plus({ days: 1 }).toUTC().toISO();
    let n = 0;
    for (const list of busy.values()) n += list.filter((b) => b.start < to && b.end > from).length;
    return n;
  };

  // First load of the route, cold: navigation → week's availability → the Monday painted.
  const firstDay = monday;
  await page.goto(`${base}/labs/${labId}?date=${firstDay.toISODate()}`);
  const dayText = (day) => day.toFormat('dd/MM/yyyy');
  const first = await page.evaluate(
    ([n, d]) => window.__waitForEvents(n, d),
    [expectedOn(firstDay), dayText(firstDay)],
  );
  const marks = await page.evaluate(() => window.__bench);
  const firstRender = first.at - marks.availability[0];
  const columns = await page.locator('.rbc-row-resource .rbc-header').count();
  console.log(
    `Lab week: ${MACHINES} machines, ${BOOKINGS} bookings (${[...busy.values()].flat().length} busy intervals + closed time), browser zone Europe/Paris`,
  );
  console.log(`First load: ${columns} machine columns, ${first.count} bookings of ${firstDay.toISODate()} painted`);
  console.log(`  availability answer → painted: ${firstRender.toFixed(0)} ms (budget ${RENDER_BUDGET_MS} ms)`);
  console.log(`  navigation start → painted:    ${first.at.toFixed(0)} ms (includes loading and parsing the JS)`);

  // The rest of the week, day by day from the toolbar: the week's data is already there.
  const dayRenders = [];
  // BENCH_PROFILE=1 prints where the CPU time of the day switches goes (best with BENCH_DIST
  // pointing at an unminified build).
  const cdp = process.env.BENCH_PROFILE ? await page.context().newCDPSession(page) : null;
  if (cdp) {
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
    await cdp.send('Profiler.start');
  }
  for (let i = 1; i < 5; i += 1) {
    const day = firstDay.plus({ days: i });
    await page.getByRole('button', { name: 'Ngày sau' }).click();
    const painted = await page.evaluate(([n, d]) => window.__waitForEvents(n, d), [expectedOn(day), dayText(day)]);
    const clicks = await page.evaluate(() => window.__bench.clicks);
    dayRenders.push(painted.at - clicks[clicks.length - 1]);
  }
  if (cdp) {
    const { profile } = await cdp.send('Profiler.stop');
    const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
    const self = new Map();
    profile.samples.forEach((id, i) => {
      const f = nodes.get(id).callFrame;
      const key = `${f.functionName || '(anonymous)'} ${f.url.split('/').pop()}:${f.lineNumber + 1}`;
      self.set(key, (self.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
    });
    console.log('Self time during the day switches:');
    for (const [key, ms] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 30))
      console.log(`  ${ms.toFixed(1).padStart(8)} ms  ${key}`);
  }
  console.log(
    `  next day, from the click to painted (4 days): median ${median(dayRenders).toFixed(0)} ms, max ${max(dayRenders).toFixed(0)} ms`,
  );

  // One machine over the whole week (its 10 bookings), from the view button, and back.
  await page.getByRole('button', { name: 'Tuần — một máy' }).click();
  const weekPainted = await page.evaluate(
    ([n, d]) => window.__waitForEvents(n, d),
    [busy.get(machines[0].id).length, `Tuần ${dayText(monday)}`],
  );
  const weekClicks = await page.evaluate(() => window.__bench.clicks);
  const weekRender = weekPainted.at - weekClicks[weekClicks.length - 1];
  console.log(`  week of one machine, from the click to painted: ${weekRender.toFixed(0)} ms`);
  await page.getByRole('button', { name: 'Ngày — mọi máy' }).click();
  await page.evaluate(
    ([n, d]) => window.__waitForEvents(n, d),
    [expectedOn(firstDay.plus({ days: 4 })), dayText(firstDay.plus({ days: 4 }))],
  );

  // Drag over free time (15:00–17:00 on the Friday now shown): how long until the selection
  // follows the pointer. Every move crosses a half-hour, so every move changes the selection.
  const column = page.locator('.rbc-time-content > .rbc-day-slot').nth(5);
  await column.scrollIntoViewIfNeeded();
  const box = await column.boundingBox();
  const hourHeight = (await page.locator('.rbc-time-gutter .rbc-timeslot-group').first().boundingBox()).height;
  const firstHour = Number((await page.locator('.rbc-time-gutter .rbc-label').first().textContent()).slice(0, 2));
  const yAt = (h) => box.y + (h - firstHour) * hourHeight;
  await page.evaluate(() => {
    const samples = (window.__drag = { moves: [], answers: [], lastText: null });
    document.addEventListener('mousemove', (e) => samples.moves.push(e.timeStamp), true);
    const observer = new MutationObserver(() => {
      const text = document.querySelector('.rbc-slot-selection')?.textContent ?? null;
      if (text && text !== samples.lastText) {
        samples.lastText = text;
        requestAnimationFrame(() => samples.answers.push({ at: performance.now(), text }));
      }
    });
    observer.observe(document.querySelector('.rbc-time-content'), {
      childList: true,
      subtree: true,
      characterData: true,
    });
  });
  const x = box.x + box.width / 2;
  await page.mouse.move(x, yAt(15.1));
  await page.mouse.down();
  const path_ = [15.4, 15.75, 16.25, 16.75, 16.25, 15.75, 16.25, 16.75, 16.25, 15.75, 16.25, 16.75];
  const latencies = [];
  for (const h of path_) {
    const before = await page.evaluate(() => window.__drag.answers.length);
    await page.mouse.move(x, yAt(h), { steps: 2 });
    const result = await page
      .waitForFunction(
        (b) =>
          window.__drag.answers.length > b
            ? {
                move: window.__drag.moves[window.__drag.moves.length - 1],
                answer: window.__drag.answers[window.__drag.answers.length - 1].at,
              }
            : null,
        before,
        { timeout: 2000 },
      )
      .then((handle) => handle.jsonValue())
      .catch(() => null);
    if (result) latencies.push(result.answer - result.move);
  }
  await page.mouse.up();
  const dialog = page.getByRole('dialog', { name: 'Đặt máy' });
  const dialogOpened = await dialog.waitFor({ timeout: 2000 }).then(
    () => true,
    () => false,
  );
  const chosen = dialogOpened
    ? `${await dialog.getByLabel('Bắt đầu').inputValue()}–${await dialog.getByLabel('Kết thúc').inputValue()}`
    : '';
  console.log(
    `Drag over free time: ${latencies.length} of ${path_.length} moves answered; move → selection painted: median ${median(latencies).toFixed(1)} ms, max ${max(latencies).toFixed(1)} ms (budget ${DRAG_BUDGET_MS} ms)`,
  );
  console.log(`  on release the booking form opened: ${dialogOpened}${chosen ? ` (${chosen})` : ''}`);

  const ok =
    firstRender <= RENDER_BUDGET_MS &&
    max(dayRenders) <= RENDER_BUDGET_MS &&
    weekRender <= RENDER_BUDGET_MS &&
    latencies.length >= path_.length - 1 &&
    max(latencies) <= DRAG_BUDGET_MS &&
    dialogOpened;
  console.log(ok ? 'Within budget.' : 'OVER BUDGET.');
  process.exitCode = ok ? 0 : 1;
} finally {
  await browser.close();
  server.close();
}

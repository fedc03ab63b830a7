// npm run bench [-- --duration 10] [--connections 16] [--rounds 3] [--no-build] [--profile] [--only booking,calendar,login]
//                [--server path/to/server.js]   (another build, for an experiment)
//
// Load-tests the real, built server (a child process of its own) on PostgreSQL filled by
// `npm run seed:bulk -- --months 12`, with autocannon:
//   1. booking creation at 16 connections on free slots, by many members (the per-member booking
//      limit lifted for the run), beside the very same SQL statements one booking runs, replayed
//      straight through node-postgres at 16 connections in the same run, taking turns for 3 rounds,
//      and the ratio of the medians;
//   2. a lab's week of availability (the calendar's call) at 16 connections;
//   3. sign-in (scrypt N=16384, r=8, p=1 per attempt);
//   4. the server's peak resident memory over the whole run.
// Prints the figures and writes them to bench-results/bench-<date>.json; --profile also writes the
// server's CPU profile there (open it in Chrome DevTools or speedscope). Without DATABASE_URL it
// runs on the embedded default (bench-embedded.ts). It adds bookings (note "bench") to the database
// it is given, and cancels them when it starts and between rounds, so that their slots are free
// again: use a scratch copy.
import {
  DEFAULT_LAB_SETTINGS,
  isoWeekBounds,
  openPeriodsBetween,
  type LabSettings,
  type OpeningHours,
} from '@fablab/shared';
import autocannon from 'autocannon';
import { createSigner } from 'fast-jwt';
import { DateTime } from 'luxon';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { buildApp } from '../src/app.js';
import { loadConfig, repoRoot } from '../src/config.js';
import { systemClock } from '../src/lib/clock.js';
import { openDatabase } from '../src/lib/bootstrap.js';
import {
  captureQueries,
  replayBooking,
  shapeStatements,
  type BookingInputs,
  type CapturedStatement,
} from './bench-booking-sql.js';
import { buildServer, startServer, type RunningServer } from './bench-server.js';
import { BENCH_TOOL_APP, defaultBenchDataDir, embeddedTarget } from './bench-embedded.js';
import { intArg, parseArgs, percentile, randomSource } from './bench-util.js';

const TARGETS = { bookingRatio: 0.6, availabilityP99Ms: 50, peakRssMB: 250, embeddedCombinedMB: 300 };
const BENCH_NOTE = 'bench';
const WARM_UP_SECONDS = 2;
const DAY = 86_400_000;

const args = parseArgs(process.argv.slice(2));
const duration = intArg(args, 'duration', 10, 1, 600);
const connections = intArg(args, 'connections', 16, 1, 256);
const bookingRounds = intArg(args, 'rounds', 3, 1, 20);
const only = new Set(String(args.get('only') ?? 'booking,calendar,login').split(','));
// Without DATABASE_URL the embedded default is measured: its own PostgreSQL in a DATA_DIR of the
// bench's (--data-dir, default bench-results/embedded-data), filled once with a year of data.
// The bench's own connections carry a name of their own (the server's do not), so that memory
// figures can leave the load generator's PostgreSQL backends out.
process.env.PGAPPNAME = BENCH_TOOL_APP;
const embedded = process.env.DATABASE_URL
  ? undefined
  : await embeddedTarget(path.resolve(String(args.get('data-dir') ?? defaultBenchDataDir)));
if (embedded) process.env.DATABASE_URL = embedded.url;
// The bench signs its members' tokens itself, so it hands the server the secret it signs with.
const jwtSecret = process.env.JWT_SECRET || randomBytes(48).toString('base64url');
const password = process.env.DEMO_PASSWORD || 'fablab-demo';
const config = loadConfig({
  ...process.env,
  JWT_SECRET: jwtSecret,
  JOBS_INTERVAL_MS: '0',
  DB_POOL_SIZE: String(connections),
});
const database = await openDatabase(config);
// A database filled by an earlier release's seed:bulk gets this release's tables first.
await database.migrate();

interface Member {
  id: string;
  email: string;
  token: string;
}
interface BenchMachine {
  id: string;
  labId: string;
  zone: string;
  minMinutes: number;
  maxMinutes: number;
  slotMinutes: number;
  bufferMinutes: number;
  openingHours: OpeningHours;
  settings: LabSettings;
}
interface Slot {
  machine: BenchMachine;
  start: Date;
  end: Date;
}

const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

async function datasetFigures() {
  const [row] = await database.query<{
    labs: number;
    machines: number;
    members: number;
    bookings: number;
    sessions: number;
    first: Date | null;
    last: Date | null;
  }>(
    `select (select count(*) from labs)::int as labs, (select count(*) from machines)::int as machines,
            (select count(*) from users where role = 'member')::int as members, (select count(*) from bookings where note is distinct from $1)::int as bookings,
            (select count(*) from usage_sessions)::int as sessions, (select min(start_at) from bookings) as first,
            (select max(end_at) from bookings where note is distinct from $1) as last`,
    [BENCH_NOTE],
  );
  return row!;
}

async function loadMembers(): Promise<Member[]> {
  const sign = createSigner({ key: jwtSecret, algorithm: 'HS256', expiresIn: 3_600_000 });
  const rows = await database.query<{ id: string; email: string; token_version: string }>(
    "select id, email, token_version from users where role = 'member' and not disabled and deleted_at is null and email is not null order by email",
  );
  return rows.map((r) => ({ id: r.id, email: r.email, token: sign({ sub: r.id, ver: r.token_version }) }));
}

/** Bookable machines (no approval, no certification: the same statements for every booking). */
async function loadMachines(): Promise<BenchMachine[]> {
  const rows = await database.query<{
    id: string;
    lab_id: string;
    timezone: string;
    min_minutes: number;
    max_minutes: number;
    slot_minutes: number;
    buffer_minutes: number;
    opening_hours: OpeningHours;
    settings: Partial<LabSettings>;
  }>(
    `select m.id, m.lab_id, l.timezone, m.min_minutes, m.max_minutes, m.slot_minutes, m.buffer_minutes, l.opening_hours, l.settings
       from machines m join labs l on l.id = m.lab_id
      where m.status = 'available' and not m.requires_approval and not m.requires_certification
      order by m.lab_id, m.id`,
  );
  return rows.map((r) => ({
    id: r.id,
    labId: r.lab_id,
    zone: r.timezone,
    minMinutes: r.min_minutes,
    maxMinutes: r.max_minutes,
    slotMinutes: r.slot_minutes,
    bufferMinutes: r.buffer_minutes,
    openingHours: r.opening_hours,
    settings: { ...DEFAULT_LAB_SETTINGS, ...r.settings },
  }));
}

/**
 * Free slots from the week after the seeded data (so that no member's weekly quota is already
 * spent) to the end of the booking horizon, avoiding what a previous run booked, interleaved
 * across machines in a seeded random order.
 */
async function freeSlots(machines: BenchMachine[], seededUntil: Date): Promise<Slot[]> {
  const closures = await database.query<{ lab_id: string; from: string; to: string }>(
    "select lab_id, to_char(from_date, 'YYYY-MM-DD') as from, to_char(to_date, 'YYYY-MM-DD') as to from closures",
  );
  const taken = await database.query<{ machine_id: string; start_at: Date; end_at: Date }>(
    `select machine_id, start_at, occupied_until as end_at from bookings where status in ('pending', 'approved', 'checked_in') and occupied_until > now()
     union all select machine_id, start_at, end_at from maintenance_windows where end_at > now()`,
  );
  const takenBy = new Map<string, Array<{ start: number; end: number }>>();
  for (const t of taken)
    takenBy.set(t.machine_id, [
      ...(takenBy.get(t.machine_id) ?? []),
      { start: +new Date(t.start_at), end: +new Date(t.end_at) },
    ]);
  const perMachine: Slot[][] = [];
  for (const m of machines) {
    const zone = m.zone;
    const from = DateTime.fromJSDate(new Date(Math.max(Date.now() + DAY, seededUntil.getTime())), { zone })
      .startOf('week')
      .plus({ weeks: 1 })
      .toJSDate();
    const to = new Date(Date.now() + m.settings.maxAdvanceDays * DAY);
    // The shortest booking the machine takes (at least 30 minutes): the most free slots to race on.
    const length = Math.max(m.minMinutes, Math.ceil(30 / m.slotMinutes) * m.slotMinutes);
    if (length > m.maxMinutes) continue;
    const step = Math.ceil((length + m.bufferMinutes) / m.slotMinutes) * m.slotMinutes * 60_000;
    const labClosures = closures.filter((c) => c.lab_id === m.labId);
    const busy = takenBy.get(m.id) ?? [];
    const slots: Slot[] = [];
    const grid = m.slotMinutes * 60_000;
    for (const period of openPeriodsBetween(from, to, m.openingHours, labClosures, zone)) {
      // The slot grid is anchored at local midnight: the first slot starts on it.
      const midnight = DateTime.fromJSDate(period.start, { zone }).startOf('day').toMillis();
      const first = midnight + Math.ceil((period.start.getTime() - midnight) / grid) * grid;
      for (let s = first; s + length * 60_000 <= period.end.getTime(); s += step) {
        const e = s + length * 60_000;
        if (busy.some((b) => b.start < e + m.bufferMinutes * 60_000 && s < b.end)) continue;
        slots.push({ machine: m, start: new Date(s), end: new Date(e) });
      }
    }
    perMachine.push(slots);
  }
  const rnd = randomSource(20_261_127);
  for (const list of perMachine) {
    for (let i = list.length - 1; i > 0; i--) {
      const j = rnd.int(0, i);
      [list[i], list[j]] = [list[j]!, list[i]!];
    }
  }
  const out: Slot[] = [];
  for (let i = 0; perMachine.some((l) => i < l.length); i++)
    for (const l of perMachine) if (i < l.length) out.push(l[i]!);
  return out;
}

function bookingBody(slot: Slot) {
  return JSON.stringify({
    machineId: slot.machine.id,
    start: slot.start.toISOString(),
    end: slot.end.toISOString(),
    purpose: 'personal_project',
    note: BENCH_NOTE,
  });
}

/** The codes of refused requests, from the first bodies seen. */
const refusals = new Map<string, number>();
function noteRefusal(status: number, body: string) {
  if (status < 300) return;
  let code = String(status);
  try {
    code = `${status} ${(JSON.parse(body) as { code?: string }).code ?? ''}`.trim();
  } catch {
    // not JSON: the status says enough
  }
  refusals.set(code, (refusals.get(code) ?? 0) + 1);
}

function summarize(result: autocannon.Result, seconds: number, serverCpuMs: number) {
  const refused = Object.fromEntries(refusals);
  refusals.clear();
  return {
    /** Server CPU (user + system) per answered request: what the figures cost, whatever the machine's load. */
    serverCpuMsPerRequest: round(serverCpuMs / Math.max(1, result.requests.total), 2),
    refusedWith: refused,
    requestsPerSecond: round(result['2xx'] / seconds),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    responses2xx: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors,
    statusCodes: Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([k, v]) => [k, v.count ?? 0])),
  };
}

async function cannon(opts: autocannon.Options): Promise<autocannon.Result> {
  return autocannon({ ...opts, connections, timeout: 30 });
}

/** A measured autocannon run, with the server's CPU time over it. */
async function measure(target: RunningServer, opts: autocannon.Options) {
  const cpuBefore = target.cpuMs();
  const result = await cannon(opts);
  return {
    ...summarize(result, opts.duration as number, target.cpuMs() - cpuBefore),
    serverPeakRssMB: round(target.phasePeakRssBytes() / 2 ** 20),
  };
}

/**
 * One booking through the app in this process, with every statement it sends recorded. A first
 * booking (on warmSlot) warms the app as the server under load is warm: what it keeps between
 * requests (the lab's context) is then not read again, just as on the server.
 */
async function captureOneBooking(
  slot: Slot,
  warmSlot: Slot,
  member: Member,
): Promise<{ statements: CapturedStatement[]; inputs: BookingInputs; bookingId: string }> {
  const app = await buildApp({ config, database, clock: systemClock });
  await app.ready();
  const warm = await app.inject({
    method: 'POST',
    url: '/api/bookings',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${member.token}` },
    payload: bookingBody(warmSlot),
  });
  if (warm.statusCode !== 201) throw new Error(`The warm-up booking was refused: ${warm.statusCode} ${warm.body}`);
  // Its relayed lab event leaves within a few milliseconds (batched): not part of the next booking.
  await new Promise((resolve) => setTimeout(resolve, 100));
  let res: Awaited<ReturnType<typeof app.inject>> | undefined;
  const seen = await captureQueries(async () => {
    res = await app.inject({
      method: 'POST',
      url: '/api/bookings',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${member.token}` },
      payload: bookingBody(slot),
    });
  });
  await app.close();
  if (res?.statusCode !== 201) throw new Error(`The captured booking was refused: ${res?.statusCode} ${res?.body}`);
  const booking = res.json() as { id: string };
  return {
    statements: shapeStatements(seen),
    bookingId: booking.id,
    inputs: inputsOf(slot, member),
  };
}

function inputsOf(slot: Slot, member: Member): BookingInputs {
  return {
    userId: member.id,
    machineId: slot.machine.id,
    labId: slot.machine.labId,
    start: slot.start,
    end: slot.end,
    occupiedUntil: new Date(slot.end.getTime() + slot.machine.bufferMinutes * 60_000),
    zone: slot.machine.zone,
  };
}

/** The captured statements replayed by `connections` workers for `seconds`; latency per booking. */
async function replaySql(
  captured: Awaited<ReturnType<typeof captureOneBooking>>,
  slots: Slot[],
  members: Member[],
  seconds: number,
): Promise<{ done: number; failed: number; latencies: number[]; seconds: number; ranOut: boolean; firstError?: string }> {
  const pool = new pg.Pool({ connectionString: config.databaseUrl, max: connections });
  pool.on('error', () => {});
  let next = 0;
  let done = 0;
  let failed = 0;
  let firstError: string | undefined;
  const latencies: number[] = [];
  const started = performance.now();
  const deadline = started + seconds * 1000;
  let ended = deadline;
  // Each slot once: a slot booked a second time fails fast on the exclusion constraint and would
  // make the straight SQL look slower than it is. Running out ends the run early, and the rate
  // is then over the time it actually ran.
  async function worker() {
    while (performance.now() < deadline) {
      const i = next++;
      if (i >= slots.length) {
        ended = Math.min(ended, performance.now());
        return;
      }
      const slot = slots[i]!;
      const member = members[(i * 7) % members.length]!;
      const started = performance.now();
      try {
        await replayBooking(pool, captured.statements, captured.inputs, inputsOf(slot, member), captured.bookingId);
        done++;
        latencies.push(performance.now() - started);
      } catch (err) {
        failed++;
        firstError ??= String(err);
      }
    }
  }
  await Promise.all(Array.from({ length: connections }, worker));
  await pool.end();
  const ranOut = next > slots.length;
  return { done, failed, latencies, seconds: ((ranOut ? ended : deadline) - started) / 1000, ranOut, firstError };
}

let server: RunningServer | undefined;
try {
  const removed = await database.query<{ n: number }>(
    `with freed as (update bookings set status = 'cancelled', updated_at = now()
                     where note = $1 and status in ('pending', 'approved', 'checked_in') returning id)
     select count(*)::int as n from freed`,
    [BENCH_NOTE],
  );
  if (removed[0]!.n) console.log(`Cancelled ${removed[0]!.n} bookings of an earlier run (their slots are free again).`);
  const data = await datasetFigures();
  if (data.labs === 0 || data.members < 100 || !data.last) {
    throw new Error('The database holds no seeded year: run `npm run seed:bulk -- --months 12` against it first.');
  }
  const [{ server_version: version }] = (await database.query<{ server_version: string }>('show server_version')) as [
    { server_version: string },
  ];
  const machineInfo = {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? '',
    memoryGiB: round(os.totalmem() / 2 ** 30),
    node: process.version,
    postgres: version,
    loadAverage: os.loadavg().map((l) => round(l, 2)),
  };
  console.log(
    `Machine: ${machineInfo.cpus} cores (${machineInfo.cpuModel}), ${machineInfo.memoryGiB} GiB, Node ${machineInfo.node}, PostgreSQL ${version}; load average ${machineInfo.loadAverage.join(' ')}`,
  );
  console.log(
    `Dataset: ${data.labs} labs, ${data.machines} machines, ${data.members} members, ${data.bookings.toLocaleString('en-US')} bookings, ${data.sessions.toLocaleString('en-US')} usage sessions`,
  );

  const members = await loadMembers();
  const machines = await loadMachines();
  const slots = await freeSlots(machines, new Date(data.last));
  const needed = 2 * 400 * (duration + WARM_UP_SECONDS);
  console.log(
    `${machines.length} bookable machines (no approval, no certification), ${slots.length.toLocaleString('en-US')} free slots`,
  );
  if (slots.length < needed)
    console.warn(`Note: fewer free slots than a fast run may use (${needed}); later requests may collide (409).`);
  // Slots alternate between the HTTP run and the SQL replay; the first is the captured booking's.
  const captureSlot = slots[0]!;
  // A slot of the same lab warms the capturing app first (see captureOneBooking).
  const warmIndex = slots.findIndex((s, i) => i > 0 && s.machine.labId === captureSlot.machine.labId);
  const httpSlots = slots.filter((_, i) => i > 0 && i !== warmIndex && i % 2 === 1);
  const sqlSlots = slots.filter((_, i) => i > 0 && i !== warmIndex && i % 2 === 0);

  console.log('Capturing the statements of one booking …');
  const captured = await captureOneBooking(captureSlot, slots[warmIndex]!, members[0]!);
  const inTx = captured.statements.filter((s) => s.inTransaction).length;
  console.log(
    `One POST /api/bookings sends ${captured.statements.length} statements (${inTx} in its transaction, BEGIN and COMMIT included):`,
  );
  for (const s of captured.statements)
    console.log(`  ${s.inTransaction ? 'tx  ' : 'pool'} ${s.config.text.replace(/\s+/g, ' ').slice(0, 110)}`);

  if (!args.has('no-build')) {
    console.log('Building the server (tsc -b server) …');
    buildServer();
  }
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const profileDir = path.join(repoRoot, 'bench-results', `profile-${stamp}`);
  server = await startServer(
    {
      DATABASE_URL: config.databaseUrl!,
      PGAPPNAME: 'fablab-server',
      JWT_SECRET: jwtSecret,
      LOG_LEVEL: 'warn',
      JOBS_INTERVAL_MS: '0',
      DB_POOL_SIZE: String(connections),
      WEB_DIST: '/nonexistent',
      RATE_BOOKINGS_PER_MINUTE: '1000000',
      RATE_AUTH_PER_MINUTE: '1000000',
      RATE_LOGIN_FAILURES: '1000000',
    },
    args.has('profile') ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [],
    typeof args.get('server') === 'string' ? path.resolve(String(args.get('server'))) : undefined,
  );
  console.log(
    `Server pid ${server.pid} at ${server.url}${args.has('server') ? ` (${String(args.get('server'))})` : ''} (LOG_LEVEL=warn, DB_POOL_SIZE=${connections}, jobs off)`,
  );

  const running = server;
  const url = running.url;
  embedded?.watch(running.pid);

  // ---------- 1. booking creation ----------
  /** Cancels the bookings this run made, so that every slot is free for the next round. */
  async function freeBenchSlots() {
    await database.query(
      `update bookings set status = 'cancelled', updated_at = now()
        where note = $1 and status in ('pending', 'approved', 'checked_in')`,
      [BENCH_NOTE],
    );
  }

  async function bookingPhase() {
    running.resetPhasePeak();
    let nextBooking = 0;
    const bookingRequest: autocannon.Request = {
      method: 'POST',
      path: '/api/bookings',
      onResponse: noteRefusal,
      setupRequest: (req) => {
        const i = nextBooking++;
        const member = members[(i * 13) % members.length]!;
        return {
          ...req,
          headers: { 'content-type': 'application/json', authorization: `Bearer ${member.token}` },
          body: bookingBody(httpSlots[i % httpSlots.length]!),
        };
      },
    };
    await cannon({ url, duration: WARM_UP_SECONDS, requests: [bookingRequest] });
    await replaySql(captured, sqlSlots, members, WARM_UP_SECONDS);
    refusals.clear();

    // HTTP and straight SQL take turns, round after round, every slot free again before each: both
    // see the same machine, and the ratio is the ratio of the medians.
    const httpRounds: Array<Awaited<ReturnType<typeof measure>>> = [];
    const sqlRounds: Array<ReturnType<typeof sqlFigures>> = [];
    function sqlFigures(run: Awaited<ReturnType<typeof replaySql>>, clientCpuMicros: number) {
      if (run.ranOut) console.warn(`Note: the straight SQL ran out of free slots after ${round(run.seconds)} s.`);
      return {
        requestsPerSecond: round(run.done / run.seconds),
        seconds: round(run.seconds, 2),
        p50Ms: round(percentile(run.latencies, 50), 2),
        p99Ms: round(percentile(run.latencies, 99), 2),
        bookings: run.done,
        failed: run.failed,
        ...(run.firstError ? { firstError: run.firstError } : {}),
        statementsPerBooking: captured.statements.length,
        /** CPU of this process (node-postgres) per booking: the client side of the same statements. */
        clientCpuMsPerBooking: round(clientCpuMicros / 1000 / Math.max(1, run.done), 2),
      };
    }
    for (let r = 1; r <= bookingRounds; r++) {
      await freeBenchSlots();
      nextBooking = 0;
      console.log(`Booking creation, round ${r}/${bookingRounds}: HTTP, ${connections} connections, ${duration} s …`);
      httpRounds.push(await measure(running, { url, duration, requests: [bookingRequest] }));
      await freeBenchSlots();
      console.log(
        `Booking creation, round ${r}/${bookingRounds}: the same statements straight through node-postgres, ${connections} connections, ${duration} s …`,
      );
      const clientCpu = process.cpuUsage();
      const run = await replaySql(captured, sqlSlots, members, duration);
      const { user, system } = process.cpuUsage(clientCpu);
      sqlRounds.push(sqlFigures(run, user + system));
    }
    const median = <T extends { requestsPerSecond: number }>(list: T[]) =>
      [...list].sort((a, b) => a.requestsPerSecond - b.requestsPerSecond)[Math.floor((list.length - 1) / 2)]!;
    const http = median(httpRounds);
    const straightSql = median(sqlRounds);
    const ratio = round(http.requestsPerSecond / straightSql.requestsPerSecond, 2);
    return {
      http,
      straightSql,
      ratio,
      rounds: httpRounds.map((h, i) => ({
        httpPerSecond: h.requestsPerSecond,
        sqlPerSecond: sqlRounds[i]!.requestsPerSecond,
        ratio: round(h.requestsPerSecond / sqlRounds[i]!.requestsPerSecond, 2),
      })),
      target: `≥ ${TARGETS.bookingRatio} of straight SQL (medians of ${bookingRounds} rounds)`,
      met: ratio >= TARGETS.bookingRatio,
    };
  }

  // ---------- 2. a lab's week of availability ----------
  async function calendarPhase() {
    running.resetPhasePeak();
    const labs = [...new Set(machines.map((m) => m.labId))];
    const zone = machines[0]!.zone;
    const weeks = [-1, 0, 1, 2].map((k) => isoWeekBounds(new Date(Date.now() + k * 7 * DAY), zone));
    const paths = labs.flatMap((labId) =>
      weeks.map((w) => `/api/labs/${labId}/availability?from=${w.start.toISOString()}&to=${w.end.toISOString()}`),
    );
    let next = 0;
    const calendarRequest: autocannon.Request = {
      method: 'GET',
      onResponse: noteRefusal,
      setupRequest: (req) => ({ ...req, path: paths[next++ % paths.length]! }),
    };
    await cannon({ url, duration: WARM_UP_SECONDS, requests: [calendarRequest] });
    refusals.clear();
    console.log(`Lab week availability: ${connections} connections, ${duration} s …`);
    const result = await measure(running, { url, duration, requests: [calendarRequest] });

    // The same load while every lab keeps changing: a member of each lab books and cancels one
    // slot in a loop, and each change empties that lab's cached answers (availability-cache.ts).
    console.log(`Lab week availability while bookings change: ${connections} connections, ${duration} s …`);
    const churn = await startChurn(labs);
    const changing = await measure(running, { url, duration, requests: [calendarRequest] });
    const changes = await churn.stop();
    return {
      ...result,
      target: `p99 ≤ ${TARGETS.availabilityP99Ms} ms`,
      met: result.p99Ms <= TARGETS.availabilityP99Ms,
      whileBookingsChange: { ...changing, labChangesPerSecond: round(changes / duration) },
    };
  }

  /** Books and cancels one free slot per lab, over and over, until stopped; counts the changes. */
  async function startChurn(labIds: string[]) {
    let stopped = false;
    let changes = 0;
    const call = (path: string, member: Member, body: string) =>
      fetch(`${url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${member.token}` },
        body,
      });
    const loops = labIds.map(async (labId, k) => {
      const member = members[members.length - 1 - k]!;
      // The last free slots of the lab: the booking phase, which starts from the first, seldom reaches them.
      const candidates = httpSlots.filter((slot) => slot.machine.labId === labId).reverse();
      for (const slot of candidates.slice(0, 50)) {
        if (stopped) return;
        const first = await call('/api/bookings', member, bookingBody(slot));
        if (first.status !== 201) continue;
        let id = ((await first.json()) as { id: string }).id;
        changes++;
        while (!stopped) {
          if ((await call(`/api/bookings/${id}/cancel`, member, '{}')).status !== 200) return;
          changes++;
          const again = await call('/api/bookings', member, bookingBody(slot));
          if (again.status !== 201) return;
          id = ((await again.json()) as { id: string }).id;
          changes++;
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        await call(`/api/bookings/${id}/cancel`, member, '{}');
        return;
      }
    });
    return {
      async stop() {
        const counted = changes;
        stopped = true;
        await Promise.all(loops);
        return counted;
      },
    };
  }

  // ---------- 3. sign-in ----------
  async function loginPhase() {
    running.resetPhasePeak();
    const passwordHash = 'scrypt N=16384, r=8, p=1, 32-byte key (node:crypto, on the libuv thread pool)';
    const probe = await fetch(`${url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: members[0]!.email, password }),
    });
    if (probe.status !== 200)
      return { skipped: `members do not sign in with DEMO_PASSWORD (${probe.status})`, passwordHash };
    let next = 0;
    const loginRequest: autocannon.Request = {
      method: 'POST',
      onResponse: noteRefusal,
      path: '/api/auth/login',
      setupRequest: (req) => ({
        ...req,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: members[next++ % members.length]!.email, password }),
      }),
    };
    console.log(`Sign-in: ${connections} connections, ${duration} s …`);
    return { ...(await measure(running, { url, duration, requests: [loginRequest] })), passwordHash };
  }

  const bookingCreation = only.has('booking') ? await bookingPhase() : undefined;
  const labWeekAvailability = only.has('calendar') ? await calendarPhase() : undefined;
  const login = only.has('login') ? await loginPhase() : undefined;

  const peakRssMB = round(server.peakRssBytes() / 2 ** 20);
  const embeddedMemory = embedded && {
    serverPlusPostgresPeakMB: round(embedded.peakCombinedBytes() / 2 ** 20),
    postgresPeakPssMB: round(embedded.peakPostgresBytes() / 2 ** 20),
    target: `≤ ${TARGETS.embeddedCombinedMB} MB`,
    met: embedded.peakCombinedBytes() / 2 ** 20 <= TARGETS.embeddedCombinedMB,
  };
  const exitCode = await server.stop();
  server = undefined;

  const results = {
    date: new Date().toISOString(),
    machine: machineInfo,
    dataset: data,
    settings: {
      connections,
      durationSeconds: duration,
      warmUpSeconds: WARM_UP_SECONDS,
      serverLogLevel: 'warn',
      dbPoolSize: connections,
    },
    bookingCreation,
    labWeekAvailability,
    login,
    database: embedded ? `embedded PostgreSQL (${embedded.dataDir})` : 'DATABASE_URL',
    memory: { peakRssMB, target: `≤ ${TARGETS.peakRssMB} MB`, met: peakRssMB <= TARGETS.peakRssMB, embedded: embeddedMemory },
    serverExitCode: exitCode,
    ...(args.has('profile') ? { cpuProfile: path.relative(repoRoot, profileDir) } : {}),
  };

  const dir = path.join(repoRoot, 'bench-results');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `bench-${stamp}.json`);
  writeFileSync(file, JSON.stringify(results, null, 2) + '\n');

  const mark = (met: boolean) => (met ? 'met' : 'NOT met');
  console.log('');
  if (bookingCreation) {
    const { http, straightSql: sql } = bookingCreation;
    console.log(
      `booking creation, HTTP          ${http.requestsPerSecond} req/s   p50 ${http.p50Ms} ms   p99 ${http.p99Ms} ms   (${http.responses2xx} created, ${http.non2xx} refused; server CPU ${http.serverCpuMsPerRequest} ms each)`,
    );
    console.log(
      `booking creation, straight SQL  ${sql.requestsPerSecond} bookings/s   p50 ${sql.p50Ms} ms   p99 ${sql.p99Ms} ms   (${sql.statementsPerBooking} statements each, ${sql.failed} failed; client CPU ${sql.clientCpuMsPerBooking} ms each)`,
    );
    console.log(
      `ratio                           ${bookingCreation.ratio} (target ≥ ${TARGETS.bookingRatio}: ${mark(bookingCreation.met)}; medians of ${bookingCreation.rounds.length} rounds, each round's: ${bookingCreation.rounds.map((r) => r.ratio).join(', ')})`,
    );
  }
  if (labWeekAvailability) {
    const a = labWeekAvailability;
    const c = a.whileBookingsChange;
    console.log(
      `lab week availability           ${a.requestsPerSecond} req/s   p50 ${a.p50Ms} ms   p99 ${a.p99Ms} ms (target p99 ≤ ${TARGETS.availabilityP99Ms} ms: ${mark(a.met)}; server CPU ${a.serverCpuMsPerRequest} ms each)`,
    );
    console.log(
      `  while bookings change          ${c.requestsPerSecond} req/s   p50 ${c.p50Ms} ms   p99 ${c.p99Ms} ms (${c.labChangesPerSecond} lab changes/s emptying the cache; server CPU ${c.serverCpuMsPerRequest} ms each)`,
    );
  }
  if (login && 'requestsPerSecond' in login)
    console.log(
      `sign-in (scrypt N=16384,r=8,p=1) ${login.requestsPerSecond} req/s   p50 ${login.p50Ms} ms   p99 ${login.p99Ms} ms   (server CPU ${login.serverCpuMsPerRequest} ms each)`,
    );
  else if (login) console.log(`sign-in                         skipped: ${login.skipped}`);
  const phasePeaks = [
    ['booking', bookingCreation?.http.serverPeakRssMB],
    ['calendar', labWeekAvailability?.serverPeakRssMB],
    ['sign-in', login && 'serverPeakRssMB' in login ? login.serverPeakRssMB : undefined],
  ]
    .filter(([, mb]) => mb !== undefined)
    .map(([name, mb]) => `${name} ${mb}`)
    .join(', ');
  console.log(
    `server peak RSS                 ${peakRssMB} MB (target ≤ ${TARGETS.peakRssMB} MB: ${mark(results.memory.met)}; by phase: ${phasePeaks})`,
  );
  if (embeddedMemory)
    console.log(
      `server + embedded PostgreSQL    ${embeddedMemory.serverPlusPostgresPeakMB} MB peak (server RSS + PostgreSQL PSS ${embeddedMemory.postgresPeakPssMB} MB; target ≤ ${TARGETS.embeddedCombinedMB} MB: ${mark(embeddedMemory.met)})`,
    );
  console.log(
    `load average after the run      ${os
      .loadavg()
      .map((l) => round(l, 2))
      .join(' ')} (other work on this machine skews every figure)`,
  );
  console.log(
    `\nWritten to ${path.relative(process.cwd(), file)}${args.has('profile') ? `; CPU profile in ${path.relative(process.cwd(), profileDir)}` : ''}`,
  );
} finally {
  await server?.stop();
  await database.close();
  await embedded?.stop();
}

// npm run bench:devices [-- --devices 200] [--taps 20] [--report-ms 2000] [--duration 60] [--warm-up 10] [--no-build] [--profile]
//                        [--data-dir bench-results/devices-data]
//
// The devices side under load, on the real MQTT broker (MQTT_URL, default mqtt://127.0.0.1:1883)
// and the real, built server in a child process of its own: 200 simulated Shelly switches, each
// reporting its state every 2 s as a Shelly with "generic status updates" does, plus 20 card taps
// a second spread over 200 readers (one per machine, each tap by that machine's member, so that
// taps alternate between a walk-in start and its stop). Measured over the run after a warm-up:
// - tap-to-command latency: the tap published by the reader → the Switch.Set command received by
//   the machine's switch on `<deviceId>/rpc`; p50, p95, p99 and max;
// - the server process's CPU (utime + stime from /proc/<pid>/stat) as a share of one core, and the
//   PostgreSQL processes' beside it;
// - every reply's code, and taps that got no command.
// Targets: p99 ≤ 100 ms, server CPU ≤ 30 % of one core. Without DATABASE_URL it runs on an embedded
// PostgreSQL of its own (started as the server starts it, fsync on) in bench-results/devices-data;
// the bench lab (slug `bench-devices`, open around the clock) is created there once and reused.
// Results go to bench-results/bench-devices-<date>.json; --profile adds the server's CPU profile.
import { DEFAULT_LAB_SETTINGS, type OpeningHours } from '@fablab/shared';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadConfig, repoRoot } from '../src/config.js';
import { openDatabase } from '../src/lib/bootstrap.js';
import { hashPassword } from '../src/lib/password.js';
import { SimReader, SimSwitch } from '../src/scripts/device-simulator.js';
import { BENCH_TOOL_APP, embeddedTarget } from './bench-embedded.js';
import { buildServer, startServer, type RunningServer } from './bench-server.js';
import { intArg, parseArgs, percentile } from './bench-util.js';

const TARGETS = { p99Ms: 100, serverCpuPercent: 30 };
const LAB_SLUG = 'bench-devices';

const args = parseArgs(process.argv.slice(2));
const deviceCount = intArg(args, 'devices', 200, 1, 1000);
const tapsPerSecond = intArg(args, 'taps', 20, 1, 200);
const duration = intArg(args, 'duration', 60, 5, 3600);
const warmUp = intArg(args, 'warm-up', 10, 0, 600);
const REPORT_MS = intArg(args, 'report-ms', 2000, 100, 60_000);
const brokerUrl = process.env.MQTT_URL || 'mqtt://127.0.0.1:1883';
const broker = { url: brokerUrl, username: process.env.MQTT_USERNAME, password: process.env.MQTT_PASSWORD };

process.env.PGAPPNAME = BENCH_TOOL_APP;
const embedded = process.env.DATABASE_URL
  ? undefined
  : await embeddedTarget(
      path.resolve(String(args.get('data-dir') ?? path.join(repoRoot, 'bench-results', 'devices-data'))),
      {
        fill: false,
      },
    );
if (embedded) process.env.DATABASE_URL = embedded.url;
const jwtSecret = process.env.JWT_SECRET || randomBytes(48).toString('base64url');
const config = loadConfig({ ...process.env, JWT_SECRET: jwtSecret, JOBS_INTERVAL_MS: '0' });
const database = await openDatabase(config);
await database.migrate();

const pad = (i: number) => String(i).padStart(3, '0');
const switchId = (i: number) => `bench-switch-${pad(i)}`;
const readerId = (i: number) => `bench-reader-${pad(i)}`;
/** 7 bytes, as NTAG cards have. */
const cardUid = (i: number) => `04BE0C${i.toString(16).toUpperCase().padStart(8, '0')}`;
const ALWAYS_OPEN = Object.fromEntries(
  ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, [['00:00', '24:00']]]),
) as unknown as OpeningHours;

/** The bench lab, its machines (walk-ins, nothing to approve or certify), members, cards and devices; once. */
async function prepare(): Promise<string> {
  const [lab] = await database.query<{ id: string }>(
    `insert into labs (slug, name, name_vi, host, timezone, opening_hours, settings)
     values ($1, 'Devices bench lab', 'Phòng thử tải thiết bị', 'bench', 'Asia/Ho_Chi_Minh', $2, $3)
     on conflict (slug) do update set opening_hours = excluded.opening_hours
     returning id`,
    [LAB_SLUG, JSON.stringify(ALWAYS_OPEN), JSON.stringify(DEFAULT_LAB_SETTINGS)],
  );
  const labId = lab!.id;
  const have = await database.query<{ n: number }>('select count(*)::int as n from machines where lab_id = $1', [
    labId,
  ]);
  const passwordHash = await hashPassword(randomBytes(12).toString('hex'));
  for (let i = have[0]!.n; i < deviceCount; i++) {
    const [machine] = await database.query<{ id: string }>(
      `insert into machines (lab_id, name, type, walk_ins, min_minutes) values ($1, $2, 'laser_cutter', true, 30) returning id`,
      [labId, `Bench machine ${pad(i)}`],
    );
    const [member] = await database.query<{ id: string }>(
      `insert into users (email, password_hash, full_name, role, category) values ($1, $2, $3, 'member', 'student')
       on conflict (email) do update set full_name = excluded.full_name returning id`,
      [`bench-maker-${pad(i)}@bench.local`, passwordHash, `Bench maker ${pad(i)}`],
    );
    await database.query('insert into cards (user_id, uid) values ($1, $2) on conflict (uid) do nothing', [
      member!.id,
      cardUid(i),
    ]);
    await database.query(
      `insert into devices (machine_id, lab_id, kind, device_id, running_threshold_w) values ($1, $2, 'switch', $3, 50), ($1, $2, 'reader', $4, null)`,
      [machine!.id, labId, switchId(i), readerId(i)],
    );
  }
  // What an earlier run left: open walk-ins end now, switches start off.
  await database.query(
    `update usage_sessions set end_at = greatest(now(), start_at + interval '1 second') where lab_id = $1 and end_at is null`,
    [labId],
  );
  await database.query(`update devices set output = false, apower = 0 where lab_id = $1 and kind = 'switch'`, [labId]);
  return labId;
}

interface Tap {
  at: number;
  /** What the tap should make the switch do: a walk-in starts on a switch that is off. */
  on: boolean;
}

let server: RunningServer | undefined;
// Whatever goes wrong, the server this bench started does not outlive it.
process.on('exit', () => {
  try {
    if (server) process.kill(server.pid, 'SIGKILL');
  } catch {
    // Gone already.
  }
});
const switches: SimSwitch[] = [];
const readers: SimReader[] = [];
const timers: NodeJS.Timeout[] = [];
try {
  console.log(`Preparing the bench lab (${deviceCount} machines, switches, readers, members with cards) …`);
  const labId = await prepare();

  if (!args.has('no-build')) {
    console.log('Building the server (tsc -b server) …');
    buildServer();
  }
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const profileDir = path.join(repoRoot, 'bench-results', `profile-devices-${stamp}`);
  server = await startServer(
    {
      DATABASE_URL: config.databaseUrl!,
      PGAPPNAME: 'fablab-server',
      JWT_SECRET: jwtSecret,
      LOG_LEVEL: 'warn',
      WEB_DIST: '/nonexistent',
      MQTT_URL: brokerUrl,
    },
    args.has('profile') ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [],
  );
  const running = server;
  console.log(
    `Server pid ${running.pid} at ${running.url}, broker ${brokerUrl} (LOG_LEVEL=warn, jobs every 30 s as by default)`,
  );
  embedded?.watch(running.pid);

  // ---------- the devices ----------
  console.log(`Connecting ${deviceCount} switches and ${deviceCount} readers to the broker …`);
  const pending = new Map<number, Tap>();
  const latencies: number[] = [];
  let measuring = false;
  let unanswered = 0;
  for (let i = 0; i < deviceCount; i++) {
    await SimSwitch.clearRetained(broker, switchId(i));
    const sw = await SimSwitch.start(broker, switchId(i), { load: 600 });
    sw.onCommand((call) => {
      if (call.method !== 'Switch.Set') return;
      const tap = pending.get(i);
      // Only the command the tap asked for (not, say, the job switching off a machine left on).
      if (!tap || call.params?.on !== tap.on) return;
      pending.delete(i);
      if (measuring) latencies.push(performance.now() - tap.at);
    });
    switches.push(sw);
    readers.push(await SimReader.start(broker, LAB_SLUG, readerId(i)));
  }
  // Every switch reports every 2 s, their reports spread evenly over the 2 s, the first at once.
  const [{ since }] = (await database.query<{ since: Date }>('select now() as since')) as [{ since: Date }];
  switches.forEach((sw, i) => {
    void sw.report();
    const start = setTimeout(
      () => {
        void sw.advance(REPORT_MS);
        timers.push(setInterval(() => void sw.advance(REPORT_MS), REPORT_MS));
      },
      (i * REPORT_MS) / deviceCount,
    );
    timers.push(start);
  });
  // Until the server has every switch online: it has subscribed and handles their reports.
  for (let waited = 0; ; waited += 250) {
    const [row] = await database.query<{ n: number }>(
      `select count(*)::int as n from devices where lab_id = $1 and kind = 'switch' and online and status_at >= $2`,
      [labId, since],
    );
    if (row!.n >= deviceCount) break;
    if (waited > 60_000) throw new Error(`Only ${row!.n} of ${deviceCount} switches were heard of within 60 s`);
    await sleep(250);
  }

  // ---------- taps ----------
  let next = 0;
  const tapEvery = 1000 / tapsPerSecond;
  const startedAt = performance.now();
  let sent = 0;
  const tapTimer = setInterval(
    () => {
      // Catch up on a late timer, so that the rate holds.
      const due = Math.floor((performance.now() - startedAt) / tapEvery) + 1;
      while (sent < due) {
        sent++;
        const i = next++ % deviceCount;
        const left = pending.get(i);
        if (left && measuring) unanswered++;
        pending.set(i, { at: performance.now(), on: !switches[i]!.output });
        void readers[i]!.publishTap(cardUid(i));
      }
    },
    Math.max(1, Math.floor(tapEvery / 2)),
  );
  timers.push(tapTimer);

  console.log(`Warming up for ${warmUp} s …`);
  await sleep(warmUp * 1000);
  measuring = true;
  const repliesBefore = readers.map((r) => r.replies.length);
  // The load generator's own share: a busy bench would delay the commands it times.
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const benchCpu0 = process.cpuUsage();
  const cpu0 = running.cpuMs();
  const pgCpu0 = embedded?.cpuMs() ?? NaN;
  const t0 = performance.now();
  const [{ measuredFrom }] = (await database.query<{ measuredFrom: Date }>('select now() as "measuredFrom"')) as [
    { measuredFrom: Date },
  ];
  const [events0] = await database.query<{ n: number }>(
    `select count(*)::int as n from device_events where lab_id = $1`,
    [labId],
  );
  console.log(
    `Measuring for ${duration} s: ${deviceCount} switches reporting every ${REPORT_MS / 1000} s, ${tapsPerSecond} taps/s …`,
  );
  await sleep(duration * 1000);
  const wallMs = performance.now() - t0;
  const cpuMs = running.cpuMs() - cpu0;
  const pgCpuMs = (embedded?.cpuMs() ?? NaN) - pgCpu0;
  const benchCpu = process.cpuUsage(benchCpu0);
  loop.disable();
  measuring = false;
  clearInterval(tapTimer);
  // Commands of the last taps still on their way count.
  await sleep(1000);
  const [events1] = await database.query<{ n: number }>(
    `select count(*)::int as n from device_events where lab_id = $1`,
    [labId],
  );
  const [reports] = await database.query<{ n: number }>(
    `select count(*)::int as n from devices where lab_id = $1 and kind = 'switch' and status_at > now() - $2 * interval '1 millisecond'`,
    [labId, REPORT_MS + 3000],
  );
  // The server's own share of the latency, by its clock: from handling the tap to sending the
  // command (both in the device log); the rest is the broker's two hops and the load generator.
  const [inServer] = await database.query<{ p50: number; p95: number; p99: number }>(
    `select percentile_cont(0.5) within group (order by ms) as p50, percentile_cont(0.95) within group (order by ms) as p95,
            percentile_cont(0.99) within group (order by ms) as p99
       from (select extract(epoch from (min(c.at) - t.at)) * 1000 as ms
               from device_events t
               join device_events c on c.usage_session_id = t.usage_session_id and c.kind = 'command' and c.at >= t.at
                and c.code = case t.code when 'STARTED' then 'SWITCH_ON' else 'SWITCH_OFF' end
              where t.lab_id = $1 and t.kind = 'tap' and t.code in ('STARTED', 'STOPPED') and t.at >= $2
              group by t.id, t.at) x`,
    [labId, measuredFrom],
  );
  const codes = new Map<string, number>();
  readers.forEach((r, i) => {
    for (const reply of r.replies.slice(repliesBefore[i])) codes.set(reply.code, (codes.get(reply.code) ?? 0) + 1);
  });
  unanswered += [...pending.values()].filter((t) => t.at >= t0 && performance.now() - t.at > 1000).length;

  const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;
  const serverCpuPercent = round((cpuMs / wallMs) * 100);
  const p = (q: number) => round(percentile(latencies, q));
  const results = {
    date: new Date().toISOString(),
    machine: {
      cpus: os.cpus().length,
      model: os.cpus()[0]?.model,
      memoryGiB: round(os.totalmem() / 2 ** 30),
      node: process.version,
    },
    settings: {
      devices: deviceCount,
      readers: deviceCount,
      reportEveryMs: REPORT_MS,
      tapsPerSecond,
      durationSeconds: duration,
      warmUpSeconds: warmUp,
      broker: brokerUrl,
      database: embedded ? `embedded PostgreSQL (${embedded.dataDir})` : 'DATABASE_URL',
    },
    tapToCommand: {
      samples: latencies.length,
      p50Ms: p(50),
      p95Ms: p(95),
      p99Ms: p(99),
      maxMs: round(Math.max(...latencies)),
      tapsWithoutCommand: unanswered,
      inServer: {
        p50Ms: round(inServer?.p50 ?? NaN),
        p95Ms: round(inServer?.p95 ?? NaN),
        p99Ms: round(inServer?.p99 ?? NaN),
      },
      replies: Object.fromEntries([...codes].sort()),
      target: `p99 ≤ ${TARGETS.p99Ms} ms`,
      met: p(99) <= TARGETS.p99Ms,
    },
    serverCpu: {
      percentOfOneCore: serverCpuPercent,
      cpuMs: round(cpuMs),
      wallMs: round(wallMs),
      target: `≤ ${TARGETS.serverCpuPercent} %`,
      met: serverCpuPercent <= TARGETS.serverCpuPercent,
    },
    postgresCpuPercentOfOneCore: embedded ? round((pgCpuMs / wallMs) * 100) : null,
    loadGenerator: {
      cpuPercentOfOneCore: round(((benchCpu.user + benchCpu.system) / 1000 / wallMs) * 100),
      eventLoopDelayP99Ms: round(loop.percentile(99) / 1e6),
    },
    statusReportsPerSecond: round((deviceCount * 1000) / REPORT_MS),
    switchesReportingAtEnd: reports!.n,
    deviceEventsPerSecond: round(((events1!.n - events0!.n) * 1000) / wallMs),
    serverPeakRssMB: round(running.peakRssBytes() / 2 ** 20),
    loadAverage: os.loadavg().map((l) => round(l, 2)),
    ...(args.has('profile') ? { cpuProfile: path.relative(repoRoot, profileDir) } : {}),
  };
  const dir = path.join(repoRoot, 'bench-results');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `bench-devices-${stamp}.json`);
  writeFileSync(file, JSON.stringify(results, null, 2) + '\n');

  const mark = (met: boolean) => (met ? 'met' : 'NOT met');
  const t = results.tapToCommand;
  console.log('');
  console.log(
    `tap → Switch.Set          p50 ${t.p50Ms} ms   p95 ${t.p95Ms} ms   p99 ${t.p99Ms} ms   max ${t.maxMs} ms   (${t.samples} commands; target p99 ≤ ${TARGETS.p99Ms} ms: ${mark(t.met)})`,
  );
  console.log(
    `  of which in the server  p50 ${t.inServer.p50Ms} ms   p95 ${t.inServer.p95Ms} ms   p99 ${t.inServer.p99Ms} ms   (tap handled → command sent, by its clock)`,
  );
  console.log(
    `  replies                 ${JSON.stringify(t.replies)}; taps without a command: ${t.tapsWithoutCommand}`,
  );
  console.log(
    `server CPU                ${serverCpuPercent} % of one core (${round(cpuMs / 1000)} s over ${round(wallMs / 1000)} s; target ≤ ${TARGETS.serverCpuPercent} %: ${mark(results.serverCpu.met)})`,
  );
  console.log(
    `load generator            ${results.loadGenerator.cpuPercentOfOneCore} % of one core, its event loop delay p99 ${results.loadGenerator.eventLoopDelayP99Ms} ms (${deviceCount * 2} MQTT clients in one process)`,
  );
  if (embedded)
    console.log(
      `PostgreSQL CPU            ${results.postgresCpuPercentOfOneCore} % of one core (fsync and synchronous commit on)`,
    );
  console.log(
    `load                      ${results.statusReportsPerSecond} status reports/s + ${tapsPerSecond} taps/s; ${results.deviceEventsPerSecond} device events logged/s; server peak RSS ${results.serverPeakRssMB} MB`,
  );
  console.log(
    `load average after        ${results.loadAverage.join(' ')} (other work on this machine skews every figure)`,
  );
  console.log(
    `\nWritten to ${path.relative(process.cwd(), file)}${args.has('profile') ? `; CPU profile in ${path.relative(process.cwd(), profileDir)}` : ''}`,
  );
} finally {
  for (const timer of timers) clearInterval(timer);
  await server?.stop();
  server = undefined;
  await Promise.allSettled([...switches.map((s) => s.close()), ...readers.map((r) => r.close())]);
  await database.close();
  await embedded?.stop();
}

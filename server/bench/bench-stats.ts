// npm run bench:stats [-- --month YYYY-MM] [--runs 20]
//
// Times the monthly statistics of every lab (the stats service, as GET /api/stats/monthly calls
// it) on the configured database, next to one plain baseline query in the same process: a count
// and a sum of hours over one month of usage sessions. Meant for PostgreSQL (DATABASE_URL) filled
// by `npm run seed:bulk -- --months 12`. Prints p50 and p95 of each and their ratio.
//
// Then the 12-month trend ending with that month: cold (nothing stored, as after a restart: every
// month computed and the closed ones stored), warm (the stored months read back), after one write
// into a closed month (that month computed again), and with the last month still open (the
// clock inside it: it is computed on every call, the eleven before it read back). Every trend
// row is checked against the month's own answer. It empties the stored totals when it starts.
import { monthBounds } from '@fablab/shared';
import { DateTime } from 'luxon';
import { performance } from 'node:perf_hooks';
import { isDeepStrictEqual } from 'node:util';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { fixedClock, systemClock } from '../src/lib/clock.js';
import { openDatabase } from '../src/lib/bootstrap.js';
import { createStatsService } from '../src/modules/stats/stats.service.js';
import { formatMs, intArg, parseArgs, percentile } from './bench-util.js';

const ZONE = 'Asia/Ho_Chi_Minh';
const TARGET_P50_MS = 150;
const TARGET_TREND_MS = 150;

const args = parseArgs(process.argv.slice(2));
const runs = intArg(args, 'runs', 20, 1, 1_000);
const config = loadConfig();
const database = await openDatabase(config);

async function time<T>(fn: () => Promise<T>): Promise<[number, T]> {
  const start = performance.now();
  const result = await fn();
  return [performance.now() - start, result];
}

try {
  if (database.kind !== 'postgres')
    console.warn('Note: not PostgreSQL (no DATABASE_URL); figures on PGlite are not the target’s.');
  const [counts] = await database.query<{ bookings: number; sessions: number; latest: Date | string | null }>(
    'select (select count(*) from bookings)::int as bookings, (select count(*) from usage_sessions)::int as sessions, (select max(start_at) from usage_sessions) as latest',
  );
  if (!counts?.latest) throw new Error('No usage sessions: run `npm run seed:bulk -- --months 12` first.');
  // By default the last full month before the newest usage: what the department pulls.
  const monthArg = args.get('month');
  const month =
    typeof monthArg === 'string'
      ? monthArg
      : DateTime.fromJSDate(new Date(counts.latest), { zone: ZONE }).minus({ months: 1 }).toFormat('yyyy-MM');
  const bounds = monthBounds(month, ZONE);

  const service = createStatsService({ database, clock: systemClock });
  const scope = await service.resolveScope({
    id: '00000000-0000-4000-8000-000000000000',
    role: 'department',
    managedLabIds: [],
    fullName: 'bench',
    email: 'bench@fablab.local',
    locale: 'en',
  });
  const baseline = () =>
    database.query<{ sessions: number; hours: number }>(
      `select count(*)::int as sessions,
         coalesce(sum(extract(epoch from least(coalesce(end_at, now()), $2::timestamptz) - greatest(start_at, $1::timestamptz))), 0)::float8 / 3600 as hours
       from usage_sessions where start_at >= $1::timestamptz and start_at < $2::timestamptz`,
      [bounds.start.toISOString(), bounds.end.toISOString()],
    );

  console.log(
    `Database: ${database.kind}, ${counts.bookings.toLocaleString('en-US')} bookings, ${counts.sessions.toLocaleString('en-US')} usage sessions`,
  );
  console.log(
    `Month: ${month}, labs: ${scope.labs.map((l) => l.slug).join(', ')}, runs: ${runs} (after 3 warm-up runs)`,
  );

  for (let i = 0; i < 3; i++) {
    await service.monthly(scope, month);
    await baseline();
  }
  const statsMs: number[] = [];
  const baseMs: number[] = [];
  let last: Awaited<ReturnType<typeof service.monthly>> | undefined;
  let base: { sessions: number; hours: number } | undefined;
  // Interleaved, so that both see the same machine load.
  for (let i = 0; i < runs; i++) {
    const [a, stats] = await time(() => service.monthly(scope, month));
    statsMs.push(a);
    last = stats;
    const [b, rows] = await time(baseline);
    baseMs.push(b);
    base = rows[0];
  }

  // The same answer through HTTP (auth, validation, JSON serialization), for reference.
  const app = await buildApp({ config: { ...config, jobsIntervalMs: 0 }, database, clock: systemClock });
  await app.ready();
  const [dept] = await database.query<{ id: string; token_version: string }>(
    "select id, token_version from users where role in ('department', 'admin') and deleted_at is null and not disabled order by role desc limit 1",
  );
  const httpMs: number[] = [];
  if (dept) {
    const headers = { authorization: `Bearer ${app.signToken({ id: dept.id, tokenVersion: dept.token_version })}` };
    for (let i = 0; i < Math.min(runs, 10); i++) {
      const [ms, res] = await time(() =>
        app.inject({ method: 'GET', url: `/api/stats/monthly?month=${month}`, headers }),
      );
      if (res.statusCode !== 200) throw new Error(`HTTP ${res.statusCode}: ${res.body}`);
      httpMs.push(ms);
    }
  }
  await app.close();

  const trendFrom = DateTime.fromFormat(month, 'yyyy-MM').minus({ months: 11 }).toFormat('yyyy-MM');
  const trendOf = (svc: typeof service) => svc.trend(scope, trendFrom, month);
  await database.query('delete from stats_month_totals');
  const [coldMs, cold] = await time(() => trendOf(service));
  const warmMs: number[] = [];
  for (let i = 0; i < runs; i++) warmMs.push((await time(() => trendOf(service)))[0]);
  // A write that changes nothing still leaves its note: the month it touches is computed again.
  const middle = monthBounds(DateTime.fromFormat(month, 'yyyy-MM').minus({ months: 5 }).toFormat('yyyy-MM'), ZONE);
  await database.query(
    `update bookings set purpose = purpose where id = (select id from bookings where start_at >= $1 and start_at < $2 limit 1)`,
    [middle.start.toISOString(), middle.end.toISOString()],
  );
  const [afterWriteMs, afterWrite] = await time(() => trendOf(service));
  // The same trend while its last month is still open: the clock 20 days into it.
  const openService = createStatsService({ database, clock: fixedClock(new Date(bounds.start.getTime() + 20 * 86_400_000)) });
  await trendOf(openService);
  const openMs: number[] = [];
  for (let i = 0; i < runs; i++) openMs.push((await time(() => trendOf(openService)))[0]);
  // Eleven of these rows were read back from storage.
  let exact = 0;
  for (const item of afterWrite.items) {
    const { month: m, ...figures } = item;
    if (isDeepStrictEqual(figures, (await service.monthly(scope, m, { breakdowns: false })).totals)) exact++;
  }
  const stored = await database.query<{ n: number }>(`select count(*)::int as n from stats_month_totals`);

  const s50 = percentile(statsMs, 50);
  const s95 = percentile(statsMs, 95);
  const b50 = percentile(baseMs, 50);
  const b95 = percentile(baseMs, 95);
  console.log('');
  console.log(`monthly statistics, all labs   p50 ${formatMs(s50)}   p95 ${formatMs(s95)}`);
  console.log(`baseline (count+sum of usage)  p50 ${formatMs(b50)}   p95 ${formatMs(b95)}`);
  console.log(`ratio                          p50 ${(s50 / b50).toFixed(1)}×   p95 ${(s95 / b95).toFixed(1)}×`);
  if (httpMs.length)
    console.log(
      `via HTTP (app.inject, JSON)    p50 ${formatMs(percentile(httpMs, 50))}   p95 ${formatMs(percentile(httpMs, 95))}   (${httpMs.length} runs)`,
    );
  console.log(`trend of 12 months, cold       ${formatMs(coldMs)} (one run: every month computed, ${stored[0]?.n ?? 0} stored, ${cold.items.length} answered)`);
  console.log(
    `trend of 12 months, stored     p50 ${formatMs(percentile(warmMs, 50))}   p95 ${formatMs(percentile(warmMs, 95))}`,
  );
  console.log(`  after a write in one month   ${formatMs(afterWriteMs)} (one run: that month computed again)`);
  console.log(
    `  with its last month open     p50 ${formatMs(percentile(openMs, 50))}   p95 ${formatMs(percentile(openMs, 95))}   (that month computed each time)`,
  );
  console.log(`  rows of the trend after the write equal to the month's own answer: ${exact} of ${afterWrite.items.length}`);
  console.log('');
  if (last && base) {
    const t = last.totals;
    console.log(
      `${month}: ${t.bookings} bookings, ${t.usedHours} used h of ${t.openHours} open h (utilization ${t.utilization}), ` +
        `${t.uniqueMakers} makers; baseline: ${base.sessions} sessions starting in the month, ${base.hours.toFixed(2)} h`,
    );
  }
  console.log(`target p50 ≤ ${TARGET_P50_MS} ms: ${s50 <= TARGET_P50_MS ? 'met' : 'NOT met'}`);
  const trend50 = percentile(openMs, 50);
  console.log(`trend target p50 ≤ ${TARGET_TREND_MS} ms (last month open): ${trend50 <= TARGET_TREND_MS ? 'met' : 'NOT met'}`);
} finally {
  await database.close();
}

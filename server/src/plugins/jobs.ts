// Background work (expiring pending bookings, no-shows, automatic check-out, reminders, email)
// runs in-process on a timer: no cron. Each job takes a PostgreSQL advisory lock for its run, so
// with two server processes against one database a job's work is done once.
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { createHash } from 'node:crypto';

export type Job = (app: FastifyInstance, now: Date) => Promise<unknown>;

export interface JobRunner {
  register(name: string, job: Job): void;
  /** Runs every job once now (tests call this with a fixed clock). Returns each job's result. */
  runAll(): Promise<Record<string, unknown>>;
  run(name: string): Promise<unknown>;
}

declare module 'fastify' {
  interface FastifyInstance {
    jobs: JobRunner;
  }
}

function lockKey(name: string): string {
  // A stable 63-bit key per job name for pg_try_advisory_xact_lock.
  return BigInt.asIntN(64, BigInt('0x' + createHash('sha256').update(`fablab-job:${name}`).digest('hex').slice(0, 16))).toString();
}

export default fp(
  async function jobs(app: FastifyInstance) {
    const registry = new Map<string, Job>();

    async function run(name: string): Promise<unknown> {
      const job = registry.get(name);
      if (!job) throw new Error(`No job ${name}`);
      const pool = app.database.pool;
      // A session lock on a connection of its own; if this process dies the lock goes with it.
      const client = await pool.connect();
      try {
        const res = await client.query<{ locked: boolean }>('select pg_try_advisory_lock($1::bigint) as locked', [
          lockKey(name),
        ]);
        if (!res.rows[0]?.locked) return { skipped: true };
        try {
          return await job(app, app.clock.now());
        } finally {
          await client.query('select pg_advisory_unlock($1::bigint)', [lockKey(name)]);
        }
      } finally {
        client.release();
      }
    }

    const runner: JobRunner = {
      register(name, job) {
        registry.set(name, job);
      },
      run,
      async runAll() {
        const results: Record<string, unknown> = {};
        for (const name of registry.keys()) {
          try {
            results[name] = await run(name);
          } catch (err) {
            app.log.error({ err, job: name }, 'background job failed');
            results[name] = { error: String(err) };
          }
        }
        return results;
      },
    };
    app.decorate('jobs', runner);

    let timer: NodeJS.Timeout | undefined;
    let running = false;
    app.addHook('onReady', async () => {
      if (app.config.jobsIntervalMs <= 0) return;
      timer = setInterval(() => {
        if (running) return;
        running = true;
        runner.runAll().finally(() => {
          running = false;
        });
      }, app.config.jobsIntervalMs);
      timer.unref();
    });
    app.addHook('onClose', async () => {
      if (timer) clearInterval(timer);
    });
  },
  { name: 'jobs' },
);

// The SQL one booking costs, captured from the real server code and replayed straight through
// node-postgres: the benchmark's baseline for "what the framework, validation, auth and ORM cost".
//
// captureBookingStatements() runs one POST /api/bookings through the app in this process and
// records every statement node-postgres sends (the sign-in lookup, BEGIN, the machine and member
// locks, lab, closures, quota, maintenance, the insert, the audit row, COMMIT, the NOTIFY to other
// processes and the owner lookup), with which ran inside the transaction. replayBooking() sends the
// very same SQL texts in the same order and transaction shape for another member, machine and slot.
import { isoWeekBounds } from '@fablab/shared';
import pg from 'pg';

export interface CapturedStatement {
  /** The query config node-postgres got (text, values, rowMode, types), values as sent. */
  config: pg.QueryConfig & { rowMode?: string };
  /** Ran on the transaction's own client (between BEGIN and COMMIT), else through the pool. */
  inTransaction: boolean;
  /** Sent without waiting for its answer (the NOTIFY that tells other processes). */
  fireAndForget: boolean;
}

/** What distinguishes one booking from another, as it appears in the statements' values. */
export interface BookingInputs {
  userId: string;
  machineId: string;
  labId: string;
  start: Date;
  end: Date;
  occupiedUntil: Date;
  zone: string;
}

const ISO = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z/g;

/** Records every query node-postgres sends while fn runs. */
export async function captureQueries(
  fn: () => Promise<void>,
): Promise<Array<{ config: pg.QueryConfig; client: pg.Client }>> {
  const seen: Array<{ config: pg.QueryConfig; client: pg.Client }> = [];
  const original = pg.Client.prototype.query;
  // Patched on the prototype: both pool.query() and transaction clients end up here.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- pg's overloads cannot be restated here
  (pg.Client.prototype as any).query = function (this: pg.Client, config: unknown, values?: unknown, cb?: unknown) {
    // drizzle sends (config, params); pool.query sends (text, params) or a config with values.
    const given = Array.isArray(values) ? values : undefined;
    const normalized: pg.QueryConfig =
      typeof config === 'string'
        ? { text: config, values: given }
        : { ...(config as pg.QueryConfig), ...(given ? { values: given } : {}) };
    seen.push({ config: normalized, client: this });
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- forwards the caller's own arguments
    return (original as any).call(this, config, values, cb);
  };
  try {
    await fn();
    // Let the fire-and-forget NOTIFY leave.
    await new Promise((r) => setTimeout(r, 200));
  } finally {
    pg.Client.prototype.query = original;
  }
  return seen;
}

/** Marks which statements ran inside the transaction, from BEGIN to COMMIT on one client. */
export function shapeStatements(seen: Array<{ config: pg.QueryConfig; client: pg.Client }>): CapturedStatement[] {
  // A booking may run more than one transaction (the throttle's count, then the booking's): each
  // statement from a client's BEGIN to its COMMIT belongs to that client's transaction.
  const open = new Set<pg.Client>();
  return seen.map((s) => {
    const text = s.config.text.trim();
    if (/^begin\b/i.test(text)) open.add(s.client);
    const inTransaction = open.has(s.client);
    if (/^(commit|rollback)\b/i.test(text)) open.delete(s.client);
    return { config: s.config, inTransaction, fireAndForget: /pg_notify/i.test(s.config.text) };
  });
}

/** The values that name this booking; occupiedUntil first, as it may equal the end (no buffer). */
function tokens(b: BookingInputs): string[] {
  const week = isoWeekBounds(b.start, b.zone);
  return [
    b.userId,
    b.machineId,
    b.labId,
    b.occupiedUntil.toISOString(),
    b.start.toISOString(),
    b.end.toISOString(),
    week.start.toISOString(),
    week.end.toISOString(),
  ];
}

/**
 * The captured statements with another booking's values in place of the captured one's: ids,
 * instants and the ISO week around the start, wherever they appear (also inside JSON). Other
 * instants (created/updated "now") become the moment of the replay.
 */
export function rebind(
  statements: CapturedStatement[],
  from: BookingInputs,
  to: BookingInputs,
  ids: { bookingFrom?: string; bookingTo?: string },
) {
  const fresh = tokens(to);
  const pairs: Array<readonly [string, string]> = tokens(from).map((old, i) => [old, fresh[i]!] as const);
  if (ids.bookingFrom && ids.bookingTo) pairs.push([ids.bookingFrom, ids.bookingTo] as const);
  const now = new Date().toISOString();
  const known = new Set(pairs.map(([old]) => old));
  const targets = new Set(pairs.map(([, target]) => target));
  const lookup = new Map<string, string>();
  for (const [old, target] of pairs) if (!lookup.has(old)) lookup.set(old, target);
  const pattern = new RegExp([...lookup.keys()].map((k) => k.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'g');
  const swap = (value: unknown): unknown => {
    if (typeof value !== 'string') return value;
    let out = value;
    // One pass per pair would let a replaced value be replaced again; one regex does them all.
    out = out.replace(pattern, (m) => lookup.get(m) ?? m);
    return out.replace(ISO, (m) => (known.has(m) || targets.has(m) ? m : now));
  };
  return statements.map((s) => ({ ...s, config: { ...s.config, values: s.config.values?.map(swap) } }));
}

/**
 * Runs one booking's statements straight through node-postgres: the pool for the ones outside the
 * transaction, one client from BEGIN to COMMIT, the NOTIFY without waiting. Returns the new id.
 */
export async function replayBooking(
  pool: pg.Pool,
  statements: CapturedStatement[],
  from: BookingInputs,
  to: BookingInputs,
  capturedBookingId: string,
): Promise<string> {
  let bookingId: string | undefined;
  let plan = rebind(statements, from, to, {});
  let client: pg.PoolClient | undefined;
  const pending: Array<Promise<unknown>> = [];
  try {
    for (let i = 0; i < plan.length; i++) {
      const s = plan[i]!;
      if (s.fireAndForget) {
        pending.push(pool.query(s.config).catch(() => undefined));
        continue;
      }
      if (s.inTransaction) {
        client ??= await pool.connect();
        const res = await client.query(s.config);
        // The insert's RETURNING gives the id the later statements (audit, owner) refer to.
        if (!bookingId && /^insert into "bookings"/i.test(s.config.text.trim())) {
          const row = res.rows[0] as unknown[] | Record<string, unknown>;
          bookingId = String(Array.isArray(row) ? row[0] : row.id);
          plan = [
            ...plan.slice(0, i + 1),
            ...rebind(statements.slice(i + 1), from, to, { bookingFrom: capturedBookingId, bookingTo: bookingId }),
          ];
        }
        if (/^commit\b/i.test(s.config.text.trim())) {
          client.release();
          client = undefined;
        }
      } else {
        await pool.query(s.config);
      }
    }
  } catch (err) {
    if (client) {
      await client.query('rollback').catch(() => undefined);
      client.release();
    }
    throw err;
  }
  await Promise.all(pending);
  if (!bookingId) throw new Error('The replay inserted no booking');
  return bookingId;
}

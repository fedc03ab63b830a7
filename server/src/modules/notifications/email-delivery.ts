// Sends the outbox. Rows are claimed with one UPDATE over a `FOR UPDATE SKIP LOCKED` subquery that
// pushes next_attempt_at out by a lease, so two server processes never take the same row; the
// claim commits before the network call, so no transaction stays open while the mail server is
// slow. A failure keeps the row with its error and retries it later: nothing is lost while the
// mail server is down. When the server cannot be reached at all, retries stay at most a minute
// apart, so mail flows again within a minute of the server's return (the tries are cheap: a
// refused connection); a message the server itself refuses backs off exponentially instead.
// A message past its notAfter (a reminder once its booking started) is dropped, and says so. (A process that dies between sending and
// recording leaves the row to be retried after the lease; the stable Message-ID lets receivers
// spot that rare duplicate.)
import { and, asc, eq, inArray, isNull, lte, or, sql } from 'drizzle-orm';
import nodemailer from 'nodemailer';
import type { Db } from '../../db/client.js';
import { outbox } from '../../db/schema/index.js';
import { uidHost } from '../../lib/ical.js';

const BATCH = 50;
/** How long a claimed row stays invisible to other workers while it is being sent. */
const LEASE_MS = 5 * 60_000;
const BACKOFF_BASE_MS = 60_000;
const BACKOFF_MAX_MS = 6 * 3_600_000;
/** Sent messages are kept this long (to answer "did it go out?"), then deleted. */
const KEEP_SENT_MS = 30 * 86_400_000;

const OUTAGE_RETRY_BASE_MS = 15_000;
const OUTAGE_RETRY_MAX_MS = 60_000;

/** Wait after the server refused the message `attempts` times: 1, 2, 4, 8 … minutes, at most 6 hours. */
export function backoffMs(attempts: number): number {
  return Math.min(BACKOFF_BASE_MS * 2 ** Math.max(0, attempts - 1), BACKOFF_MAX_MS);
}

/** Wait after `attempts` tries found the server unreachable: 15, 30, then every 60 seconds. */
export function outageRetryMs(attempts: number): number {
  return Math.min(OUTAGE_RETRY_BASE_MS * 2 ** Math.max(0, attempts - 1), OUTAGE_RETRY_MAX_MS);
}

/** The iTIP method of an attachment, for its Content-Type (RFC 6047 wants it there too). */
function methodOf(ics: string): string {
  return /^METHOD:([A-Z-]+)\r?$/m.exec(ics)?.[1] ?? 'PUBLISH';
}

// nodemailer's codes for "the server could not be reached": the rest of the batch would fail alike.
const CONNECTION_CODES = new Set(['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS', 'ECONNREFUSED']);

function errorText(err: unknown): string {
  const e = err as { code?: unknown; message?: unknown; response?: unknown };
  const parts = [typeof e?.code === 'string' ? e.code : null, typeof e?.message === 'string' ? e.message : String(err)];
  return parts.filter(Boolean).join(': ').slice(0, 1000);
}

export interface DeliveryResult {
  sent: number;
  failed: number;
  /** Old sent messages deleted from the outbox (only when some were). */
  pruned?: number;
  /** Messages given up because they would have arrived too late (only when some were). */
  dropped?: number;
}

export function createEmailDelivery(deps: { db: Db; smtpUrl: string; mailFrom: string; publicUrl: string }) {
  const { db, mailFrom } = deps;
  const host = uidHost(deps.publicUrl);
  const transport = nodemailer.createTransport({
    url: deps.smtpUrl,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  });

  async function claim(now: Date) {
    const due = db
      .select({ id: outbox.id })
      .from(outbox)
      .where(and(isNull(outbox.sentAt), isNull(outbox.droppedAt), lte(outbox.nextAttemptAt, now)))
      .orderBy(asc(outbox.nextAttemptAt))
      .limit(BATCH)
      .for('update', { skipLocked: true });
    return db
      .update(outbox)
      .set({ attempts: sql`${outbox.attempts} + 1`, nextAttemptAt: new Date(now.getTime() + LEASE_MS) })
      .where(inArray(outbox.id, due))
      .returning();
  }

  async function fail(id: string, waitMs: number, now: Date, err: unknown) {
    await db
      .update(outbox)
      .set({ nextAttemptAt: new Date(now.getTime() + waitMs), lastError: errorText(err) })
      .where(eq(outbox.id, id));
  }

  /** Messages past their notAfter, given up with the reason instead of sent late. */
  async function dropStale(now: Date): Promise<number> {
    const dropped = await db
      .update(outbox)
      .set({ droppedAt: now, lastError: 'Dropped: not sent before its booking started' })
      .where(and(isNull(outbox.sentAt), isNull(outbox.droppedAt), lte(outbox.notAfter, now)))
      .returning({ id: outbox.id });
    return dropped.length;
  }

  return {
    /** Sends what is due at `now`; returns how many went out and how many wait for a retry. */
    async deliverDue(now: Date): Promise<DeliveryResult> {
      const dropped = await dropStale(now);
      const rows = await claim(now);
      rows.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
      let sent = 0;
      let failed = 0;
      for (let i = 0; i < rows.length; i++) {
        const row = rows[i]!;
        // Claimed before its notAfter passed, reached after (a slow batch): still too late.
        if (row.notAfter && row.notAfter <= now) {
          await db
            .update(outbox)
            .set({ droppedAt: now, lastError: 'Dropped: not sent before its booking started' })
            .where(eq(outbox.id, row.id));
          continue;
        }
        try {
          await transport.sendMail({
            from: mailFrom,
            to: row.toAddress,
            subject: row.subject,
            text: row.body,
            ...(row.html ? { html: row.html } : {}),
            messageId: `<${row.id}@${host}>`,
            // The invitation travels twice, as calendar programs look for it: as an alternative
            // part (Outlook, Gmail's invitation card) and as an attachment (Apple Mail, Thunderbird).
            ...(row.ics ? { icalEvent: { filename: 'booking.ics', method: methodOf(row.ics), content: row.ics } } : {}),
            attachments: row.ics
              ? [
                  {
                    filename: 'booking.ics',
                    content: row.ics,
                    contentType: `text/calendar; charset=utf-8; method=${methodOf(row.ics)}`,
                  },
                ]
              : [],
          });
          await db.update(outbox).set({ sentAt: now, lastError: null }).where(eq(outbox.id, row.id));
          sent++;
        } catch (err) {
          const code = (err as { code?: unknown })?.code;
          if (typeof code === 'string' && CONNECTION_CODES.has(code)) {
            // The server is unreachable: put the whole remaining batch back, to try again soon.
            for (const rest of rows.slice(i)) await fail(rest.id, outageRetryMs(rest.attempts), now, err);
            failed += rows.length - i;
            break;
          }
          await fail(row.id, backoffMs(row.attempts), now, err);
          failed++;
        }
      }
      const pruned = await db
        .delete(outbox)
        .where(
          or(
            lte(outbox.sentAt, new Date(now.getTime() - KEEP_SENT_MS)),
            lte(outbox.droppedAt, new Date(now.getTime() - KEEP_SENT_MS)),
          ),
        )
        .returning({ id: outbox.id });
      return {
        sent,
        failed,
        ...(dropped ? { dropped } : {}),
        ...(pruned.length ? { pruned: pruned.length } : {}),
      };
    },
    close() {
      transport.close();
    },
  };
}

export type EmailDelivery = ReturnType<typeof createEmailDelivery>;

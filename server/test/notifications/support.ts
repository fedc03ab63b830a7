// Test support for the notifications and feeds slice: bookings written straight into the table,
// a real SMTP receiver (smtp-server) with a small MIME reader, and a server-sent events client.
import type { BookingStatus } from '@fablab/shared';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { bookings } from '../../src/db/schema/index.js';
import type { TestContext } from '../helpers/app.js';

export async function insertBooking(
  ctx: TestContext,
  input: {
    machineId: string;
    labId: string;
    userId: string | null;
    start: string | Date;
    end: string | Date;
    status?: BookingStatus;
    note?: string | null;
    reason?: string | null;
    purpose?: (typeof bookings.$inferInsert)['purpose'];
  },
) {
  const end = new Date(input.end);
  const [row] = await ctx.db
    .insert(bookings)
    .values({
      machineId: input.machineId,
      labId: input.labId,
      userId: input.userId,
      startAt: new Date(input.start),
      endAt: end,
      occupiedUntil: end,
      status: input.status ?? 'approved',
      purpose: input.purpose ?? 'personal_project',
      note: input.note ?? null,
      reason: input.reason ?? null,
      createdBy: input.userId,
    })
    .returning();
  return row!;
}

// ---------- SMTP ----------
export interface ReceivedMail {
  from: string;
  to: string[];
  raw: string;
}

export interface SmtpReceiver {
  port: number;
  close(): Promise<void>;
}

/** A real SMTP server on 127.0.0.1 that keeps what it receives in `inbox`. */
export function startSmtpReceiver(inbox: ReceivedMail[], port = 0): Promise<SmtpReceiver> {
  const server = new SMTPServer({
    secure: false,
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        inbox.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      });
    },
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const address = server.server.address() as AddressInfo;
      resolve({ port: address.port, close: () => new Promise<void>((done) => server.close(() => done())) });
    });
  });
}

export interface MimePart {
  headers: Record<string, string>;
  body: string;
}

function splitHeaders(raw: string): { headers: Record<string, string>; body: string } {
  const at = raw.indexOf('\r\n\r\n');
  const head = at >= 0 ? raw.slice(0, at) : raw;
  const body = at >= 0 ? raw.slice(at + 4) : '';
  const headers: Record<string, string> = {};
  for (const line of head.replace(/\r\n[ \t]+/g, ' ').split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { headers, body };
}

function decodeQuotedPrintable(text: string): string {
  const soft = text.replace(/=\r?\n/g, '');
  const bytes: number[] = [];
  for (let i = 0; i < soft.length; i++) {
    if (soft[i] === '=' && /^[0-9A-F]{2}$/i.test(soft.slice(i + 1, i + 3))) {
      bytes.push(parseInt(soft.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(soft[i]!, 'utf8'));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

function decodeBody(part: { headers: Record<string, string>; body: string }): string {
  const encoding = (part.headers['content-transfer-encoding'] ?? '7bit').toLowerCase();
  if (encoding === 'base64') return Buffer.from(part.body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (encoding === 'quoted-printable') return decodeQuotedPrintable(part.body);
  return part.body;
}

/** RFC 2047 encoded words (=?UTF-8?Q?…?= and =?UTF-8?B?…?=) as nodemailer writes them. */
export function decodeHeader(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?([^?]+)\?([QqBb])\?([^?]*)\?=/g, (_m, _charset: string, enc: string, text: string) =>
      enc.toUpperCase() === 'B'
        ? Buffer.from(text, 'base64').toString('utf8')
        : decodeQuotedPrintable(text.replace(/_/g, ' ')),
    );
}

/** The decoded subject and parts (text body and attachments) of a message. */
export function readMail(raw: string): { subject: string; headers: Record<string, string>; parts: MimePart[] } {
  const top = splitHeaders(raw);
  const subject = decodeHeader(top.headers.subject ?? '');
  const parts: MimePart[] = [];
  const collect = (node: { headers: Record<string, string>; body: string }) => {
    const type = node.headers['content-type'] ?? 'text/plain';
    const boundary = /boundary="?([^";]+)"?/i.exec(type)?.[1];
    if (type.toLowerCase().startsWith('multipart/') && boundary) {
      const pieces = node.body.split(`--${boundary}`).slice(1);
      for (const piece of pieces) {
        if (piece.startsWith('--')) break;
        collect(splitHeaders(piece.replace(/^\r\n/, '')));
      }
      return;
    }
    parts.push({ headers: node.headers, body: decodeBody(node) });
  };
  collect(top);
  return { subject, headers: top.headers, parts };
}

// ---------- server-sent events ----------
export interface SseClient {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** The `data:` of each event after the greeting. */
  events: unknown[];
  /** The `id:` of each of those events, in the same order. */
  ids: (string | undefined)[];
  /** The first event of the connection, when it is a resync (what the server greets with). */
  greeting?: { id?: string; data: unknown };
  comments: string[];
  waitFor(predicate: (events: unknown[]) => boolean, timeoutMs?: number): Promise<void>;
  /** Settles when the server ends the stream. */
  ended: Promise<void>;
  close(): void;
}

/** Opens a real HTTP connection to an SSE endpoint and collects its `data:` events. */
export function openSse(url: string, headers: Record<string, string> = {}): Promise<SseClient> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers: { accept: 'text/event-stream', ...headers } }, (res) => {
      const events: unknown[] = [];
      const ids: (string | undefined)[] = [];
      const comments: string[] = [];
      let seenData = false;
      const waiters = new Set<() => void>();
      let buffer = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          let id: string | undefined;
          for (const line of block.split('\n')) {
            if (line.startsWith('id: ')) id = line.slice(4);
            else if (line.startsWith('data: ')) {
              const data: unknown = JSON.parse(line.slice(6));
              const first = !seenData;
              seenData = true;
              if (first && (data as { kind?: unknown }).kind === 'resync') client.greeting = { id, data };
              else {
                events.push(data);
                ids.push(id);
              }
            } else if (line.startsWith(':')) comments.push(line.slice(1).trim());
          }
        }
        for (const w of waiters) w();
      });
      res.on('error', () => {});
      const ended = new Promise<void>((done) => res.on('close', () => done()));
      const client: SseClient = {
        ended,
        status: res.statusCode ?? 0,
        headers: res.headers,
        events,
        ids,
        comments,
        waitFor(predicate, timeoutMs = 3000) {
          return new Promise((done, fail) => {
            if (predicate(events)) return done();
            const timer = setTimeout(() => {
              waiters.delete(check);
              fail(new Error(`SSE: condition not met within ${timeoutMs} ms; got ${JSON.stringify(events)}`));
            }, timeoutMs);
            const check = () => {
              if (predicate(events)) {
                clearTimeout(timer);
                waiters.delete(check);
                done();
              }
            };
            waiters.add(check);
          });
        },
        close() {
          req.destroy();
        },
      };
      if ((res.statusCode ?? 0) !== 200) {
        resolve(client);
        return;
      }
      // Resolve once the stream is open, i.e. its first comment arrived.
      const ready = () => {
        if (comments.length > 0) {
          waiters.delete(ready);
          resolve(client);
        }
      };
      waiters.add(ready);
    });
    req.on('error', reject);
  });
}

export function baseUrl(app: { server: http.Server }): string {
  const address = app.server.address() as AddressInfo;
  return `http://127.0.0.1:${address.port}`;
}

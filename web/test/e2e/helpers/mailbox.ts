// A real SMTP receiver on 127.0.0.1 for the browser tests that follow a link the server mails (a
// guardian's consent link): the server is started with SMTP_URL pointing here.
import { readMail, startSmtpReceiver, type ReceivedMail } from '../../../../server/test/notifications/support';

export interface Mailbox {
  port: number;
  /** The server's environment that sends its mail here (the delivery sweep runs every 5 s). */
  env: Record<string, string>;
  /** The text of the first message to `address` whose text matches `pattern`, waiting for it. */
  waitFor(address: string, pattern: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
  close(): Promise<void>;
}

export async function startMailbox(): Promise<Mailbox> {
  const inbox: ReceivedMail[] = [];
  const receiver = await startSmtpReceiver(inbox);
  return {
    port: receiver.port,
    env: {
      SMTP_URL: `smtp://127.0.0.1:${receiver.port}`,
      // Jobs on a timer (email needs it), but too rarely for the others to run during a test.
      JOBS_INTERVAL_MS: String(6 * 3_600_000),
    },
    async waitFor(address, pattern, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        for (const mail of inbox) {
          if (!mail.to.includes(address)) continue;
          const text = readMail(mail.raw)
            .parts.map((p) => p.body)
            .join('\n');
          const match = pattern.exec(text);
          if (match) return match;
        }
        if (Date.now() > deadline) throw new Error(`No mail to ${address} matching ${pattern} within ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 250));
      }
    },
    close: () => receiver.close(),
  };
}

/** The secret of a guardian's consent link, from its email. */
export const CONSENT_LINK = /\/guardian-consent\/([A-Za-z0-9_-]{20,})/;

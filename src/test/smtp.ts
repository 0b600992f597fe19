import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerAddress } from 'smtp-server';
import { afterAll, beforeAll } from 'vitest';
import { createEmailTransport } from '../messages/channels/email.js';
import type { Transport } from '../messages/channels/index.js';

/** One email as the SMTP server received it. */
export interface ReceivedMail {
  from: string;
  to: string[];
  raw: string;
  headers: Map<string, string>;
  body: string;
}

export interface TestSmtpServer {
  url: string;
  received: ReceivedMail[];
  /** Answers the next `count` DATA commands with this SMTP code (e.g. 451 for a temporary failure). */
  failNext(count: number, code: number): void;
  /** Emails received in full whose "250 accepted" the server is still holding back (see `answerDelayMs`). */
  readonly holding: number;
  /** Holds the answers to DATA (the mail is in, the relay has not said so yet) until the returned release is called. */
  hold(): () => void;
  /** How many DATA answers are being held. */
  readonly held: number;
  close(): Promise<void>;
}

/** Splits a raw message into unfolded, lower-cased headers and the body. */
export function parseMail(raw: string): { headers: Map<string, string>; body: string } {
  const split = raw.indexOf('\r\n\r\n');
  const head = raw.slice(0, split).replace(/\r\n[ \t]+/g, ' ');
  const headers = new Map<string, string>();
  for (const line of head.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim());
  }
  return { headers, body: raw.slice(split + 4) };
}

/**
 * A real SMTP server on a free port, in this process, keeping what it receives. With
 * `answerDelayMs` it is slow to accept: each email is kept as received at once, as a relay
 * that has taken it would deliver it, but its "250 accepted" comes only after the delay, so a
 * client killed meanwhile never learns the outcome.
 */
export async function startSmtpServer(options: { answerDelayMs?: number } = {}): Promise<TestSmtpServer> {
  const received: ReceivedMail[] = [];
  let failures: { count: number; code: number } = { count: 0, code: 0 };
  let holding = 0;
  let gate: Promise<void> | undefined;
  let held = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    closeTimeout: 500,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', async () => {
        if (gate) {
          held++;
          await gate;
          held--;
        }
        if (failures.count > 0) {
          failures = { count: failures.count - 1, code: failures.code };
          return callback(Object.assign(new Error('Try again later'), { responseCode: failures.code }));
        }
        const raw = Buffer.concat(chunks).toString('utf8');
        const mailFrom = session.envelope.mailFrom as SMTPServerAddress | false;
        received.push({
          from: mailFrom ? mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw,
          ...parseMail(raw),
        });
        if (!options.answerDelayMs) return callback();
        holding++;
        setTimeout(() => {
          holding--;
          callback();
        }, options.answerDelayMs);
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    failNext(count, code) {
      failures = { count, code };
    },
    get holding() {
      return holding;
    },
    hold() {
      let release = () => undefined as void;
      gate = new Promise<void>((resolve) => (release = resolve));
      const opened = gate;
      return () => {
        if (gate === opened) gate = undefined;
        release();
      };
    },
    get held() {
      return held;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** A real SMTP server and an email transport pointed at it, for one test file's lifetime. */
export function useSmtpEmail(): { readonly smtp: TestSmtpServer; readonly email: Transport } {
  let smtp: TestSmtpServer | undefined;
  let email: Transport | undefined;
  beforeAll(async () => {
    smtp = await startSmtpServer();
    email = createEmailTransport({ smtpUrl: smtp.url, from: 'Demo Telecom <care@demo-telecom.example>' });
  });
  afterAll(async () => {
    await email?.close?.();
    await smtp?.close();
  });
  const ready = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('useSmtpEmail() is read before its beforeAll ran');
    return value;
  };
  return {
    get smtp() {
      return ready(smtp);
    },
    get email() {
      return ready(email);
    },
  };
}

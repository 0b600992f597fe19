// Load for the ingestion benchmark: batches shaped as @segment/analytics-node sends them,
// an HTTP driver that measures acknowledgement latency, and the COPY text of the same rows.
import { randomUUID } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { contextDefaults, readMessages } from '../src/ingest/messages.js';

const TRACKS = ['Plan Viewed', 'Data Boost Bought', 'Bill Paid', 'Coverage Checked', 'Router Restarted', 'Support Article Read'];
const FIRST = ['Ada', 'Grace', 'Alan', 'Katherine', 'Dorothy', 'Mary', 'Edsger', 'Barbara'];
const LAST = ['Lovelace', 'Hopper', 'Turing', 'Johnson', 'Vaughan', 'Jackson', 'Dijkstra', 'Liskov'];

/** One analytics-node message: 15% identify, 75% track, 10% page over a pool of users. */
function message(i: number, users: number): Record<string, unknown> {
  const user = `user-${(i * 7919) % users}`;
  const now = new Date().toISOString();
  const common = {
    userId: user,
    context: { library: { name: '@segment/analytics-node', version: '2.3.0' } },
    _metadata: { nodeVersion: process.version, jsRuntime: 'node' },
    integrations: {},
    timestamp: now,
    messageId: `node-next-${Date.now()}-${randomUUID()}`,
  };
  const kind = i % 20;
  if (kind < 3) {
    const first = FIRST[i % FIRST.length] as string;
    const last = LAST[(i >> 3) % LAST.length] as string;
    return {
      ...common,
      type: 'identify',
      traits: { name: `${first} ${last}`, email: `${user}@example.com`, plan: 'sim-10gb', tenureMonths: i % 60 },
    };
  }
  if (kind < 5)
    return {
      ...common,
      type: 'page',
      name: 'Pricing',
      properties: { path: '/pricing', url: 'https://shop.example/pricing', title: 'Pricing' },
    };
  return {
    ...common,
    type: 'track',
    event: TRACKS[i % TRACKS.length],
    properties: { plan: 'sim-10gb', amountMinor: 1200 + (i % 500), currency: 'GBP', channel: 'app', sku: `SKU-${i % 97}` },
  };
}

/** `count` batches of `size` messages, serialised as analytics-node does (`{ batch, writeKey, sentAt }`). */
export function makeBatches(
  count: number,
  size: number,
  users: number,
  offset = 0,
): { bodies: Buffer[]; messages: Record<string, unknown>[] } {
  const bodies: Buffer[] = [];
  const messages: Record<string, unknown>[] = [];
  for (let b = 0; b < count; b++) {
    const batch = Array.from({ length: size }, (_, j) => message(offset + b * size + j, users));
    messages.push(...batch);
    bodies.push(Buffer.from(JSON.stringify({ batch, writeKey: 'in-the-header', sentAt: new Date().toISOString() })));
  }
  return { bodies, messages };
}

export interface DriveResult {
  events: number;
  seconds: number;
  latenciesMs: number[];
  failures: number;
}

/**
 * One keep-alive connection that sends prebuilt requests and reads each answer's status and
 * body length, nothing more. The bench shares the 2 cores with the server and PostgreSQL, so
 * the load generator is kept lean (a node:http client spent about 5 µs of CPU per event, this
 * about 1); the bytes on the wire are the same as the client's.
 */
class RawConnection {
  private buffered: Buffer = Buffer.alloc(0);
  private waiting: ((status: number) => void) | null = null;
  private failed: ((error: Error) => void) | null = null;
  private constructor(private readonly socket: Socket) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.read(chunk));
    socket.on('error', (error) => this.failed?.(error));
  }

  static open(port: number): Promise<RawConnection> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => resolve(new RawConnection(socket)));
      socket.once('error', reject);
    });
  }

  private read(chunk: Buffer) {
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    const headEnd = this.buffered.indexOf('\r\n\r\n');
    if (headEnd < 0) return;
    const head = this.buffered.subarray(0, headEnd).toString('latin1');
    const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
    if (!length) {
      this.failed?.(new Error(`an answer without content-length: ${head}`));
      return;
    }
    const end = headEnd + 4 + Number(length[1]);
    if (this.buffered.length < end) return;
    this.buffered = this.buffered.subarray(end);
    const resolve = this.waiting;
    this.waiting = null;
    resolve?.(Number(head.slice(9, 12)));
  }

  send(request: Buffer): Promise<number> {
    return new Promise((resolve, reject) => {
      this.waiting = resolve;
      this.failed = reject;
      this.socket.write(request);
    });
  }

  close() {
    this.socket.destroy();
  }
}

/** The request analytics-node sends for a batch body: POST /v1/batch, JSON, the write key as the Basic-auth user. */
export function batchRequest(writeKey: string, body: Buffer): Buffer {
  const auth = `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}`;
  const head =
    `POST /v1/batch HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: analytics-node-next/latest\r\nAuthorization: ${auth}\r\n` +
    `Content-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: keep-alive\r\n\r\n`;
  return Buffer.concat([Buffer.from(head, 'latin1'), body]);
}

/**
 * Sends every request (from batchRequest, built beforehand so that the timing holds only the
 * sending) with `concurrency` in flight, one keep-alive connection each; each acknowledgement is timed.
 */
export async function drive(port: number, requests: Buffer[], eventsPerRequest: number, concurrency: number): Promise<DriveResult> {
  const connections = await Promise.all(Array.from({ length: concurrency }, () => RawConnection.open(port)));
  const latenciesMs: number[] = [];
  let next = 0;
  let failures = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    connections.map(async (connection) => {
      while (next < requests.length) {
        const request = requests[next++] as Buffer;
        const sent = process.hrtime.bigint();
        const status = await connection.send(request);
        if (status !== 200) failures++;
        latenciesMs.push(Number(process.hrtime.bigint() - sent) / 1e6);
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  for (const connection of connections) connection.close();
  return { events: requests.length * eventsPerRequest, seconds, latenciesMs, failures };
}

export const COPY_COLUMNS =
  'workspace_id, message_id, type, user_id, anonymous_id, name, group_id, previous_id, properties, traits, context, occurred_at, sent_at, received_at, source';

function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return `"${text.replace(/"/g, '""')}"`;
}

/** The rows the endpoint would store for these messages, as CSV for COPY (normalised outside the timing). */
export function copyCsv(workspaceId: string, messages: Record<string, unknown>[]): string {
  const facts = { receivedAt: new Date(), ip: '127.0.0.1', userAgent: undefined };
  const { events } = readMessages(messages, facts);
  const lines = events.map((e) => {
    const context = { ...contextDefaults(facts), ...(e.context === null ? {} : (JSON.parse(e.context) as object)) };
    const fields: unknown[] = [workspaceId, e.messageId, e.type, e.userId, e.anonymousId, e.name, e.groupId, e.previousId];
    const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
    fields.push(e.properties, e.traits, context, iso(e.occurredAtMs), iso(e.sentAtMs), facts.receivedAt.toISOString(), 'segment');
    return fields.map(csvField).join(',');
  });
  return lines.join('\n') + '\n';
}

// Load for the ingestion benchmark: batches shaped as @segment/analytics-node sends them,
// an HTTP driver that measures acknowledgement latency, and the COPY text of the same rows.
import { randomUUID } from 'node:crypto';
import { Agent, request } from 'node:http';
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

function post(agent: Agent, port: number, auth: string, body: Buffer): Promise<{ status: number; ms: number }> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: '/v1/batch',
        method: 'POST',
        agent,
        headers: { authorization: auth, 'content-type': 'application/json', 'content-length': body.length },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: Number(process.hrtime.bigint() - started) / 1e6 }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Posts every body with `concurrency` requests in flight; each acknowledgement is timed. */
export async function drive(
  port: number,
  writeKey: string,
  bodies: Buffer[],
  eventsPerBody: number,
  concurrency: number,
): Promise<DriveResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const auth = `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}`;
  const latenciesMs: number[] = [];
  let next = 0;
  let failures = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < bodies.length) {
        const body = bodies[next++] as Buffer;
        const result = await post(agent, port, auth, body);
        if (result.status !== 200) failures++;
        latenciesMs.push(result.ms);
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  agent.destroy();
  return { events: bodies.length * eventsPerBody, seconds, latenciesMs, failures };
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
    fields.push(e.properties, e.traits, context, e.occurredAt, e.sentAt, facts.receivedAt.toISOString(), 'segment');
    return fields.map(csvField).join(',');
  });
  return lines.join('\n') + '\n';
}

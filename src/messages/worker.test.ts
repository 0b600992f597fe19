import { createServer, type AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createTenant, useTestApp } from '../test/app.js';
import { insertMessageCustomer, insertTemplate } from '../test/messages.js';
import { useSmtpEmail } from '../test/smtp.js';
import { createEmailTransport } from './channels/email.js';
import type { Transport } from './channels/index.js';
import { enqueueMessage } from './enqueue.js';
import { deliverBatch, recoverExpiredLeases, type WorkerOptions } from './worker.js';

const ctx = useTestApp();
const db = () => ctx.database.db;
const relay = useSmtpEmail();

const T0 = new Date('2026-03-02T10:00:00Z');
const at = (ms: number) => () => new Date(T0.getTime() + ms);

function worker(workspaceId: string, options: Partial<WorkerOptions> = {}): WorkerOptions {
  return {
    workerId: 'w1',
    transports: { email: relay.email },
    publicUrl: 'https://rapport.example',
    maxAttempts: 3,
    leaseSeconds: 60,
    now: at(0),
    workspaceId,
    ...options,
  };
}

async function setup(purpose: 'marketing' | 'service' = 'service', count = 1) {
  const { workspace } = await createTenant(ctx.app, 'Demo Telecom');
  await insertTemplate(db(), workspace.id, 'note', purpose, 'Hi {{ customer.first_name }}, your bill is ready.');
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const customer = await insertMessageCustomer(db(), workspace.id, {
      displayName: `Ada Number${i}`,
      email: `ada${i}@example.com`,
      consent: [['marketing', 'email', 'granted']],
    });
    ids.push((await enqueueMessage(db(), workspace.id, { customerId: customer, purpose, templateKey: 'note' }, { now: T0 })).id);
  }
  return { workspaceId: workspace.id, ids };
}

const row = (workspaceId: string, id: string) =>
  db().selectFrom('messages').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirstOrThrow();
const receivedFor = (key: string) => relay.smtp.received.filter((m) => m.headers.get('message-id')?.startsWith(`<${key}@`));

describe('delivering messages', () => {
  it('sends an email over SMTP with a stable Message-ID and RFC 8058 one-click unsubscribe headers', async () => {
    const { workspaceId, ids } = await setup('marketing');
    const id = ids[0] as string;
    expect(await deliverBatch(db(), worker(workspaceId))).toBe(1);
    const message = await row(workspaceId, id);
    expect(message).toMatchObject({ status: 'sent', attempts: 1, reason: null });
    const [mail] = receivedFor(message.idempotency_key);
    expect(mail?.to).toEqual(['ada0@example.com']);
    expect(mail?.headers.get('subject')).toBe('About your account, Ada');
    expect(mail?.headers.get('from')).toBe('Demo Telecom <care@demo-telecom.example>');
    expect(mail?.headers.get('list-unsubscribe')).toBe(`<https://rapport.example/u/${workspaceId}.${message.unsubscribe_token}>`);
    expect(mail?.headers.get('list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
    expect(mail?.body).toContain('Hi Ada, your bill is ready.');
    expect(message.provider_id).toBe(`<${message.idempotency_key}@demo-telecom.example>`);
  });

  it('retries a temporary SMTP failure with backoff and gives up after the last attempt', async () => {
    const { workspaceId, ids } = await setup('service', 2);
    const [retried, exhausted] = ids as [string, string];
    relay.smtp.failNext(2, 451);
    await deliverBatch(db(), worker(workspaceId, { batchSize: 2 }));
    const first = await row(workspaceId, retried);
    expect(first).toMatchObject({ status: 'queued', attempts: 1, claimed_by: null });
    expect(first.last_error).toMatch(/451/);
    expect(first.next_attempt_at.getTime() - T0.getTime()).toBeGreaterThanOrEqual(24_000);
    // Not due yet: nothing is claimed.
    expect(await deliverBatch(db(), worker(workspaceId, { now: at(1000) }))).toBe(0);
    relay.smtp.failNext(1, 451);
    await deliverBatch(db(), worker(workspaceId, { now: at(120_000), batchSize: 1 }));
    await deliverBatch(db(), worker(workspaceId, { now: at(120_000), batchSize: 1 }));
    const statuses = [await row(workspaceId, retried), await row(workspaceId, exhausted)].map((m) => m.status).sort();
    expect(statuses).toEqual(['queued', 'sent']);
    await deliverBatch(db(), worker(workspaceId, { now: at(3_600_000), maxAttempts: 3 }));
    relay.smtp.failNext(1, 451);
    await deliverBatch(db(), worker(workspaceId, { now: at(7_200_000), maxAttempts: 3 }));
    const events = await db().selectFrom('message_events').select(['message_id', 'kind']).where('workspace_id', '=', workspaceId).execute();
    expect(events.filter((e) => e.kind === 'retry').length).toBeGreaterThanOrEqual(3);
    const final = await Promise.all(ids.map((id) => row(workspaceId, id)));
    expect(final.every((m) => m.status === 'sent' || (m.status === 'failed' && m.reason === 'attempts_exhausted'))).toBe(true);
    for (const m of final) expect(receivedFor(m.idempotency_key)).toHaveLength(m.status === 'sent' ? 1 : 0);
  });

  it('does not retry an address the server refuses for good', async () => {
    const { workspaceId, ids } = await setup();
    relay.smtp.failNext(1, 550);
    await deliverBatch(db(), worker(workspaceId));
    expect(await row(workspaceId, ids[0] as string)).toMatchObject({ status: 'failed', reason: 'rejected', attempts: 1 });
    expect(await deliverBatch(db(), worker(workspaceId, { now: at(86_400_000) }))).toBe(0);
  });

  it('sends each message once when several workers claim at the same time', async () => {
    const { workspaceId, ids } = await setup('service', 40);
    const run = async (workerId: string) => {
      let total = 0;
      for (;;) {
        const claimed = await deliverBatch(db(), worker(workspaceId, { workerId, batchSize: 3 }));
        if (claimed === 0) return total;
        total += claimed;
      }
    };
    const counts = await Promise.all(['a', 'b', 'c', 'd'].map(run));
    expect(counts.reduce((a, b) => a + b, 0)).toBe(40);
    const rows = await Promise.all(ids.map((id) => row(workspaceId, id)));
    expect(rows.every((m) => m.status === 'sent' && m.attempts === 1)).toBe(true);
    for (const m of rows) expect(receivedFor(m.idempotency_key)).toHaveLength(1);
  });

  it('never resends an email whose worker died mid-send; a late success still records it', async () => {
    const { workspaceId, ids } = await setup();
    const id = ids[0] as string;
    // The relay takes the email, then the worker freezes before it can record the send.
    let thaw: () => void = () => undefined;
    const frozen: Transport = {
      channel: 'email',
      idempotent: false,
      async send(message) {
        const result = await relay.email.send(message);
        await new Promise<void>((resolve) => (thaw = resolve));
        return result;
      },
    };
    const stuck = deliverBatch(db(), worker(workspaceId, { workerId: 'frozen', transports: { email: frozen } }));
    await expect.poll(() => receivedFor(id).length).toBe(1);
    expect(await row(workspaceId, id)).toMatchObject({ status: 'sending', claimed_by: 'frozen' });

    // Before the lease ends nobody touches it; after, the sweep marks the outcome unknown.
    expect(await recoverExpiredLeases(db(), { transports: { email: relay.email }, now: at(30_000)(), workspaceId })).toEqual({
      requeued: 0,
      unknown: 0,
    });
    expect(await recoverExpiredLeases(db(), { transports: { email: relay.email }, now: at(61_000)(), workspaceId })).toEqual({
      requeued: 0,
      unknown: 1,
    });
    expect(await row(workspaceId, id)).toMatchObject({ status: 'failed', reason: 'outcome_unknown' });
    expect(await deliverBatch(db(), worker(workspaceId, { workerId: 'w2', now: at(120_000) }))).toBe(0);
    expect(receivedFor(id)).toHaveLength(1);

    thaw();
    await stuck;
    expect(await row(workspaceId, id)).toMatchObject({ status: 'sent', reason: null });
  });

  it('does not retry an email whose connection broke after the message was handed over; retries one never handed over', async () => {
    // A relay that takes the whole message and hangs up before saying "250 accepted".
    const dropper = createServer((socket) => {
      socket.write('220 dropper ESMTP\r\n');
      let data = false;
      let buffer = '';
      socket.on('data', (chunk: Buffer) => {
        buffer += chunk.toString('utf8');
        if (data) {
          if (buffer.includes('\r\n.\r\n')) socket.destroy();
          return;
        }
        const lines = buffer.split('\r\n');
        buffer = lines.pop() ?? '';
        for (const line of lines) {
          if (/^DATA/i.test(line)) {
            data = true;
            socket.write('354 go ahead\r\n');
          } else if (/^(EHLO|HELO)/i.test(line)) socket.write('250 dropper\r\n');
          else socket.write('250 OK\r\n');
        }
      });
    });
    await new Promise<void>((resolve) => dropper.listen(0, '127.0.0.1', resolve));
    const droppingEmail = createEmailTransport({
      smtpUrl: `smtp://127.0.0.1:${(dropper.address() as AddressInfo).port}`,
      from: 'a@b.example',
    });
    // A port nobody listens on: the connection is refused, nothing was sent.
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const refusedEmail = createEmailTransport({ smtpUrl: `smtp://127.0.0.1:${closedPort}`, from: 'a@b.example' });
    try {
      const lost = await setup();
      await deliverBatch(db(), worker(lost.workspaceId, { transports: { email: droppingEmail } }));
      expect(await row(lost.workspaceId, lost.ids[0] as string)).toMatchObject({
        status: 'failed',
        reason: 'outcome_unknown',
        attempts: 1,
      });
      expect(await deliverBatch(db(), worker(lost.workspaceId, { now: at(86_400_000) }))).toBe(0);

      const refused = await setup();
      await deliverBatch(db(), worker(refused.workspaceId, { transports: { email: refusedEmail } }));
      expect(await row(refused.workspaceId, refused.ids[0] as string)).toMatchObject({ status: 'queued', attempts: 1 });
    } finally {
      await new Promise<void>((resolve) => dropper.close(() => resolve()));
    }
  });
});

import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenant, useTestApp } from '../test/app.js';
import { insertMessageCustomer, insertTemplate } from '../test/messages.js';
import { createLetterTransport } from './channels/letter.js';
import { createSmsTransport } from './channels/sms.js';
import { TransportError, type OutgoingMessage, type Transport } from './channels/index.js';
import { createWebhookTransport } from './channels/webhook.js';
import { enqueueMessage } from './enqueue.js';
import { deliverBatch, recoverExpiredLeases } from './worker.js';

const ctx = useTestApp();
const db = () => ctx.database.db;

interface Hit {
  headers: IncomingHttpHeaders;
  body: string;
}
let server: Server;
let baseUrl: string;
const hits: Hit[] = [];
/** Status codes to answer with, in order; 200 when empty. */
const answers: number[] = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => {
      hits.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
      response.statusCode = answers.shift() ?? 200;
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify({ id: `prov-${hits.length}` }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const MESSAGE: OutgoingMessage = {
  id: 'msg_test1',
  workspaceId: 'ws_test',
  customerId: 'cus_test',
  purpose: 'service',
  recipient: '+447700900123',
  subject: 'Your bill',
  body: 'Hi Ada, your bill is ready.',
  idempotencyKey: 'msg_test1',
  unsubscribeUrl: null,
};

describe('channel adapters', () => {
  it('sends SMS to the configured provider with its token and an idempotency key; 5xx is retried, 4xx is not', async () => {
    const sms = createSmsTransport({ url: `${baseUrl}/sms`, token: 'sekret', from: 'DemoTel', idempotent: true });
    hits.length = 0;
    expect(await sms.send(MESSAGE)).toEqual({ providerId: 'prov-1' });
    expect(hits[0]?.headers).toMatchObject({ authorization: 'Bearer sekret', 'idempotency-key': 'msg_test1' });
    expect(JSON.parse(hits[0]?.body ?? '')).toEqual({
      to: '+447700900123',
      from: 'DemoTel',
      text: 'Hi Ada, your bill is ready.',
      reference: 'msg_test1',
    });
    answers.push(503);
    await expect(sms.send(MESSAGE)).rejects.toMatchObject({ permanent: false });
    answers.push(400);
    const refused = await sms.send(MESSAGE).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(TransportError);
    expect(refused).toMatchObject({ permanent: true });
  });

  it('signs webhooks to the Standard Webhooks spec, verifiable with the official library', async () => {
    const secret = `whsec_${Buffer.from('a-test-secret-of-32-bytes-length!').toString('base64')}`;
    const webhook = createWebhookTransport({ url: `${baseUrl}/hook`, secret });
    hits.length = 0;
    await webhook.send(MESSAGE);
    const hit = hits[0] as Hit;
    expect(hit.headers['webhook-id']).toBe('msg_test1');
    expect(hit.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/=]+$/);
    const verified = new Webhook(secret).verify(hit.body, hit.headers as Record<string, string>);
    expect(verified).toMatchObject({ type: 'message.created', data: { messageId: 'msg_test1', body: 'Hi Ada, your bill is ready.' } });
    const wrong = `whsec_${Buffer.from('another-secret-of-32-bytes-long!!').toString('base64')}`;
    expect(() => new Webhook(wrong).verify(hit.body, hit.headers as Record<string, string>)).toThrow();
  });

  it('writes letters as PDF files in the print-house folder that contain the letter', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rapport-letters-'));
    try {
      const letter = createLetterTransport({ dir, now: () => new Date('2026-03-02T10:00:00Z') });
      const result = await letter.send({ ...MESSAGE, recipient: 'Ada Lovelace\n12 Marsh Lane\nLondon N1 2AB', subject: 'Your new tariff' });
      expect(await readdir(dir)).toEqual(['msg_test1.pdf']);
      const bytes = await readFile(join(dir, result.providerId ?? ''));
      expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
      const pdf = await getDocument({ data: new Uint8Array(bytes), verbosity: 0 }).promise;
      expect(pdf.numPages).toBe(1);
      const content = await (await pdf.getPage(1)).getTextContent();
      const text = content.items.map((item) => ('str' in item ? item.str : '')).join(' ');
      for (const expected of ['Ada Lovelace', '12 Marsh Lane', '2 March 2026', 'Your new tariff', 'Hi Ada, your bill is ready.']) {
        expect(text).toContain(expected);
      }
      await pdf.destroy();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('resends a webhook whose worker died mid-send under the same webhook-id, so the receiver can drop it', async () => {
    const { workspace } = await createTenant(ctx.app);
    await insertTemplate(db(), workspace.id, 'note', 'service');
    const customer = await insertMessageCustomer(db(), workspace.id, { preferred: ['in_app'] });
    const message = await enqueueMessage(db(), workspace.id, { customerId: customer, purpose: 'service', templateKey: 'note' });
    expect(message.channel).toBe('webhook');
    const secret = `whsec_${Buffer.from('a-test-secret-of-32-bytes-length!').toString('base64')}`;
    const webhook = createWebhookTransport({ url: `${baseUrl}/hook`, secret });
    const dies: Transport = {
      ...webhook,
      async send(m) {
        await webhook.send(m);
        return new Promise(() => undefined);
      },
    };
    hits.length = 0;
    const base = { publicUrl: 'http://rapport.test', maxAttempts: 3, leaseSeconds: 60, workspaceId: workspace.id };
    void deliverBatch(db(), { ...base, workerId: 'dies', transports: { webhook: dies } });
    await expect.poll(() => hits.length).toBe(1);
    const later = new Date(Date.now() + 61_000);
    expect(await recoverExpiredLeases(db(), { transports: { webhook }, now: later, workspaceId: workspace.id })).toEqual({
      requeued: 1,
      unknown: 0,
    });
    await deliverBatch(db(), { ...base, workerId: 'w2', transports: { webhook }, now: () => later });
    expect(hits.map((h) => h.headers['webhook-id'])).toEqual([message.idempotencyKey, message.idempotencyKey]);
    const row = await db()
      .selectFrom('messages')
      .selectAll()
      .where('workspace_id', '=', workspace.id)
      .where('id', '=', message.id)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'sent', attempts: 2, claimed_by: 'w2' });
  });
});

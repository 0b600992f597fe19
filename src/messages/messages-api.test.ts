import { describe, expect, it } from 'vitest';
import { createTenant, useTestApp, type TestTenant } from '../test/app.js';
import { insertMessageCustomer } from '../test/messages.js';
import { useSmtpEmail } from '../test/smtp.js';
import type { Transport } from './channels/index.js';
import { deliverBatch } from './worker.js';

const ctx = useTestApp();
const db = () => ctx.database.db;
const relay = useSmtpEmail();

const OFFER = {
  key: 'loyal_offer',
  purpose: 'marketing',
  language: 'en',
  subject: '{{ customer.first_name }}, a thank-you from {{ workspace.name }}',
  body: 'Hi {{ customer.first_name }},\n\nYou have been with us on {{ holdings.size }} plans. {{ data.offer }}\n\nGrace',
};

async function json(tenant: TestTenant, method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) {
  const response = await tenant.api({ method, url: `/api/v1${url}`, ...(payload ? { payload } : {}) });
  return { status: response.statusCode, body: response.json() };
}

describe('messages API', () => {
  it('checks templates on save, naming the field, and previews them for a customer', async () => {
    const tenant = await createTenant(ctx.app, 'Demo Telecom');
    const broken = await json(tenant, 'POST', '/message-templates', {
      ...OFFER,
      body: 'Hi {{ custmer.first_name }}',
      subject: 'Hi {% if %}',
    });
    expect(broken.status).toBe(400);
    expect(broken.body.error.issues.map((i: { path: string }) => i.path).sort()).toEqual(['/body', '/subject']);
    expect(broken.body.error.message).toMatch(/unknown variable custmer/);
    const badFilter = await json(tenant, 'POST', '/message-templates', { ...OFFER, body: '{{ data.amount | monee }}' });
    expect(badFilter.status).toBe(400);
    expect(badFilter.body.error.issues[0]).toMatchObject({ path: '/body' });
    expect(badFilter.body.error.issues[0].message).toMatch(/monee/);

    const created = await json(tenant, 'POST', '/message-templates', OFFER);
    expect(created.status).toBe(201);
    expect((await json(tenant, 'POST', '/message-templates', OFFER)).status).toBe(409);
    const changed = await json(tenant, 'PATCH', `/message-templates/${created.body.id}`, {
      subject: 'Thank you, {{ customer.first_name }}',
    });
    expect(changed.body.subject).toBe('Thank you, {{ customer.first_name }}');

    const customer = await insertMessageCustomer(db(), tenant.workspace.id, { displayName: 'Ada Lovelace', email: 'ada@example.com' });
    const preview = await json(tenant, 'POST', '/message-templates/preview', {
      customerId: customer,
      templateKey: 'loyal_offer',
      data: { offer: 'Your next month is on us.' },
    });
    expect(preview.body).toEqual({
      language: 'en',
      subject: 'Thank you, Ada',
      body: 'Hi Ada,\n\nYou have been with us on 0 plans. Your next month is on us.\n\nGrace',
    });
    const draft = await json(tenant, 'POST', '/message-templates/preview', {
      customerId: customer,
      subject: 'Hello {{ customer.name }}',
      body: 'From {{ workspace.name }}',
    });
    expect(draft.body).toMatchObject({ subject: 'Hello Ada Lovelace', body: 'From Demo Telecom' });
    const missing = await json(tenant, 'POST', '/message-templates/preview', { customerId: customer, templateKey: 'loyal_offer' });
    expect(missing.status).toBe(400);
    expect(missing.body.error.issues[0].path).toBe('/data');

    const analyst = await tenant.signInAs('analyst');
    const forbidden = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/message-templates',
      headers: { cookie: analyst.cookie },
      payload: { ...OFFER, key: 'other' },
    });
    expect(forbidden.statusCode).toBe(403);
  });

  it('unsubscribes in one click from the email’s List-Unsubscribe URL, recorded as a consent withdrawal', async () => {
    const tenant = await createTenant(ctx.app, 'Demo Telecom');
    await json(tenant, 'POST', '/message-templates', OFFER);
    const customer = await insertMessageCustomer(db(), tenant.workspace.id, {
      email: 'grace@example.com',
      consent: [['marketing', 'email', 'granted']],
    });
    const queued = await json(tenant, 'POST', '/messages', {
      customerId: customer,
      purpose: 'marketing',
      templateKey: 'loyal_offer',
      data: { offer: 'A free upgrade.' },
    });
    expect(queued).toMatchObject({ status: 201, body: { status: 'queued', channel: 'email' } });
    await deliverBatch(db(), {
      workerId: 'api-test',
      transports: { email: relay.email },
      publicUrl: 'http://rapport.test',
      maxAttempts: 3,
      leaseSeconds: 60,
      workspaceId: tenant.workspace.id,
    });

    const mail = relay.smtp.received.find((m) => m.to.includes('grace@example.com'));
    const link = /^<(.+)>$/.exec(mail?.headers.get('list-unsubscribe') ?? '')?.[1] ?? '';
    expect(link).toMatch(/^http:\/\/rapport\.test\/u\//);
    const path = new URL(link).pathname;
    const page = await ctx.app.inject({ method: 'GET', url: path });
    expect(page.body).toContain('<button>Unsubscribe</button>');
    const oneClick = await ctx.app.inject({
      method: 'POST',
      url: path,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'List-Unsubscribe=One-Click',
    });
    expect(oneClick.statusCode).toBe(200);
    expect(oneClick.json()).toEqual({ unsubscribed: true, purpose: 'marketing', channel: 'email' });
    const history = (await json(tenant, 'GET', `/customers/${customer}/consent`)).body.data;
    expect(history[0]).toMatchObject({ purpose: 'marketing', channel: 'email', status: 'withdrawn', source: 'one_click_unsubscribe' });
    expect(history).toHaveLength(2);
    // Again: nothing new is appended.
    await ctx.app.inject({
      method: 'POST',
      url: path,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'List-Unsubscribe=One-Click',
    });
    expect((await json(tenant, 'GET', `/customers/${customer}/consent`)).body.data).toHaveLength(2);

    const next = await json(tenant, 'POST', '/messages', {
      customerId: customer,
      purpose: 'marketing',
      templateKey: 'loyal_offer',
      data: { offer: 'x' },
    });
    expect(next.body).toMatchObject({ status: 'suppressed', reason: 'no_marketing_consent' });
    const guessed = await ctx.app.inject({ method: 'POST', url: `/u/${tenant.workspace.id}.${'A'.repeat(32)}` });
    expect(guessed.statusCode).toBe(404);
  });

  it('records receipts and replies on the message and the customer’s timeline', async () => {
    const tenant = await createTenant(ctx.app, 'Demo Telecom');
    await json(tenant, 'POST', '/message-templates', {
      ...OFFER,
      key: 'outage',
      purpose: 'service',
      body: 'Hi {{ customer.first_name }}, the outage is fixed.',
    });
    const customer = await insertMessageCustomer(db(), tenant.workspace.id, {
      phone: '+447700900456',
      preferred: ['sms'],
      consent: [['marketing', 'sms', 'granted']],
    });
    const message = (await json(tenant, 'POST', '/messages', { customerId: customer, purpose: 'service', templateKey: 'outage' })).body;
    expect(message).toMatchObject({ channel: 'sms', recipient: '+447700900456' });
    const sms: Transport = { channel: 'sms', idempotent: true, send: async () => ({ providerId: 'prov-123' }) };
    await deliverBatch(db(), {
      workerId: 'api-test',
      transports: { sms },
      publicUrl: 'http://rapport.test',
      maxAttempts: 3,
      leaseSeconds: 60,
      workspaceId: tenant.workspace.id,
    });

    // Providers call back with a write key.
    const inbound = (payload: object) =>
      ctx.app.inject({ method: 'POST', url: '/api/v1/messages/inbound', headers: { authorization: `Bearer ${tenant.writeKey}` }, payload });
    const receipt = await inbound({ providerId: 'prov-123', event: 'delivered', occurredAt: '2026-03-02T10:00:05Z' });
    expect(receipt.json()).toMatchObject({ messageId: message.id, status: 'delivered', recorded: 'delivered' });
    const reply = await inbound({ messageId: message.id, event: 'reply', from: '+447700900456', text: 'Thanks, all working now' });
    expect(reply.statusCode).toBe(200);
    expect((await inbound({ messageId: message.id, event: 'reply', text: 'STOP' })).statusCode).toBe(200);
    expect((await inbound({ event: 'reply', text: 'hello' })).statusCode).toBe(400);

    const detail = (await json(tenant, 'GET', `/messages/${message.id}`)).body;
    expect(detail).toMatchObject({ status: 'delivered', deliveredAt: '2026-03-02T10:00:05.000Z' });
    expect(detail.events.map((e: { kind: string }) => e.kind)).toEqual(['delivered', 'reply', 'reply']);

    // On the timeline: the message itself, and the receipt and replies as interactions (once each, even if a provider repeats).
    await inbound({ providerId: 'prov-123', event: 'delivered', occurredAt: '2026-03-02T10:00:05Z' });
    const timeline = (await json(tenant, 'GET', `/customers/${customer}/timeline?kinds=message,interaction`)).body.data;
    type Entry = { kind: string; action: string; data: { note?: string; outcome?: string; channel?: string } };
    expect(timeline.filter((e: Entry) => e.kind === 'message')).toMatchObject([
      { action: 'delivered', data: { channel: 'sms', purpose: 'service' } },
    ]);
    const interactions = timeline.filter((e: Entry) => e.kind === 'interaction');
    expect(interactions).toHaveLength(3);
    expect(interactions.find((e: Entry) => e.data.note === 'Thanks, all working now')).toMatchObject({
      action: 'inbound',
      data: { channel: 'sms', outcome: 'reply' },
    });
    expect(interactions.find((e: Entry) => e.action === 'outbound')).toMatchObject({ data: { outcome: 'delivered', channel: 'sms' } });
    const consent = (await json(tenant, 'GET', `/customers/${customer}/consent`)).body.data;
    expect(consent[0]).toMatchObject({ channel: 'sms', status: 'withdrawn', source: 'sms_stop_reply' });

    const outbox = (await json(tenant, 'GET', '/messages?status=delivered')).body;
    expect(outbox.data.map((m: { id: string }) => m.id)).toEqual([message.id]);
    expect((await json(tenant, 'GET', '/messages/counts')).body).toEqual({ delivered: 1 });
  });

  it('erasing a customer removes what their messages said and stops the ones still queued', async () => {
    const tenant = await createTenant(ctx.app, 'Demo Telecom');
    await json(tenant, 'POST', '/message-templates', { ...OFFER, key: 'outage', purpose: 'service', body: 'Hi {{ customer.first_name }}' });
    const customer = await insertMessageCustomer(db(), tenant.workspace.id, { email: 'erase-me@example.com' });
    const message = (await json(tenant, 'POST', '/messages', { customerId: customer, purpose: 'service', templateKey: 'outage' })).body;
    const exported = (await json(tenant, 'POST', `/customers/${customer}/export`, {})).body;
    expect(exported.data.messages[0]).toMatchObject({ id: message.id, recipient: 'erase-me@example.com' });
    expect((await json(tenant, 'POST', `/customers/${customer}/erase`, {})).status).toBe(200);
    const row = await db()
      .selectFrom('messages')
      .selectAll()
      .where('workspace_id', '=', tenant.workspace.id)
      .where('id', '=', message.id)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'suppressed', reason: 'erased', recipient: null, subject: null, body: null, payload: {} });
  });
});

import { describe, expect, it } from 'vitest';
import { createTenant, useTestApp, type TestTenant } from '../test/app.js';
import { insertMessageCustomer } from '../test/messages.js';
import { completeSampleData } from './sample-data.js';

const ctx = useTestApp();

async function json(tenant: TestTenant, method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) {
  const response = await tenant.api({ method, url: `/api/v1${url}`, ...(payload ? { payload } : {}) });
  return { status: response.statusCode, body: response.json() };
}

const INVITE = {
  key: 'survey_invite',
  purpose: 'survey',
  language: 'en',
  subject: 'How did we do, {{ customer.first_name }}?',
  body: 'It takes a minute: {{ data.link }}. {% if data.credit_minor > 0 %}{{ data.credit_minor | money: data.currency }}{% endif %}',
};

describe('sample data declared with a template', () => {
  it('is stored and returned with the template, and its preview works at once from it', async () => {
    const tenant = await createTenant(ctx.app, 'Demo Telecom');
    const created = await json(tenant, 'POST', '/message-templates', {
      ...INVITE,
      sampleData: { link: 'https://rapport.example/s/abc', credit_minor: 500, currency: 'GBP' },
    });
    expect(created.status).toBe(201);
    expect(created.body.sampleData).toEqual({ link: 'https://rapport.example/s/abc', credit_minor: 500, currency: 'GBP' });

    const customer = await insertMessageCustomer(ctx.database.db, tenant.workspace.id, { displayName: 'Ada Lovelace' });
    const preview = await json(tenant, 'POST', '/message-templates/preview', {
      customerId: customer,
      subject: created.body.subject,
      body: created.body.body,
      data: created.body.sampleData,
    });
    expect(preview).toMatchObject({ status: 200, body: { subject: 'How did we do, Ada?' } });
    expect(preview.body.body).toBe('It takes a minute: https://rapport.example/s/abc. £5.00');

    const changed = await json(tenant, 'PATCH', `/message-templates/${created.body.id}`, { sampleData: { link: 'https://x.example' } });
    expect(changed.status).toBe(200);
    expect(changed.body.sampleData.link).toBe('https://x.example');
    const listed = await json(tenant, 'GET', '/message-templates');
    expect(listed.body.data[0].sampleData.link).toBe('https://x.example');
  });

  it('gets a placeholder for each data name the text reads and does not declare', async () => {
    const tenant = await createTenant(ctx.app, 'Demo Telecom');
    const created = await json(tenant, 'POST', '/message-templates', INVITE);
    expect(created.body.sampleData).toEqual({ link: 'https://example.com/sample-link', credit_minor: 1250, currency: 'GBP' });
    const customer = await insertMessageCustomer(ctx.database.db, tenant.workspace.id, { displayName: 'Ada Lovelace' });
    const preview = await json(tenant, 'POST', '/message-templates/preview', {
      customerId: customer,
      subject: INVITE.subject,
      body: INVITE.body,
      data: created.body.sampleData,
    });
    expect(preview.status).toBe(200);

    expect(completeSampleData({ plan: 'Fibre' }, ['{{ data.plan }} {{ data.items[0].name }} until {{ data.expires_on }}'])).toEqual({
      plan: 'Fibre',
      items: [{ name: '[name]' }],
      expires_on: '31 March',
    });
    // Declared values win, even where the text reads deeper; a text that does not parse adds nothing.
    expect(completeSampleData({ offer: 'A' }, ['{{ data.offer.title }}', '{% if %}'])).toEqual({ offer: 'A' });
  });

  it('refuses sample data that is not a JSON object', async () => {
    const tenant = await createTenant(ctx.app, 'Demo Telecom');
    const refused = await json(tenant, 'POST', '/message-templates', { ...INVITE, sampleData: ['link'] });
    expect(refused.status).toBe(400);
  });
});

describe('messages name their customer', () => {
  it('carries the display name beside the id in the outbox, one message and a new one', async () => {
    const tenant = await createTenant(ctx.app, 'Demo Telecom');
    await json(tenant, 'POST', '/message-templates', {
      key: 'fixed',
      purpose: 'service',
      language: 'en',
      subject: 'Fixed',
      body: 'It works.',
    });
    const customer = await insertMessageCustomer(ctx.database.db, tenant.workspace.id, {
      displayName: 'Luc Martin',
      email: 'luc@example.com',
    });
    const queued = await json(tenant, 'POST', '/messages', { customerId: customer, purpose: 'service', templateKey: 'fixed' });
    expect(queued.body).toMatchObject({ customerId: customer, customerName: 'Luc Martin' });
    const again = await json(tenant, 'POST', '/messages', {
      customerId: customer,
      purpose: 'service',
      templateKey: 'fixed',
      idempotencyKey: 'once',
    });
    const replayed = await json(tenant, 'POST', '/messages', {
      customerId: customer,
      purpose: 'service',
      templateKey: 'fixed',
      idempotencyKey: 'once',
    });
    expect(replayed.body).toMatchObject({ id: again.body.id, customerName: 'Luc Martin' });
    const list = await json(tenant, 'GET', '/messages');
    expect(list.body.data.map((m: { customerName: string }) => m.customerName)).toEqual(['Luc Martin', 'Luc Martin']);
    expect((await json(tenant, 'GET', `/messages/${queued.body.id}`)).body.customerName).toBe('Luc Martin');
  });
});

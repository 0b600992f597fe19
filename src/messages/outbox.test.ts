import { describe, expect, it } from 'vitest';
import { AppError } from '../errors.js';
import { createTenant, useTestApp } from '../test/app.js';
import { insertCatalog, insertHolding } from '../test/fixtures.js';
import { insertMessageCustomer, insertTemplate } from '../test/messages.js';
import { enqueueMessage } from './enqueue.js';
import { createTemplate, previewTemplate } from './templates.js';
import { seedMessageTemplates } from '../seed/messages.js';

const ctx = useTestApp();
const db = () => ctx.database.db;

async function messagesOf(workspaceId: string) {
  return db().selectFrom('messages').selectAll().where('workspace_id', '=', workspaceId).orderBy('created_at').execute();
}

describe('the outbox', () => {
  it('writes a message with the business change, and nothing when that change rolls back', async () => {
    const { workspace } = await createTenant(ctx.app);
    const customer = await insertMessageCustomer(db(), workspace.id, { email: 'ada@example.com' });
    await insertTemplate(db(), workspace.id, 'credit', 'gift', 'We have credited {{ data.amount | money: "GBP" }} to your account.');

    await expect(
      db()
        .transaction()
        .execute(async (trx) => {
          await trx
            .insertInto('transactions')
            .values({
              workspace_id: workspace.id,
              id: 'txn_rolledback',
              customer_id: customer,
              kind: 'credit',
              amount_minor: 500,
              currency: 'GBP',
              occurred_at: new Date(),
            })
            .execute();
          await enqueueMessage(trx, workspace.id, { customerId: customer, purpose: 'gift', templateKey: 'credit', data: { amount: 500 } });
          throw new Error('the business change failed');
        }),
    ).rejects.toThrow('the business change failed');
    expect(await messagesOf(workspace.id)).toHaveLength(0);

    await db()
      .transaction()
      .execute(async (trx) => {
        await trx
          .insertInto('transactions')
          .values({
            workspace_id: workspace.id,
            id: 'txn_committed',
            customer_id: customer,
            kind: 'credit',
            amount_minor: 500,
            currency: 'GBP',
            occurred_at: new Date(),
          })
          .execute();
        await enqueueMessage(trx, workspace.id, { customerId: customer, purpose: 'gift', templateKey: 'credit', data: { amount: 500 } });
      });
    const [message] = await messagesOf(workspace.id);
    expect(message).toMatchObject({
      status: 'queued',
      channel: 'email',
      recipient: 'ada@example.com',
      subject: 'About your account, Ada',
      body: 'We have credited £5.00 to your account.',
    });
  });

  it('chooses the first preferred channel the purpose has consent for, and suppresses marketing without consent', async () => {
    const { workspace } = await createTenant(ctx.app);
    await insertTemplate(db(), workspace.id, 'offer', 'marketing');
    const smsFirst = await insertMessageCustomer(db(), workspace.id, {
      email: 'a@example.com',
      phone: '+447700900123',
      preferred: ['sms', 'email'],
      consent: [
        ['marketing', 'email', 'granted'],
        ['marketing', 'sms', 'withdrawn'],
      ],
    });
    const noConsent = await insertMessageCustomer(db(), workspace.id, { email: 'b@example.com', preferred: ['email'] });
    const first = await enqueueMessage(db(), workspace.id, { customerId: smsFirst, purpose: 'marketing', templateKey: 'offer' });
    expect(first).toMatchObject({ status: 'queued', channel: 'email', recipient: 'a@example.com' });
    const second = await enqueueMessage(db(), workspace.id, { customerId: noConsent, purpose: 'marketing', templateKey: 'offer' });
    expect(second).toMatchObject({ status: 'suppressed', reason: 'no_marketing_consent', channel: null });

    // Service messages go unless the customer withdrew them; SMS is preferred here.
    await insertTemplate(db(), workspace.id, 'outage', 'service');
    const service = await enqueueMessage(db(), workspace.id, { customerId: smsFirst, purpose: 'service', templateKey: 'outage' });
    expect(service).toMatchObject({ status: 'queued', channel: 'sms', recipient: '+447700900123' });
  });

  it('caps contact per customer across purposes, but never holds back service messages', async () => {
    const { workspace } = await createTenant(ctx.app);
    await insertTemplate(db(), workspace.id, 'offer', 'marketing');
    await insertTemplate(db(), workspace.id, 'survey', 'survey');
    await insertTemplate(db(), workspace.id, 'outage', 'service');
    const customer = await insertMessageCustomer(db(), workspace.id, {
      email: 'c@example.com',
      cap: [2, 7],
      consent: [
        ['marketing', 'email', 'granted'],
        ['surveys', 'email', 'granted'],
      ],
    });
    const send = (purpose: 'marketing' | 'survey' | 'service', templateKey: string) =>
      enqueueMessage(db(), workspace.id, { customerId: customer, purpose, templateKey });
    expect((await send('marketing', 'offer')).status).toBe('queued');
    expect((await send('service', 'outage')).status).toBe('queued');
    expect((await send('survey', 'survey')).status).toBe('queued');
    expect(await send('marketing', 'offer')).toMatchObject({ status: 'suppressed', reason: 'contact_cap' });
    expect((await send('service', 'outage')).status).toBe('queued');
  });

  it('waits out quiet hours on the customer’s own clock', async () => {
    const { workspace } = await createTenant(ctx.app);
    await insertTemplate(db(), workspace.id, 'outage', 'service');
    const london = await insertMessageCustomer(db(), workspace.id, { email: 'l@example.com', quietHours: [22 * 60, 7 * 60] });
    const newYork = await insertMessageCustomer(db(), workspace.id, {
      email: 'n@example.com',
      quietHours: [21 * 60, 8 * 60],
      timeZone: 'America/New_York',
    });
    const now = new Date('2026-01-15T23:30:20Z');
    const inLondon = await enqueueMessage(db(), workspace.id, { customerId: london, purpose: 'service', templateKey: 'outage' }, { now });
    expect(inLondon.nextAttemptAt).toBe('2026-01-16T07:00:00.000Z');
    // 18:30 in New York: before quiet hours, so at once.
    const inNewYork = await enqueueMessage(db(), workspace.id, { customerId: newYork, purpose: 'service', templateKey: 'outage' }, { now });
    expect(inNewYork.nextAttemptAt).toBe(now.toISOString());
    // 23:30 in New York (04:30 UTC): until 08:00 there, 13:00 UTC.
    const late = await enqueueMessage(
      db(),
      workspace.id,
      { customerId: newYork, purpose: 'service', templateKey: 'outage' },
      { now: new Date('2026-01-16T04:30:00Z') },
    );
    expect(late.nextAttemptAt).toBe('2026-01-16T13:00:00.000Z');
  });

  it('returns the first message when the same idempotency key is sent again', async () => {
    const { workspace } = await createTenant(ctx.app);
    await insertTemplate(db(), workspace.id, 'outage', 'service');
    const customer = await insertMessageCustomer(db(), workspace.id, { email: 'i@example.com' });
    const input = { customerId: customer, purpose: 'service' as const, templateKey: 'outage', idempotencyKey: 'outage-2026-01-15' };
    const first = await enqueueMessage(db(), workspace.id, input);
    const again = await enqueueMessage(db(), workspace.id, input);
    expect(again.id).toBe(first.id);
    expect(await messagesOf(workspace.id)).toHaveLength(1);
  });

  it('writes in the customer’s language, falling back to the workspace default, and names what they hold', async () => {
    const { workspace } = await createTenant(ctx.app);
    const catalog = await insertCatalog(db(), workspace.id);
    const body = '{% for h in holdings %}{{ h.product }} ({{ h.plan }}){% endfor %}';
    await createTemplate(db(), workspace.id, {
      key: 'thanks',
      purpose: 'service',
      language: 'en',
      subject: 'Thank you, {{ customer.first_name }}',
      body: `Thanks for choosing ${body}.`,
    });
    await createTemplate(db(), workspace.id, {
      key: 'thanks',
      purpose: 'service',
      language: 'cy',
      subject: 'Diolch, {{ customer.first_name }}',
      body: `Diolch am ddewis ${body}.`,
    });
    const welsh = await insertMessageCustomer(db(), workspace.id, {
      displayName: 'Megan Jones',
      email: 'm@example.com',
      language: 'cy-GB',
    });
    const french = await insertMessageCustomer(db(), workspace.id, { displayName: 'Luc Martin', email: 'l@example.com', language: 'fr' });
    await insertHolding(db(), workspace.id, { customerId: welsh, productId: catalog.sim.id, planId: catalog.sim10.id, priceMinor: 1200 });
    const cy = await enqueueMessage(db(), workspace.id, { customerId: welsh, purpose: 'service', templateKey: 'thanks' });
    expect(cy).toMatchObject({ language: 'cy', subject: 'Diolch, Megan', body: 'Diolch am ddewis SIM only (SIM 10 GB).' });
    const en = await enqueueMessage(db(), workspace.id, { customerId: french, purpose: 'service', templateKey: 'thanks' });
    expect(en).toMatchObject({ language: 'en', subject: 'Thank you, Luc', body: 'Thanks for choosing .' });
  });

  it('refuses a message whose template needs data the caller did not give, and stores nothing', async () => {
    const { workspace } = await createTenant(ctx.app);
    await insertTemplate(db(), workspace.id, 'credit', 'gift', 'We credited {{ data.amount | money }}.');
    const customer = await insertMessageCustomer(db(), workspace.id, { email: 'd@example.com' });
    const error = await enqueueMessage(db(), workspace.id, { customerId: customer, purpose: 'gift', templateKey: 'credit' }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).details.issues?.[0]).toMatchObject({ path: '/data' });
    expect((error as AppError).message).toMatch(/amount/);
    expect(await messagesOf(workspace.id)).toHaveLength(0);
  });

  it('ships demo templates that read as if a person wrote them', async () => {
    const { workspace } = await createTenant(ctx.app, 'Demo Telecom');
    const catalog = await insertCatalog(db(), workspace.id);
    expect(await seedMessageTemplates(db(), workspace.id)).toBeGreaterThan(5);
    const customer = await insertMessageCustomer(db(), workspace.id, {
      displayName: 'Megan Jones',
      email: 'm@example.com',
      language: 'en-GB',
    });
    await insertHolding(db(), workspace.id, {
      customerId: customer,
      productId: catalog.sim.id,
      planId: catalog.sim10.id,
      priceMinor: 1200,
    });
    const gift = await previewTemplate(db(), workspace.id, {
      customerId: customer,
      templateKey: 'tariff_change',
      data: { new_plan: 'SIM 5 GB', saving_minor: 400 },
    });
    expect(gift.subject).toBe('We have moved you to a cheaper plan, Megan');
    expect(gift.body).toContain('Looking at how you use SIM 10 GB, you were paying for more than you need.');
    expect(gift.body).toContain('saves you £4.00 a month');
    const thanks = await previewTemplate(db(), workspace.id, {
      customerId: customer,
      templateKey: 'loyalty_thanks',
      data: { offer: 'your next month is free.' },
    });
    expect(thanks.body).toContain('You have been with us since 2024-03-15. To say thank you, your next month is free.');
  });
});

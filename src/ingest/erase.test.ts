import { describe, expect, it } from 'vitest';
import { createTenant, useTestApp } from '../test/app.js';
import { drainIngestQueue } from './processor.js';
import { basicAuth, useAppWithoutProcessor } from './ingest.test-helpers.js';

const ctx = useTestApp();
// The processor is drained by hand here, so an event can be left pending on purpose.
const ingest = useAppWithoutProcessor(ctx);

describe('erasing a customer who came in through event ingestion', () => {
  it('strips their ids and data from accepted events, never applies a pending one, and still ignores retries', async () => {
    const tenant = await createTenant(ingest.app);
    const send = (batch: unknown[]) =>
      ingest.app.inject({ method: 'POST', url: '/v1/batch', headers: { authorization: basicAuth(tenant.writeKey) }, payload: { batch } });
    const events = async () =>
      ctx.database.db
        .selectFrom('ingest_events')
        .select(['message_id', 'user_id', 'anonymous_id', 'properties', 'traits', 'status', 'error'])
        .where('workspace_id', '=', tenant.workspace.id)
        .orderBy('message_id')
        .execute();

    await send([
      { type: 'page', anonymousId: 'anon-erase', messageId: 'e-1', name: 'Pricing', properties: { path: '/pricing' } },
      { type: 'identify', userId: 'erase-me', anonymousId: 'anon-erase', messageId: 'e-2', traits: { email: 'erase.me@example.test' } },
    ]);
    await drainIngestQueue(ctx.database.db);
    const found = await tenant.api({ method: 'GET', url: '/api/v1/customers?q=erase-me' });
    const customerId = (found.json() as { data: Array<{ id: string }> }).data[0]?.id;
    expect(customerId).toBeDefined();
    // Sent before the erasure, not yet applied when it happens.
    await send([{ type: 'track', userId: 'erase-me', messageId: 'e-3', event: 'Plan Viewed', properties: { plan: 'secret plan' } }]);

    const erased = await tenant.api({ method: 'POST', url: `/api/v1/customers/${customerId}/erase`, payload: { reason: 'Art. 17' } });
    expect(erased.statusCode, erased.body).toBe(200);

    expect(await events()).toEqual([
      { message_id: 'e-1', user_id: null, anonymous_id: null, properties: null, traits: null, status: 'done', error: null },
      { message_id: 'e-2', user_id: null, anonymous_id: null, properties: null, traits: null, status: 'done', error: null },
      {
        message_id: 'e-3',
        user_id: null,
        anonymous_id: null,
        properties: null,
        traits: null,
        status: 'failed',
        error: 'erased before it was applied',
      },
    ]);
    // The pending event did not bring the person back, and a client's retry of it stores nothing.
    await drainIngestQueue(ctx.database.db);
    const retry = await send([
      { type: 'track', userId: 'erase-me', messageId: 'e-3', event: 'Plan Viewed', properties: { plan: 'secret plan' } },
    ]);
    expect(retry.statusCode).toBe(200);
    await drainIngestQueue(ctx.database.db);
    expect(await events()).toHaveLength(3);
    const again = await tenant.api({ method: 'GET', url: '/api/v1/customers?q=erase-me' });
    expect((again.json() as { data: unknown[] }).data).toEqual([]);
  });
});

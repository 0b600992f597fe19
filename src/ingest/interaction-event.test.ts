import { describe, expect, it } from 'vitest';
import { createTenant, useTestApp } from '../test/app.js';
import { basicAuth, profileByIdentity, timelineOf } from './ingest.test-helpers.js';

const ctx = useTestApp();

describe('an Interaction Completed track event', () => {
  it('records one service interaction on the timeline, once however often it is delivered, and refuses a bad channel by reason', async () => {
    const tenant = await createTenant(ctx.app);
    const completed = {
      type: 'track',
      userId: 'caller-1',
      event: 'Interaction Completed',
      messageId: 'ic-1',
      timestamp: '2026-11-20T10:05:00.000Z',
      properties: { channel: 'web', durationSeconds: 180, outcome: 'resolved', note: 'replaced a lost SIM' },
    };
    const send = (batch: unknown[]) =>
      ctx.app.inject({ method: 'POST', url: '/v1/batch', headers: { authorization: basicAuth(tenant.writeKey) }, payload: { batch } });

    expect((await send([completed])).statusCode).toBe(200);
    const profile = await profileByIdentity(ctx.app, tenant, 'caller-1');
    // A client retry with the same messageId, and a second delivery under a new one with the same externalId.
    await send([completed, { ...completed, messageId: 'ic-1-again', properties: { ...completed.properties, externalId: 'ic-1' } }]);
    await send([{ ...completed, messageId: 'ic-bad', properties: { channel: 'carrier pigeon' } }]);
    await profileByIdentity(ctx.app, tenant, 'caller-1');

    const interactions = await timelineOf(tenant, profile.customer.id, 'interaction');
    expect(interactions).toHaveLength(1);
    expect(interactions[0]).toMatchObject({
      occurredAt: '2026-11-20T10:02:00.000Z',
      data: expect.objectContaining({ channel: 'web', outcome: 'resolved', note: 'replaced a lost SIM' }),
    });
    const bad = await ctx.database.db
      .selectFrom('ingest_events')
      .select(['status', 'error'])
      .where('workspace_id', '=', tenant.workspace.id)
      .where('message_id', '=', 'ic-bad')
      .executeTakeFirstOrThrow();
    expect(bad.status).toBe('failed');
    expect(bad.error).toMatch(/\/properties\/channel.*must be one of phone, email/);
  });
});

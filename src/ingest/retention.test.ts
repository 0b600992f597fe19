import { describe, expect, it } from 'vitest';
import { buildApp } from '../app.js';
import { loadConfig } from '../config.js';
import { createTenant, useTestApp } from '../test/app.js';
import { drainIngestQueue } from './processor.js';
import { DEDUP_RETENTION_DAYS, sweepProcessedEvents } from './retention.js';
import { basicAuth, profileByIdentity, useAppWithoutProcessor } from './ingest.test-helpers.js';

const ctx = useTestApp();
const ingest = useAppWithoutProcessor(ctx);

describe('the dedup window for message ids', () => {
  it('forgets applied events past the window, keeps pending, failed and recent ones, and a late resend never doubles the timeline', async () => {
    const tenant = await createTenant(ingest.app);
    const send = (batch: unknown[]) =>
      ingest.app.inject({ method: 'POST', url: '/v1/batch', headers: { authorization: basicAuth(tenant.writeKey) }, payload: { batch } });
    const track = (messageId: string) => ({
      type: 'track',
      userId: 'window-user',
      messageId,
      event: 'Plan Viewed',
      properties: { messageId },
    });
    expect((await send([track('old'), track('recent'), track('failing')])).statusCode).toBe(200);
    await drainIngestQueue(ctx.database.db);
    const ids = async () =>
      (
        await ctx.database.db
          .selectFrom('ingest_events')
          .select(['message_id', 'status'])
          .where('workspace_id', '=', tenant.workspace.id)
          .orderBy('message_id')
          .execute()
      ).map((row) => `${row.message_id}:${row.status}`);
    // Age two applied events past the window (one of them as failed), and leave one pending.
    const age = (messageId: string, status: 'done' | 'failed') =>
      ctx.database.db
        .updateTable('ingest_events')
        .set({ status, processed_at: new Date(Date.now() - (DEDUP_RETENTION_DAYS + 1) * 86_400_000) })
        .where('workspace_id', '=', tenant.workspace.id)
        .where('message_id', '=', messageId)
        .execute();
    await age('old', 'done');
    await age('failing', 'failed');
    await send([track('waiting')]);

    expect(await sweepProcessedEvents(ctx.database.db)).toBeGreaterThanOrEqual(1);
    expect(await ids()).toEqual(['failing:failed', 'recent:done', 'waiting:pending']);

    // The client resends the forgotten one: accepted again, but the timeline still holds it once.
    expect((await send([track('old')])).json()).toMatchObject({ accepted: 1, rejected: [] });
    const profile = await profileByIdentity(ingest.app, tenant, 'window-user');
    const names = profile.recentEvents.map((e) => e.properties.messageId).sort();
    expect(names).toEqual(['failing', 'old', 'recent', 'waiting']);
  });
});

describe('RAPPORT_INGEST_DEDUP_DAYS', () => {
  it('sets the window the server’s processor sweeps with', async () => {
    const tenant = await createTenant(ingest.app);
    const track = (messageId: string) => ({ type: 'track', userId: 'short-window', messageId, event: 'Plan Viewed' });
    await ingest.app.inject({
      method: 'POST',
      url: '/v1/batch',
      headers: { authorization: basicAuth(tenant.writeKey) },
      payload: { batch: [track('eight-days'), track('six-days')] },
    });
    await drainIngestQueue(ctx.database.db);
    for (const [messageId, days] of [
      ['eight-days', 8],
      ['six-days', 6],
    ] as const) {
      await ctx.database.db
        .updateTable('ingest_events')
        .set({ processed_at: new Date(Date.now() - days * 86_400_000) })
        .where('workspace_id', '=', tenant.workspace.id)
        .where('message_id', '=', messageId)
        .execute();
    }
    // A server with a 7-day window: its processor sweeps as it starts.
    const server = await buildApp(loadConfig({ LOG_LEVEL: 'silent', RAPPORT_INGEST_DEDUP_DAYS: '7' }), { database: ctx.database });
    try {
      await server.ready();
      const left = async () =>
        (
          await ctx.database.db.selectFrom('ingest_events').select('message_id').where('workspace_id', '=', tenant.workspace.id).execute()
        ).map((row) => row.message_id);
      for (let i = 0; i < 50 && (await left()).length > 1; i++) await new Promise((resolve) => setTimeout(resolve, 100));
      expect(await left()).toEqual(['six-days']);
    } finally {
      await server.close();
    }
    expect(() => loadConfig({ RAPPORT_INGEST_DEDUP_DAYS: '0' })).toThrow(/RAPPORT_INGEST_DEDUP_DAYS/);
  });
});

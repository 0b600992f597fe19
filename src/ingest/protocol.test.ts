import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../app.js';
import { loadConfig } from '../config.js';
import { createTenant, useTestApp } from '../test/app.js';
import { invalid } from '../errors.js';
import { drainIngestQueue } from './processor.js';
import { registerTrackHandler } from './track-handlers.js';
import { basicAuth, profileByIdentity, timelineOf } from './ingest.test-helpers.js';
import { countWorkspaceRows } from '../test/database.js';

const ctx = useTestApp();

function track(userId: string, messageId: string, extra: Record<string, unknown> = {}) {
  return {
    type: 'track',
    userId,
    event: 'Data Boost Bought',
    messageId,
    properties: { gb: 5 },
    timestamp: new Date().toISOString(),
    ...extra,
  };
}

async function countStored(workspaceId: string): Promise<number> {
  return (await countWorkspaceRows(ctx.database.db, workspaceId, ['ingest_events'])).ingest_events;
}

describe('the Segment protocol', () => {
  it('answers 401 to an unknown write key and to none, storing nothing', async () => {
    const unknown = await ctx.app.inject({
      method: 'POST',
      url: '/v1/batch',
      headers: { authorization: basicAuth('rk_write_not-a-key') },
      payload: { batch: [track('u1', 'm1')] },
    });
    expect(unknown.statusCode).toBe(401);
    expect(unknown.json().error.message).toMatch(/write key is unknown/);
    const none = await ctx.app.inject({ method: 'POST', url: '/v1/batch', payload: { batch: [track('u1', 'm1')] } });
    expect(none.statusCode).toBe(401);
  });

  it('answers a browser preflight from any origin', async () => {
    const response = await ctx.app.inject({
      method: 'OPTIONS',
      url: '/v1/t',
      headers: {
        origin: 'https://shop.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization,content-type',
      },
    });
    expect(response.statusCode).toBe(204);
    expect(response.headers['access-control-allow-origin']).toBe('https://shop.example');
    expect(response.headers['access-control-allow-headers']).toBe('authorization,content-type');
  });

  it('stores a retried message once: the retry is acknowledged, not duplicated', async () => {
    const tenant = await createTenant(ctx.app);
    const userId = 'retry-user';
    const payload = { batch: [track(userId, 'msg-1'), track(userId, 'msg-2'), track(userId, 'msg-1')] };
    for (let attempt = 0; attempt < 3; attempt++) {
      const response = await ctx.app.inject({
        method: 'POST',
        url: '/v1/batch',
        headers: { authorization: basicAuth(tenant.writeKey) },
        payload,
      });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toMatchObject({ success: true, rejected: [] });
    }
    expect(await countStored(tenant.workspace.id)).toBe(2);
    const profile = await profileByIdentity(ctx.app, tenant, userId);
    expect(await timelineOf(tenant, profile.customer.id)).toHaveLength(2);
    // Applying again (another worker, a restart) changes nothing either.
    await drainIngestQueue(ctx.database.db);
    expect(await timelineOf(tenant, profile.customer.id)).toHaveLength(2);
  });

  it('keeps the valid events of a batch and reports the others by index with the reason', async () => {
    const tenant = await createTenant(ctx.app);
    const response = await ctx.app.inject({
      method: 'POST',
      url: '/v1/batch',
      headers: { authorization: basicAuth(tenant.writeKey) },
      payload: {
        batch: [
          track('partial-user', 'ok-1'),
          { type: 'track', userId: 'partial-user', messageId: 'bad-1' },
          'not an event',
          { type: 'track', event: 'Nobody', messageId: 'bad-2' },
          { type: 'teleport', userId: 'partial-user' },
          track('partial-user', 'bad-3', { timestamp: 'yesterday-ish' }),
          track('partial-user', 'bad-4', { properties: { blob: 'x'.repeat(33 * 1024) } }),
          track('partial-user', 'bad-5', { properties: { note: 'nul \u0000 here' } }),
          track('partial-user', 'ok-2'),
        ],
      },
    });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.accepted).toBe(2);
    expect(body.rejected).toEqual([
      { index: 1, messageId: 'bad-1', reason: 'event (the name of the tracked action) is required for track' },
      { index: 2, reason: 'an event must be a JSON object' },
      { index: 3, messageId: 'bad-2', reason: 'userId or anonymousId is required' },
      { index: 4, reason: expect.stringMatching(/^type must be one of/) },
      { index: 5, messageId: 'bad-3', reason: 'timestamp is not a valid ISO 8601 time' },
      { index: 6, messageId: 'bad-4', reason: 'the event is larger than 32 KB, the limit per event' },
      { index: 7, messageId: 'bad-5', reason: 'the event contains a NUL character (\\u0000), which cannot be stored' },
    ]);
    const profile = await profileByIdentity(ctx.app, tenant, 'partial-user');
    expect(profile.recentEvents).toHaveLength(2);
  });

  it('refuses an event nested past the depth limit by its index, whether the body was scanned or parsed, and a bad batch context whole', async () => {
    const tenant = await createTenant(ctx.app);
    const headers = { authorization: basicAuth(tenant.writeKey) };
    let deep: Record<string, unknown> = { end: true };
    for (let i = 0; i < 3000; i++) deep = { d: deep };
    const batch = [
      track('deep-user', 'deep-1', { properties: deep }),
      track('deep-user', 'flat-1'),
      track('deep-user', 'deep-2', { traits: deep }),
    ];
    const reason = expect.stringMatching(/nested deeper than 16 levels/);
    // A body without any \u escape is scanned (scan.ts); one with an escape (JSON.stringify writes U+0001 as one) is read from the parsed events.
    for (const suffix of ['plain', 'escaped']) {
      const events = batch.map((e) => ({
        ...e,
        messageId: `${e.messageId}-${suffix}`,
        ...(suffix === 'escaped' ? { note: '\u0001' } : {}),
      }));
      const text = JSON.stringify({ batch: events });
      expect(text.includes('\\u'), suffix).toBe(suffix === 'escaped');
      const response = await ctx.app.inject({
        method: 'POST',
        url: '/v1/batch',
        headers: { ...headers, 'content-type': 'application/json' },
        payload: text,
      });
      expect(response.statusCode, response.body).toBe(200);
      expect(response.json(), suffix).toMatchObject({
        accepted: 1,
        rejected: [
          { index: 0, reason },
          { index: 2, reason },
        ],
      });
    }
    const single = await ctx.app.inject({
      method: 'POST',
      url: '/v1/track',
      headers,
      payload: track('deep-user', 'deep-3', { properties: deep }),
    });
    expect(single.statusCode).toBe(400);
    expect(single.json().error.message).toMatch(/nested deeper than 16 levels/);

    const context = await ctx.app.inject({
      method: 'POST',
      url: '/v1/batch',
      headers,
      payload: { batch: [track('deep-user', 'ctx-1')], context: { app: { name: 'nul\u0000' } } },
    });
    expect(context.statusCode).toBe(400);
    expect(context.json().error.issues).toEqual([{ path: '/context/app/name', message: expect.stringMatching(/NUL/) }]);
    expect(await countStored(tenant.workspace.id)).toBe(2);
  });

  it('answers 400 naming the limit past 32 KB per event and 500 KB per batch, gzip included', async () => {
    const tenant = await createTenant(ctx.app);
    const headers = { authorization: basicAuth(tenant.writeKey), 'content-type': 'application/json' };
    const bigEvent = track('limit-user', 'big', { properties: { blob: 'x'.repeat(33 * 1024) } });
    const single = await ctx.app.inject({ method: 'POST', url: '/v1/track', headers, payload: bigEvent });
    expect(single.statusCode).toBe(400);
    expect(single.json().error).toMatchObject({ code: 'validation_failed', limit: 'event' });
    expect(single.json().error.message).toMatch(/larger than 32 KB/);

    const batch = {
      batch: Array.from({ length: 20 }, (_, i) => track('limit-user', `b-${i}`, { properties: { blob: 'y'.repeat(30 * 1024) } })),
    };
    const plain = await ctx.app.inject({ method: 'POST', url: '/v1/batch', headers, payload: batch });
    expect(plain.statusCode).toBe(400);
    expect(plain.json().error).toMatchObject({ limit: 'batch' });
    expect(plain.json().error.message).toMatch(/larger than 500 KB/);
    // Compressed it is small on the wire, but the limit is on what it decompresses to.
    const compressed = gzipSync(JSON.stringify(batch));
    expect(compressed.length).toBeLessThan(50 * 1024);
    const gz = await ctx.app.inject({
      method: 'POST',
      url: '/v1/batch',
      headers: { ...headers, 'content-encoding': 'gzip' },
      payload: compressed,
    });
    expect(gz.statusCode).toBe(400);
    expect(gz.json().error.message).toMatch(/larger than 500 KB/);
    expect(await countStored(tenant.workspace.id)).toBe(0);

    const notJson = await ctx.app.inject({ method: 'POST', url: '/v1/batch', headers, payload: '{"batch": [' });
    expect(notJson.statusCode).toBe(400);
    expect(notJson.json().error.message).toMatch(/not valid JSON/);
  });

  it('corrects the client clock from sentAt and keeps the context', async () => {
    const tenant = await createTenant(ctx.app);
    // The client's clock is an hour fast: it stamped the event 10 s before it sent it.
    const clientNow = Date.now() + 3600_000;
    const response = await ctx.app.inject({
      method: 'POST',
      url: '/v1/batch',
      headers: { authorization: basicAuth(tenant.writeKey), 'user-agent': 'test-agent/1.0' },
      payload: {
        sentAt: new Date(clientNow).toISOString(),
        batch: [
          track('skew-user', 'skew-1', {
            timestamp: new Date(clientNow - 10_000).toISOString(),
            context: { library: { name: 'test', version: '1' }, page: { path: '/plans' } },
          }),
        ],
      },
    });
    expect(response.statusCode).toBe(200);
    const profile = await profileByIdentity(ctx.app, tenant, 'skew-user');
    const event = await ctx.database.db
      .selectFrom('customer_events')
      .selectAll()
      .where('workspace_id', '=', tenant.workspace.id)
      .where('customer_id', '=', profile.customer.id)
      .executeTakeFirstOrThrow();
    const age = event.received_at.getTime() - event.occurred_at.getTime();
    expect(age).toBeGreaterThanOrEqual(9_000);
    expect(age).toBeLessThanOrEqual(11_000);
    expect(event.context).toMatchObject({
      library: { name: 'test' },
      page: { path: '/plans' },
      ip: '127.0.0.1',
      userAgent: 'test-agent/1.0',
    });
    expect(event.properties).toEqual({ gb: 5 });
  });

  it('stores each event’s documents as sent, however the body is written', async () => {
    const tenant = await createTenant(ctx.app);
    const headers = { authorization: basicAuth(tenant.writeKey), 'content-type': 'application/json' };
    const at = new Date().toISOString();
    // Written by hand: spaces and newlines, the batch after a decoy `batch` key inside the
    // context, a duplicated key (the last one counts, as in JSON.parse), quotes, brackets and
    // backslashes inside strings, an empty context with a space in it, and a non-ASCII name.
    const text = `{ "context": {"batch": [1, 2]},
      "batch" : [
        { "type": "track", "userId": "raw-1", "event": "Plan Viewed", "messageId": "raw-a", "timestamp": "${at}",
          "properties": {"plan": "old"}, "properties" : { "note": "a \\"quoted\\" } ] \\\\ value", "tiers": [ {"n": 1}, [] ] },
          "context": { } },
        {"type":"identify","userId":"raw-1","messageId":"raw-b","traits":{"name":"Zoë Ärger","tags":["a","b"]},"context":{"locale":"de-DE"}},
        {"type":"track","userId":"raw-1","messageId":"raw-c"}
      ],
      "sentAt": "${at}" }`;
    const response = await ctx.app.inject({ method: 'POST', url: '/v1/batch', headers, payload: text });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({ accepted: 2, rejected: [{ index: 2, messageId: 'raw-c' }] });
    // A body with a \u escape is read the other way (every event serialised again); same result.
    const escaped = `{"batch":[{"type":"track","userId":"raw-1","event":"Caf\\u00e9 Visited","messageId":"raw-d","properties":{"place":"Caf\\u00e9"},"context":{ }}]}`;
    expect((await ctx.app.inject({ method: 'POST', url: '/v1/batch', headers, payload: escaped })).statusCode).toBe(200);
    const single = `{ "userId": "raw-1", "messageId": "raw-e", "event": "Bill Paid", "properties": { "amount" : 12.5 } }`;
    expect((await ctx.app.inject({ method: 'POST', url: '/v1/track', headers, payload: single })).statusCode).toBe(200);
    // Ids holding what array literals treat specially (quotes, backslashes, commas, braces, the word NULL).
    const oddIds = { batch: [track('raw-1', 'NULL', { event: 'Odd {one}, "quoted" \\ too' }), track('raw-1', 'raw-"g"\\,{h}')] };
    expect((await ctx.app.inject({ method: 'POST', url: '/v1/batch', headers, payload: oddIds })).json()).toMatchObject({ accepted: 2 });

    expect(await countStored(tenant.workspace.id)).toBe(6);
    const profile = await profileByIdentity(ctx.app, tenant, 'raw-1');
    expect(profile.customer.traits).toMatchObject({ name: 'Zoë Ärger', tags: ['a', 'b'] });
    const rows = await ctx.database.db
      .selectFrom('customer_events')
      .select(['message_id', 'name', 'properties', 'context'])
      .where('workspace_id', '=', tenant.workspace.id)
      .where('customer_id', '=', profile.customer.id)
      .where('type', '=', 'track')
      .execute();
    // Sorted here, by code unit: a database's collation may order punctuation differently.
    rows.sort((x, y) => ((x.message_id ?? '') < (y.message_id ?? '') ? -1 : 1));
    expect(rows.map((r) => r.message_id)).toEqual(['NULL', 'raw-"g"\\,{h}', 'raw-a', 'raw-d', 'raw-e']);
    const [odd, , a, d, e] = rows;
    expect(odd?.name).toBe('Odd {one}, "quoted" \\ too');
    expect(a?.properties).toEqual({ note: 'a "quoted" } ] \\ value', tiers: [{ n: 1 }, []] });
    expect(a?.context).toEqual({ ip: '127.0.0.1', batch: [1, 2], userAgent: 'lightMyRequest' });
    expect(d).toMatchObject({ name: 'Café Visited', properties: { place: 'Café' } });
    expect(e?.properties).toEqual({ amount: 12.5 });
  });

  it('answers one event sent alone with 400 and the reason when it is invalid', async () => {
    const tenant = await createTenant(ctx.app);
    const response = await ctx.app.inject({
      method: 'POST',
      url: '/v1/identify',
      headers: { authorization: basicAuth(tenant.writeKey) },
      payload: { traits: { name: 'No One' } },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.message).toBe('The event was not accepted: userId or anonymousId is required');
  });

  it('a later identify from the same anonymous id joins the visitor’s history to the known customer', async () => {
    const tenant = await createTenant(ctx.app);
    const send = (batch: unknown[]) =>
      ctx.app.inject({ method: 'POST', url: '/v1/batch', headers: { authorization: basicAuth(tenant.writeKey) }, payload: { batch } });
    await send([
      { type: 'page', anonymousId: 'anon-77', name: 'Broadband deals', messageId: 'p1' },
      { type: 'track', anonymousId: 'anon-77', event: 'Checkout Started', messageId: 't1' },
    ]);
    await send([
      {
        type: 'identify',
        userId: 'known-77',
        traits: { email: 'known77@example.com', firstName: 'Mary', lastName: 'Jackson' },
        messageId: 'i1',
      },
    ]);
    await drainIngestQueue(ctx.database.db);
    await send([{ type: 'identify', userId: 'known-77', anonymousId: 'anon-77', messageId: 'i2' }]);
    const profile = await profileByIdentity(ctx.app, tenant, 'known77@example.com');
    expect(profile.customer.displayName).toBe('Mary Jackson');
    expect(profile.recentEvents.map((e) => e.name).sort()).toEqual(['Broadband deals', 'Checkout Started']);
  });

  it('a repeated identify of a known customer changes nothing; a changed trait is patched and audited', async () => {
    const tenant = await createTenant(ctx.app);
    const identify = (messageId: string, traits: Record<string, unknown>) =>
      ctx.app.inject({
        method: 'POST',
        url: '/v1/identify',
        headers: { authorization: basicAuth(tenant.writeKey) },
        payload: { userId: 'repeat-user', messageId, traits },
      });
    const audit = async () =>
      (await ctx.database.db.selectFrom('audit_log').select('action').where('workspace_id', '=', tenant.workspace.id).execute()).map(
        (row) => row.action,
      );
    await identify('r1', { name: 'Ruth Teitelbaum', email: 'ruth@example.com', plan: 'sim-10gb', prefs: { sms: true } });
    const first = await profileByIdentity(ctx.app, tenant, 'ruth@example.com');
    const afterFirst = await audit();
    await identify('r2', { name: 'Ruth Teitelbaum', email: 'ruth@example.com', plan: 'sim-10gb', prefs: { sms: true } });
    await profileByIdentity(ctx.app, tenant, 'ruth@example.com');
    expect(await audit()).toEqual(afterFirst);
    await identify('r3', { email: 'ruth@example.com', plan: 'sim-50gb' });
    const changed = await profileByIdentity(ctx.app, tenant, 'ruth@example.com');
    expect(changed.customer.id).toBe(first.customer.id);
    expect(changed.customer.traits).toMatchObject({ plan: 'sim-50gb', prefs: { sms: true } });
    expect(changed.customer.displayName).toBe('Ruth Teitelbaum');
    expect((await audit()).length).toBe(afterFirst.length + 1);
  });

  it('runs registered track handlers, and marks an event whose handler refuses it as failed with the reason', async () => {
    const tenant = await createTenant(ctx.app);
    const seen: string[] = [];
    registerTrackHandler('Survey Answered', async (db, actor, customerId, event) => {
      if (typeof event.properties.score !== 'number') throw invalid('/properties/score', 'must be a number');
      seen.push(`${customerId}:${event.properties.score}`);
    });
    await ctx.app.inject({
      method: 'POST',
      url: '/v1/batch',
      headers: { authorization: basicAuth(tenant.writeKey) },
      payload: {
        batch: [
          { type: 'track', userId: 'handler-user', event: 'Survey Answered', messageId: 'h-ok', properties: { score: 9 } },
          { type: 'track', userId: 'handler-user', event: 'Survey Answered', messageId: 'h-bad', properties: { score: 'nine' } },
        ],
      },
    });
    const profile = await profileByIdentity(ctx.app, tenant, 'handler-user');
    expect(seen).toEqual([`${profile.customer.id}:9`]);
    // The refused event left nothing behind: only the good one is on the timeline.
    expect(await timelineOf(tenant, profile.customer.id)).toHaveLength(1);
    const failed = await ctx.database.db
      .selectFrom('ingest_events')
      .select(['message_id', 'status', 'error'])
      .where('workspace_id', '=', tenant.workspace.id)
      .orderBy('message_id')
      .execute();
    expect(failed).toEqual([
      { message_id: 'h-bad', status: 'failed', error: '/properties/score: must be a number' },
      { message_id: 'h-ok', status: 'done', error: null },
    ]);
  });
});

describe('rate limits', () => {
  it('answers 429 with Retry-After past the limit per write key, and other keys still pass', async () => {
    const app = await buildApp(loadConfig({ LOG_LEVEL: 'silent', RAPPORT_INGEST_RATE_LIMIT: '3', RAPPORT_INGEST_WORKER: 'false' }), {
      database: ctx.database,
    });
    try {
      const busy = await createTenant(app);
      const quiet = await createTenant(app);
      const send = (key: string, i: number) =>
        app.inject({
          method: 'POST',
          url: '/v1/batch',
          headers: { authorization: basicAuth(key) },
          payload: { batch: [track('rl', `rl-${i}`)] },
        });
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) statuses.push((await send(busy.writeKey, i)).statusCode);
      expect(statuses).toEqual([200, 200, 200, 429, 429]);
      const limited = await send(busy.writeKey, 9);
      expect(limited.headers['retry-after']).toBeDefined();
      expect(limited.json().error.code).toBe('rate_limited');
      expect((await send(quiet.writeKey, 0)).statusCode).toBe(200);
    } finally {
      await app.close();
    }
  });
});

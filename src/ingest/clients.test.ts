import { Analytics as SegmentAnalytics } from '@segment/analytics-node';
import RudderAnalytics from '@rudderstack/rudder-sdk-node';
import { jitsuAnalytics } from '@jitsu/js';
import { PostHog } from 'posthog-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenant, useTestApp, type TestTenant } from '../test/app.js';
import { profileByIdentity, timelineOf } from './ingest.test-helpers.js';

const ctx = useTestApp();
let baseUrl = '';

beforeAll(async () => {
  await ctx.app.listen({ port: 0, host: '127.0.0.1' });
  const address = ctx.app.server.address();
  if (!address || typeof address === 'string') throw new Error('no address');
  baseUrl = `http://127.0.0.1:${address.port}`;
});
afterAll(async () => ctx.app.close());

function unique(prefix: string): string {
  return `${prefix}-${Math.random().toString(36).slice(2, 10)}`;
}

describe('official analytics clients', () => {
  let tenant: TestTenant;
  beforeAll(async () => {
    tenant = await createTenant(ctx.app, 'Clients Co');
  });

  it('@segment/analytics-node: identify and track land on the customer 360', async () => {
    const analytics = new SegmentAnalytics({ writeKey: tenant.writeKey, host: baseUrl, flushAt: 20, flushInterval: 100 });
    const userId = unique('seg-user');
    analytics.identify({ userId, traits: { name: 'Ada Lovelace', email: `${userId}@example.com`, plan: 'fibre' } });
    analytics.track({ userId, event: 'Plan Upgraded', properties: { from: 'sim-10gb', to: 'sim-50gb', revenue: 20 } });
    analytics.page({ userId, name: 'Pricing', properties: { path: '/pricing' } });
    await analytics.closeAndFlush();

    const profile = await profileByIdentity(ctx.app, tenant, userId);
    expect(profile.customer.displayName).toBe('Ada Lovelace');
    expect(profile.customer.traits).toMatchObject({ plan: 'fibre' });
    expect(profile.identities).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'user_id', value: userId }),
        expect.objectContaining({ kind: 'email', value: `${userId}@example.com` }),
      ]),
    );
    const upgraded = profile.recentEvents.find((e) => e.name === 'Plan Upgraded');
    expect(upgraded).toMatchObject({ type: 'track', source: 'segment', properties: { from: 'sim-10gb', to: 'sim-50gb', revenue: 20 } });
    expect(profile.recentEvents.some((e) => e.type === 'page' && e.name === 'Pricing')).toBe(true);
    // The context (library, address) is kept with the event.
    const timeline = await timelineOf(tenant, profile.customer.id);
    expect(timeline.map((entry) => entry.action).sort()).toEqual(['page', 'track']);
    const stored = await ctx.database.db
      .selectFrom('customer_events')
      .select(['context', 'received_at', 'occurred_at'])
      .where('workspace_id', '=', tenant.workspace.id)
      .where('name', '=', 'Plan Upgraded')
      .executeTakeFirstOrThrow();
    expect(stored.context).toMatchObject({ library: { name: '@segment/analytics-node' }, ip: '127.0.0.1' });
  });

  it('@rudderstack/rudder-sdk-node: gzip batches with alias and group', async () => {
    const client = new RudderAnalytics(tenant.writeKey, { dataPlaneUrl: baseUrl, flushAt: 50, flushInterval: 100, logLevel: 'error' });
    const anonymousId = unique('anon');
    const userId = unique('rs-user');
    client.page({ anonymousId, name: 'Home', properties: { path: '/' } });
    client.track({ anonymousId, event: 'Coverage Checked', properties: { postcode: 'N1 9GU' } });
    client.identify({ userId, traits: { name: 'Grace Hopper' } });
    client.alias({ previousId: anonymousId, userId });
    client.group({ userId, groupId: unique('acct'), traits: { name: 'Hopper Household', kind: 'household' } });
    await client.flush();

    const profile = await profileByIdentity(ctx.app, tenant, userId);
    expect(profile.customer.displayName).toBe('Grace Hopper');
    // The anonymous visitor's history joined the known customer.
    expect(profile.identities.map((i) => `${i.kind}:${i.value}`)).toEqual(
      expect.arrayContaining([`user_id:${userId}`, `anonymous_id:${anonymousId}`]),
    );
    expect(profile.recentEvents.map((e) => e.name).sort()).toEqual(['Coverage Checked', 'Home']);
    expect(profile.households).toEqual([expect.objectContaining({ name: 'Hopper Household', kind: 'household', role: 'member' })]);
  });

  it('posthog-node: gzip /batch/ with $identify, $create_alias and $groupidentify', async () => {
    const posthog = new PostHog(tenant.writeKey, { host: baseUrl, flushAt: 20, flushInterval: 100 });
    const userId = unique('ph-user');
    const anonymousId = unique('ph-anon');
    posthog.capture({ distinctId: anonymousId, event: 'Tariff Compared', properties: { tariffs: 3 } });
    posthog.identify({ distinctId: userId, properties: { name: 'Katherine Johnson', email: `${userId}@example.com` } });
    posthog.alias({ distinctId: userId, alias: anonymousId });
    posthog.groupIdentify({ groupType: 'company', groupKey: 'nasa', properties: { name: 'NASA' }, distinctId: userId });
    posthog.capture({ distinctId: userId, event: 'Bill Paid', properties: { amount: 42 } });
    await posthog.shutdown();

    const profile = await profileByIdentity(ctx.app, tenant, `${userId}@example.com`);
    expect(profile.customer.displayName).toBe('Katherine Johnson');
    expect(profile.identities.map((i) => i.value)).toEqual(expect.arrayContaining([userId, anonymousId]));
    expect(profile.recentEvents.map((e) => e.name).sort()).toEqual(['Bill Paid', 'Tariff Compared']);
    expect(profile.recentEvents.every((e) => e.source === 'posthog')).toBe(true);
    expect(profile.households).toEqual([expect.objectContaining({ name: 'NASA', kind: 'business_account' })]);
  });

  it('@jitsu/js server-to-server: X-Write-Key and a JSON answer', async () => {
    const errors: string[] = [];
    const jitsu = jitsuAnalytics({
      host: baseUrl,
      // Jitsu keys are `id:secret`: the secret is the Rapport write key.
      writeKey: `rapport:${tenant.writeKey}`,
      s2s: true,
      errorPolicy: (message: string) => errors.push(message),
    });
    const userId = unique('jitsu-user');
    await jitsu.identify(userId, { name: 'Alan Turing', email: `${userId}@example.com` });
    await jitsu.track('Router Restarted', { model: 'Hub 3' });
    expect(errors).toEqual([]);

    const profile = await profileByIdentity(ctx.app, tenant, userId);
    expect(profile.customer.displayName).toBe('Alan Turing');
    expect(profile.recentEvents).toEqual([expect.objectContaining({ type: 'track', name: 'Router Restarted', source: 'jitsu' })]);
    expect(profile.recentEvents[0]?.properties).toMatchObject({ model: 'Hub 3' });
  });
});

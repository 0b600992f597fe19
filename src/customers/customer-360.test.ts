import { describe, expect, it } from 'vitest';
import { useTestApp, createTenant, type TestTenant } from '../test/app.js';
import { insertCatalog, insertHolding, insertTransaction, insertUsage } from '../test/fixtures.js';

const ctx = useTestApp();

async function createCustomer(tenant: TestTenant, displayName: string, email: string): Promise<string> {
  const response = await tenant.api({
    method: 'POST',
    url: '/api/v1/customers',
    payload: { displayName, identities: [{ kind: 'email', value: email }] },
  });
  expect(response.statusCode).toBe(201);
  return response.json().id;
}

describe('the customer 360', () => {
  it('shows a parent’s holdings across product lines, the child line they pay for, the household and usage in one call', async () => {
    const tenant = await createTenant(ctx.app);
    const ws = tenant.workspace.id;
    const db = ctx.database.db;
    const parent = await createCustomer(tenant, 'Pat Parent', 'pat@example.com');
    const child = await createCustomer(tenant, 'Kim Child', 'kim@example.com');
    const household = await tenant.api({
      method: 'POST',
      url: '/api/v1/households',
      payload: {
        name: 'The Parents',
        kind: 'family_plan',
        members: [
          { customerId: parent, role: 'payer' },
          { customerId: child, role: 'member' },
        ],
      },
    });
    expect(household.statusCode).toBe(201);
    const householdId = household.json().id;
    const catalog = await insertCatalog(db, ws);
    const parentSim = await insertHolding(db, ws, {
      customerId: parent,
      productId: catalog.sim.id,
      planId: catalog.sim10.id,
      priceMinor: 1200,
      startedAt: '2023-01-10T00:00:00Z',
    });
    await insertHolding(db, ws, { customerId: parent, productId: catalog.fibre.id, planId: catalog.fibre500.id, priceMinor: 3500 });
    await insertHolding(db, ws, {
      customerId: child,
      payerId: parent,
      householdId,
      productId: catalog.sim.id,
      planId: catalog.sim10.id,
      priceMinor: 1200,
    });
    await insertUsage(db, ws, parentSim, [
      { start: '2026-09-01', end: '2026-10-01', dataMb: 4000 },
      { start: '2026-10-01', end: '2026-11-01', dataMb: 12000 },
    ]);
    for (let i = 0; i < 12; i++) {
      await insertTransaction(db, ws, {
        customerId: parent,
        kind: 'fee',
        amountMinor: 100 + i,
        occurredAt: new Date(Date.UTC(2026, 0, 1 + i)).toISOString(),
      });
    }

    const response = await tenant.api({ method: 'GET', url: `/api/v1/customers/${parent}` });
    expect(response.statusCode).toBe(200);
    const view = response.json();
    expect(view.customer).toMatchObject({ id: parent, displayName: 'Pat Parent' });
    expect(view.identities).toEqual([expect.objectContaining({ kind: 'email', value: 'pat@example.com' })]);
    expect(view.households).toEqual([
      expect.objectContaining({
        id: householdId,
        kind: 'family_plan',
        role: 'payer',
        members: expect.arrayContaining([
          { customerId: parent, displayName: 'Pat Parent', role: 'payer' },
          { customerId: child, displayName: 'Kim Child', role: 'member' },
        ]),
      }),
    ]);
    const lines = new Set(view.holdings.map((h: { productLine: { code: string } }) => h.productLine.code));
    expect(lines).toEqual(new Set(['mobile', 'broadband']));
    const own = view.holdings.find((h: { id: string }) => h.id === parentSim);
    expect(own).toMatchObject({
      relationship: 'holder',
      plan: { code: 'sim-10gb', allowances: { dataMb: 10240 }, price: { amountMinor: 1200, currency: 'GBP' } },
      price: { amountMinor: 1200, currency: 'GBP' },
      latestUsage: { periodStart: '2026-10-01', dataMb: 12000 },
    });
    expect(own.tenureMonths).toBeGreaterThanOrEqual(40);
    const paidFor = view.holdings.find((h: { relationship: string }) => h.relationship === 'payer');
    expect(paidFor).toMatchObject({ holder: { customerId: child, displayName: 'Kim Child' }, payer: { customerId: parent }, householdId });
    expect(view.recentTransactions).toHaveLength(10);
    expect(view.recentTransactions[0].amount.amountMinor).toBe(111);
    const times = view.recentTransactions.map((t: { occurredAt: string }) => t.occurredAt);
    expect([...times].sort().reverse()).toEqual(times);

    const childView = (await tenant.api({ method: 'GET', url: `/api/v1/customers/${child}` })).json();
    expect(childView.holdings).toEqual([
      expect.objectContaining({ relationship: 'holder', payer: { customerId: parent, displayName: 'Pat Parent' } }),
    ]);
  });

  it('answers 404 for an unknown id and 400 for a malformed one', async () => {
    const tenant = await createTenant(ctx.app);
    const missing = await tenant.api({ method: 'GET', url: '/api/v1/customers/cus_0000000000000000000000000' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe('not_found');
    const malformed = await tenant.api({ method: 'GET', url: '/api/v1/customers/DROP%20TABLE' });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().error.issues[0]).toMatchObject({ in: 'params', path: '/id' });
  });
});

describe('the timeline', () => {
  it('merges every kind of entry newest first, filters by kind and pages without gaps or repeats', async () => {
    const tenant = await createTenant(ctx.app);
    const ws = tenant.workspace.id;
    const id = await createCustomer(tenant, 'Tim Line', 'tim@example.com');
    const catalog = await insertCatalog(ctx.database.db, ws);
    await insertHolding(ctx.database.db, ws, {
      customerId: id,
      productId: catalog.sim.id,
      planId: catalog.sim10.id,
      priceMinor: 1200,
      startedAt: '2026-01-05T00:00:00Z',
    });
    for (let i = 0; i < 5; i++) {
      await insertTransaction(ctx.database.db, ws, {
        customerId: id,
        kind: 'fee',
        amountMinor: 100 + i,
        occurredAt: `2026-0${i + 2}-01T00:00:00Z`,
      });
    }
    await tenant.api({
      method: 'POST',
      url: `/api/v1/customers/${id}/consent`,
      payload: { purpose: 'surveys', channel: 'email', status: 'granted', source: 'web', recordedAt: '2026-03-15T00:00:00Z' },
    });

    const all = (await tenant.api({ method: 'GET', url: `/api/v1/customers/${id}/timeline` })).json();
    expect(all.data.map((e: { kind: string }) => e.kind)).toEqual([
      'transaction',
      'transaction',
      'transaction',
      'consent',
      'transaction',
      'transaction',
      'holding',
    ]);
    const onlyConsent = (await tenant.api({ method: 'GET', url: `/api/v1/customers/${id}/timeline?kinds=consent,holding` })).json();
    expect(onlyConsent.data.map((e: { kind: string }) => e.kind)).toEqual(['consent', 'holding']);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const url: string = `/api/v1/customers/${id}/timeline?limit=3${cursor ? `&before=${encodeURIComponent(cursor)}` : ''}`;
      const pageBody: { data: Array<{ id: string }>; nextCursor: string | null } = (await tenant.api({ method: 'GET', url })).json();
      seen.push(...pageBody.data.map((e) => e.id));
      cursor = pageBody.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all.data.map((e: { id: string }) => e.id));
    // A timeline that ends exactly on a page boundary has no next page.
    const exact = (await tenant.api({ method: 'GET', url: `/api/v1/customers/${id}/timeline?limit=7` })).json();
    expect(exact.data).toHaveLength(7);
    expect(exact.nextCursor).toBeNull();

    // Entries written in one transaction share their time to the microsecond; paging keeps them all.
    const consents = ['email', 'sms', 'post', 'phone'].map((channel) => ({
      purpose: 'service',
      channel,
      status: 'granted',
      source: 'form',
    }));
    const many = (
      await tenant.api({ method: 'POST', url: '/api/v1/customers', payload: { displayName: 'Many', consent: consents } })
    ).json().id;
    const consentIds: string[] = [];
    let next: string | null = null;
    let requests = 0;
    do {
      requests += 1;
      const url: string = `/api/v1/customers/${many}/timeline?kinds=consent&limit=1${next ? `&before=${next}` : ''}`;
      const body: { data: Array<{ id: string }>; nextCursor: string | null } = (await tenant.api({ method: 'GET', url })).json();
      consentIds.push(...body.data.map((e) => e.id));
      next = body.nextCursor;
    } while (next);
    expect(new Set(consentIds).size).toBe(4);
    expect(requests).toBe(4); // the fourth page says it is the last: no empty fifth request

    const bad = await tenant.api({ method: 'GET', url: `/api/v1/customers/${id}/timeline?kinds=gossip` });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toMatch(/unknown kind gossip/);
  });
});

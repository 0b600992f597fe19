import { describe, expect, it } from 'vitest';
import { newId } from '../ids.js';
import { useTestApp, createTenant, type TestTenant } from '../test/app.js';
import { countWorkspaceRows } from '../test/database.js';

const ctx = useTestApp();

// The customers API is written alongside this one, so customers are inserted directly.
async function insertCustomer(tenant: TestTenant, name: string, mergedInto: string | null = null): Promise<string> {
  const id = newId('cus');
  await ctx.database.db
    .insertInto('customers')
    .values({ workspace_id: tenant.workspace.id, id, display_name: name, merged_into: mergedInto })
    .execute();
  return id;
}

async function post(tenant: TestTenant, url: string, payload: object): Promise<{ id: string } & Record<string, unknown>> {
  const response = await tenant.api({ method: 'POST', url: `/api/v1${url}`, payload });
  if (response.statusCode !== 201) throw new Error(`POST ${url} answered ${response.statusCode}: ${response.body}`);
  return response.json();
}

/** A mobile product with two plans, and a broadband product with one. */
async function createCatalog(tenant: TestTenant) {
  const line = await post(tenant, '/product-lines', { code: 'TELCO', name: 'Telco' });
  const sim = await post(tenant, '/products', { productLineId: line.id, code: 'SIM', name: 'SIM only', kind: 'subscription' });
  const broadband = await post(tenant, '/products', { productLineId: line.id, code: 'BB', name: 'Broadband', kind: 'subscription' });
  const plan = (code: string, productId: string, amountMinor: number) =>
    post(tenant, '/plans', { productId, code, name: code, price: { amountMinor, currency: 'GBP' }, billingPeriod: 'month' });
  return {
    sim,
    broadband,
    small: await plan('SIM-5', sim.id, 800),
    large: await plan('SIM-50', sim.id, 2000),
    fibre: await plan('FIBRE', broadband.id, 3500),
  };
}

async function countRows(workspaceId: string) {
  const counts = await countWorkspaceRows(ctx.database.db, workspaceId, ['holdings', 'audit_log', 'usage_records', 'transactions']);
  return { holdings: counts.holdings, audit: counts.audit_log, usage: counts.usage_records, transactions: counts.transactions };
}

const STARTED = '2024-01-15T09:00:00.000Z';

describe('holdings', () => {
  it('takes the plan price by default and lists what a customer holds or pays for', async () => {
    const tenant = await createTenant(ctx.app);
    const catalog = await createCatalog(tenant);
    const parent = await insertCustomer(tenant, 'Parent');
    const child = await insertCustomer(tenant, 'Child');
    const own = await post(tenant, '/holdings', {
      customerId: parent,
      productId: catalog.broadband.id,
      planId: catalog.fibre.id,
      startedAt: STARTED,
    });
    expect(own).toMatchObject({
      customerId: parent,
      planId: catalog.fibre.id,
      status: 'active',
      price: { amountMinor: 3500, currency: 'GBP' },
      startedAt: STARTED,
      endedAt: null,
    });
    const paid = await post(tenant, '/holdings', {
      customerId: child,
      payerCustomerId: parent,
      productId: catalog.sim.id,
      planId: catalog.small.id,
      startedAt: '2024-03-01T00:00:00Z',
      price: { amountMinor: 500, currency: 'gbp' },
      acquisitionChannel: 'shop',
    });
    expect(paid).toMatchObject({ payerCustomerId: parent, price: { amountMinor: 500, currency: 'GBP' }, acquisitionChannel: 'shop' });

    expect((await tenant.api({ url: `/api/v1/holdings/${own.id}` })).json()).toEqual(own);
    const parentHoldings = (await tenant.api({ url: `/api/v1/holdings?customerId=${parent}` })).json().data;
    expect(parentHoldings.map((h: { id: string }) => h.id)).toEqual([paid.id, own.id]);
    expect((await tenant.api({ url: `/api/v1/holdings?customerId=${child}` })).json().data).toEqual([paid]);
  });

  it('rejects a plan of another product, an end before the start, and unknown references, storing nothing', async () => {
    const tenant = await createTenant(ctx.app);
    const catalog = await createCatalog(tenant);
    const customer = await insertCustomer(tenant, 'Ada');
    const before = await countRows(tenant.workspace.id);
    const attempt = (changes: object) =>
      tenant.api({
        method: 'POST',
        url: '/api/v1/holdings',
        payload: { customerId: customer, productId: catalog.sim.id, startedAt: STARTED, ...changes },
      });

    const wrongPlan = await attempt({ planId: catalog.fibre.id });
    expect(wrongPlan.statusCode).toBe(400);
    expect(wrongPlan.json().error.issues).toEqual([
      { path: '/planId', message: `plan ${catalog.fibre.id} belongs to product ${catalog.broadband.id}, not to product ${catalog.sim.id}` },
    ]);
    const backwards = await attempt({ planId: catalog.small.id, endedAt: '2024-01-01T00:00:00Z' });
    expect(backwards.statusCode).toBe(400);
    expect(backwards.json().error.message).toBe(`/endedAt: must not be before startedAt (${STARTED})`);
    const noPrice = await attempt({});
    expect(noPrice.statusCode).toBe(400);
    expect(noPrice.json().error.issues[0].path).toBe('/price');
    expect((await attempt({ planId: catalog.small.id, householdId: 'hh_missing' })).statusCode).toBe(404);

    const stranger = await createTenant(ctx.app);
    const theirs = await insertCustomer(stranger, 'Not yours');
    const other = await attempt({ customerId: theirs, planId: catalog.small.id });
    expect(other.statusCode).toBe(404);
    expect(other.json().error.message).toBe(`Customer ${theirs} was not found`);
    expect(await countRows(tenant.workspace.id)).toEqual(before);
  });

  it('follows a merged customer id to the survivor', async () => {
    const tenant = await createTenant(ctx.app);
    const catalog = await createCatalog(tenant);
    const survivor = await insertCustomer(tenant, 'Survivor');
    const merged = await insertCustomer(tenant, 'Duplicate', survivor);
    const holding = await post(tenant, '/holdings', {
      customerId: merged,
      productId: catalog.sim.id,
      planId: catalog.small.id,
      startedAt: STARTED,
    });
    expect(holding.customerId).toBe(survivor);
    expect((await tenant.api({ url: `/api/v1/holdings?customerId=${merged}` })).json().data).toEqual([holding]);
  });

  it('changes plan at the new plan price, audits old and new plan, and hides holdings from other workspaces', async () => {
    const tenant = await createTenant(ctx.app);
    const catalog = await createCatalog(tenant);
    const customer = await insertCustomer(tenant, 'Grace');
    const holding = await post(tenant, '/holdings', {
      customerId: customer,
      productId: catalog.sim.id,
      planId: catalog.small.id,
      startedAt: STARTED,
    });
    const changed = await tenant.api({ method: 'PATCH', url: `/api/v1/holdings/${holding.id}`, payload: { planId: catalog.large.id } });
    expect(changed.statusCode).toBe(200);
    expect(changed.json()).toMatchObject({ planId: catalog.large.id, price: { amountMinor: 2000, currency: 'GBP' } });
    expect(changed.json().updatedAt >= String(holding.updatedAt)).toBe(true);

    const audit = (await tenant.api({ url: `/api/v1/audit-log?entityType=holding&entityId=${holding.id}` })).json().data;
    expect(audit[0]).toMatchObject({
      action: 'holding.plan_changed',
      changes: {
        planId: { from: catalog.small.id, to: catalog.large.id },
        price: { from: { amountMinor: 800, currency: 'GBP' }, to: { amountMinor: 2000, currency: 'GBP' } },
      },
    });

    const discounted = await tenant.api({
      method: 'PATCH',
      url: `/api/v1/holdings/${holding.id}`,
      payload: {
        planId: catalog.small.id,
        price: { amountMinor: 600, currency: 'GBP' },
        status: 'cancelled',
        endedAt: '2024-06-30T00:00:00Z',
      },
    });
    expect(discounted.json()).toMatchObject({
      planId: catalog.small.id,
      price: { amountMinor: 600 },
      status: 'cancelled',
      endedAt: '2024-06-30T00:00:00.000Z',
    });
    const wrongProduct = await tenant.api({
      method: 'PATCH',
      url: `/api/v1/holdings/${holding.id}`,
      payload: { planId: catalog.fibre.id },
    });
    expect(wrongProduct.statusCode).toBe(400);

    const stranger = await createTenant(ctx.app);
    expect((await stranger.api({ url: `/api/v1/holdings/${holding.id}` })).statusCode).toBe(404);
    expect(
      (await stranger.api({ method: 'PATCH', url: `/api/v1/holdings/${holding.id}`, payload: { status: 'suspended' } })).statusCode,
    ).toBe(404);
  });

  it('lets an analyst read holdings but not change them', async () => {
    const tenant = await createTenant(ctx.app);
    const catalog = await createCatalog(tenant);
    const customer = await insertCustomer(tenant, 'Linus');
    const analyst = await tenant.signInAs('analyst');
    const payload = { customerId: customer, productId: catalog.sim.id, planId: catalog.small.id, startedAt: STARTED };
    expect(
      (await ctx.app.inject({ method: 'POST', url: '/api/v1/holdings', headers: { cookie: analyst.cookie }, payload })).statusCode,
    ).toBe(403);
    expect((await ctx.app.inject({ url: `/api/v1/holdings?customerId=${customer}`, headers: { cookie: analyst.cookie } })).statusCode).toBe(
      200,
    );
  });
});

describe('usage', () => {
  const periods = [
    { periodStart: '2024-01-01', periodEnd: '2024-02-01', dataMb: 4200, minutes: 90, texts: 12 },
    { periodStart: '2024-02-01', periodEnd: '2024-03-01', dataMb: 5100, minutes: 30 },
  ];

  async function createHolding(tenant: TestTenant): Promise<string> {
    const catalog = await createCatalog(tenant);
    const customer = await insertCustomer(tenant, 'Usage');
    return (
      await post(tenant, '/holdings', { customerId: customer, productId: catalog.sim.id, planId: catalog.small.id, startedAt: STARTED })
    ).id;
  }

  it('upserts per period, changes nothing when the same body is sent again, and lists newest first', async () => {
    const tenant = await createTenant(ctx.app);
    const holding = await createHolding(tenant);
    const put = (body: object) => tenant.api({ method: 'PUT', url: `/api/v1/holdings/${holding}/usage`, payload: body });
    const first = await put({ periods });
    expect(first.statusCode).toBe(200);
    expect(first.json()).toEqual({ changed: 2, data: [{ ...periods[1], texts: 0 }, periods[0]] });
    const after = await countRows(tenant.workspace.id);
    const again = await put({ periods });
    expect(again.json().changed).toBe(0);
    expect(await countRows(tenant.workspace.id)).toEqual(after);

    const corrected = await put({
      periods: [
        { ...periods[1], dataMb: 5200 },
        { periodStart: '2024-03-01', periodEnd: '2024-04-01', dataMb: 0 },
      ],
    });
    expect(corrected.json().changed).toBe(2);
    const listed = (await tenant.api({ url: `/api/v1/holdings/${holding}/usage` })).json().data;
    expect(listed.map((p: { periodStart: string; dataMb: number }) => [p.periodStart, p.dataMb])).toEqual([
      ['2024-03-01', 0],
      ['2024-02-01', 5200],
      ['2024-01-01', 4200],
    ]);
    const window = (await tenant.api({ url: `/api/v1/holdings/${holding}/usage?from=2024-02-01&to=2024-02-28` })).json().data;
    expect(window.map((p: { periodStart: string }) => p.periodStart)).toEqual(['2024-02-01']);
  });

  it('names the row and field of each bad period and stores none of the batch', async () => {
    const tenant = await createTenant(ctx.app);
    const holding = await createHolding(tenant);
    const put = (body: object) => tenant.api({ method: 'PUT', url: `/api/v1/holdings/${holding}/usage`, payload: body });
    await put({ periods: [periods[0]] });
    const before = await countRows(tenant.workspace.id);

    const backwards = await put({
      periods: [
        periods[1],
        { periodStart: '2024-04-01', periodEnd: '2024-05-01' },
        { periodStart: '2024-05-01', periodEnd: '2024-05-01' },
        { periodStart: '2024-04-01', periodEnd: '2024-04-30' },
        { periodStart: '2023-12-15', periodEnd: '2024-01-15' },
      ],
    });
    expect(backwards.statusCode).toBe(400);
    expect(backwards.json().error.issues).toEqual([
      { path: '/periods/2/periodEnd', message: 'must be after periodStart (2024-05-01)' },
      { path: '/periods/3/periodStart', message: 'repeats /periods/1/periodStart (2024-04-01)' },
      { path: '/periods/4/periodStart', message: 'overlaps the stored period 2024-01-01 to 2024-02-01' },
    ]);
    const negative = await put({
      periods: [
        { ...periods[1], dataMb: -1 },
        { periodStart: '2024-02-30', periodEnd: '2024-03-01' },
      ],
    });
    expect(negative.statusCode).toBe(400);
    expect(negative.json().error.issues.map((issue: { path: string }) => issue.path)).toEqual([
      '/periods/0/dataMb',
      '/periods/1/periodStart',
    ]);
    expect(await countRows(tenant.workspace.id)).toEqual(before);

    const stranger = await createTenant(ctx.app);
    expect((await stranger.api({ method: 'PUT', url: `/api/v1/holdings/${holding}/usage`, payload: { periods } })).statusCode).toBe(404);
  });
});

describe('transactions', () => {
  it('records a transaction once per source and external id, and lists newest first', async () => {
    const tenant = await createTenant(ctx.app);
    const customer = await insertCustomer(tenant, 'Payer');
    const body = {
      customerId: customer,
      kind: 'payment',
      amount: { amountMinor: 1999, currency: 'gbp' },
      occurredAt: '2024-02-01T10:00:00Z',
      source: 'billing',
      externalId: 'inv-1',
    };
    const first = await tenant.api({ method: 'POST', url: '/api/v1/transactions', payload: body });
    expect(first.statusCode).toBe(201);
    expect(first.json()).toMatchObject({
      customerId: customer,
      kind: 'payment',
      amount: { amountMinor: 1999, currency: 'GBP' },
      holdingId: null,
      externalId: 'inv-1',
    });
    const after = await countRows(tenant.workspace.id);
    const replay = await tenant.api({ method: 'POST', url: '/api/v1/transactions', payload: body });
    expect(replay.statusCode).toBe(200);
    expect(replay.json()).toEqual(first.json());
    expect(await countRows(tenant.workspace.id)).toEqual(after);

    // Concurrent imports of one transaction record it once.
    const racing = await Promise.all(
      [1, 2, 3].map(() =>
        tenant.api({
          method: 'POST',
          url: '/api/v1/transactions',
          payload: { ...body, externalId: 'inv-race', occurredAt: '2024-02-02T10:00:00Z' },
        }),
      ),
    );
    expect(racing.map((response) => response.statusCode).sort()).toEqual([200, 200, 201]);
    expect(new Set(racing.map((response) => response.json().id)).size).toBe(1);

    // Another workspace may use the same external id for its own transaction.
    const stranger = await createTenant(ctx.app);
    const theirs = await insertCustomer(stranger, 'Theirs');
    expect((await stranger.api({ method: 'POST', url: '/api/v1/transactions', payload: { ...body, customerId: theirs } })).statusCode).toBe(
      201,
    );
    expect((await stranger.api({ url: `/api/v1/transactions/${first.json().id}` })).statusCode).toBe(404);

    const older = await post(tenant, '/transactions', { ...body, kind: 'fee', externalId: 'inv-0', occurredAt: '2024-01-01T10:00:00Z' });
    const listed = (await tenant.api({ url: `/api/v1/transactions?customerId=${customer}` })).json().data;
    expect(listed.map((t: { externalId: string }) => t.externalId)).toEqual(['inv-race', 'inv-1', 'inv-0']);
    expect(listed[2].id).toBe(older.id);
    // Paging one at a time visits every transaction once, ties in time included.
    for (const n of [1, 2, 3])
      await post(tenant, '/transactions', { ...body, kind: 'fee', externalId: `tie-${n}`, occurredAt: '2024-01-15T10:00:00.123456Z' });
    const all = (await tenant.api({ url: `/api/v1/transactions?customerId=${customer}` })).json().data.map((t: { id: string }) => t.id);
    const paged: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { data: Array<{ id: string }>; nextCursor: string | null } = (
        await tenant.api({ url: `/api/v1/transactions?customerId=${customer}&limit=1${cursor ? `&before=${cursor}` : ''}` })
      ).json();
      paged.push(...page.data.map((t) => t.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(all).toHaveLength(6);
    expect(paged).toEqual(all);
  });

  it('rejects an external id without its source, a bad currency and a holding of someone else, storing nothing', async () => {
    const tenant = await createTenant(ctx.app);
    const catalog = await createCatalog(tenant);
    const customer = await insertCustomer(tenant, 'Buyer');
    const someoneElse = await insertCustomer(tenant, 'Someone else');
    const holding = await post(tenant, '/holdings', {
      customerId: someoneElse,
      productId: catalog.sim.id,
      planId: catalog.small.id,
      startedAt: STARTED,
    });
    const before = await countRows(tenant.workspace.id);
    const attempt = (changes: object) =>
      tenant.api({
        method: 'POST',
        url: '/api/v1/transactions',
        payload: { customerId: customer, kind: 'charge', amount: { amountMinor: 100, currency: 'GBP' }, occurredAt: STARTED, ...changes },
      });
    expect((await attempt({ externalId: 'x-1' })).json().error.issues).toEqual([
      { path: '/source', message: 'is required with externalId: the pair identifies the transaction' },
    ]);
    expect((await attempt({ amount: { amountMinor: 100, currency: 'QQQ' } })).json().error.issues[0].path).toBe('/amount/currency');
    const wrongHolding = await attempt({ holdingId: holding.id });
    expect(wrongHolding.statusCode).toBe(400);
    expect(wrongHolding.json().error.issues[0].path).toBe('/holdingId');
    expect(await countRows(tenant.workspace.id)).toEqual(before);
  });
});

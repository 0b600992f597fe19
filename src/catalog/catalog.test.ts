import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { useTestApp, createTenant, type TestTenant } from '../test/app.js';
import { toPlan, type PlanRow } from './mappers.js';
import { countWorkspaceRows } from '../test/database.js';

const ctx = useTestApp();

const planBody = (productId: string, overrides: Record<string, unknown> = {}) => ({
  productId,
  code: 'SIM-30GB',
  name: 'SIM only 30 GB',
  price: { amountMinor: 1500, currency: 'gbp' },
  billingPeriod: 'month',
  allowances: { dataMb: 30_000, minutes: null, texts: 0 },
  overage: { perGbMinor: 300 },
  ...overrides,
});

async function createProduct(tenant: TestTenant): Promise<{ lineId: string; productId: string }> {
  const line = await tenant.api({ method: 'POST', url: '/api/v1/product-lines', payload: { code: 'MOBILE', name: 'Mobile' } });
  expect(line.statusCode).toBe(201);
  const product = await tenant.api({
    method: 'POST',
    url: '/api/v1/products',
    payload: { productLineId: line.json().id, code: 'SIM-ONLY', name: 'SIM only', kind: 'subscription' },
  });
  expect(product.statusCode).toBe(201);
  return { lineId: line.json().id, productId: product.json().id };
}

async function countRows(workspaceId: string): Promise<{ plans: number; audit: number }> {
  const counts = await countWorkspaceRows(ctx.database.db, workspaceId, ['plans', 'audit_log']);
  return { plans: counts.plans, audit: counts.audit_log };
}

describe('product lines, products and plans', () => {
  it('creates a line, a product and a plan, and reads each back', async () => {
    const tenant = await createTenant(ctx.app);
    const { lineId, productId } = await createProduct(tenant);
    const created = await tenant.api({ method: 'POST', url: '/api/v1/plans', payload: planBody(productId) });
    expect(created.statusCode).toBe(201);
    const plan = created.json();
    expect(plan).toMatchObject({
      productId,
      code: 'SIM-30GB',
      price: { amountMinor: 1500, currency: 'GBP' },
      billingPeriod: 'month',
      // null is unlimited and 0 is none: the two must not be confused on the way in.
      allowances: { dataMb: 30_000, minutes: null, texts: 0 },
      overage: { perGbMinor: 300, perMinuteMinor: 0, perTextMinor: 0 },
      onSale: true,
    });
    expect(plan.id).toMatch(/^pln_/);
    expect(new Date(plan.createdAt).toISOString()).toBe(plan.createdAt);

    expect((await tenant.api({ url: `/api/v1/plans/${plan.id}` })).json()).toEqual(plan);
    expect((await tenant.api({ url: `/api/v1/product-lines/${lineId}` })).json()).toMatchObject({
      id: lineId,
      code: 'MOBILE',
      name: 'Mobile',
    });
    expect((await tenant.api({ url: `/api/v1/products/${productId}` })).json()).toMatchObject({
      productLineId: lineId,
      kind: 'subscription',
    });
    expect((await tenant.api({ url: `/api/v1/products?productLineId=${lineId}` })).json().data).toHaveLength(1);
    expect((await tenant.api({ url: `/api/v1/plans?productLineId=${lineId}&onSale=true` })).json().data).toEqual([plan]);
    expect((await tenant.api({ url: `/api/v1/plans?productId=${productId}&onSale=false` })).json().data).toEqual([]);
  });

  it('refuses a second product line, product or plan with the same code', async () => {
    const tenant = await createTenant(ctx.app);
    const { productId, lineId } = await createProduct(tenant);
    const line = await tenant.api({ method: 'POST', url: '/api/v1/product-lines', payload: { code: 'MOBILE', name: 'Mobile again' } });
    expect(line.statusCode).toBe(409);
    expect(line.json().error.message).toBe(`A product line with code "MOBILE" already exists (${lineId})`);
    const product = await tenant.api({
      method: 'POST',
      url: '/api/v1/products',
      payload: { productLineId: lineId, code: 'SIM-ONLY', name: 'x', kind: 'account' },
    });
    expect(product.statusCode).toBe(409);
    await tenant.api({ method: 'POST', url: '/api/v1/plans', payload: planBody(productId) });
    const plan = await tenant.api({ method: 'POST', url: '/api/v1/plans', payload: planBody(productId, { name: 'Another' }) });
    expect(plan.statusCode).toBe(409);
    expect(plan.json().error.message).toMatch(/plan with code "SIM-30GB" already exists/);

    // Codes are unique per workspace, not across workspaces.
    const other = await createTenant(ctx.app);
    expect(
      (await other.api({ method: 'POST', url: '/api/v1/product-lines', payload: { code: 'MOBILE', name: 'Mobile' } })).statusCode,
    ).toBe(201);
  });

  it('rejects a currency that is not ISO 4217, naming the field, and stores nothing', async () => {
    const tenant = await createTenant(ctx.app);
    const { productId } = await createProduct(tenant);
    const before = await countRows(tenant.workspace.id);
    const response = await tenant.api({
      method: 'POST',
      url: '/api/v1/plans',
      payload: planBody(productId, { price: { amountMinor: 100, currency: 'pounds' } }),
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.issues).toEqual([{ path: '/price/currency', message: '"pounds" is not an ISO 4217 currency code' }]);
    expect(await countRows(tenant.workspace.id)).toEqual(before);

    const negative = await tenant.api({
      method: 'POST',
      url: '/api/v1/plans',
      payload: planBody(productId, { price: { amountMinor: -1, currency: 'GBP' } }),
    });
    expect(negative.statusCode).toBe(400);
    expect(negative.json().error.issues[0].path).toBe('/price/amountMinor');
  });

  it("answers 404 for another workspace's line, product and plan", async () => {
    const owner = await createTenant(ctx.app);
    const { lineId, productId } = await createProduct(owner);
    const plan = (await owner.api({ method: 'POST', url: '/api/v1/plans', payload: planBody(productId) })).json();
    const stranger = await createTenant(ctx.app);
    expect((await stranger.api({ url: `/api/v1/plans/${plan.id}` })).statusCode).toBe(404);
    expect((await stranger.api({ method: 'PATCH', url: `/api/v1/plans/${plan.id}`, payload: { onSale: false } })).statusCode).toBe(404);
    expect((await stranger.api({ url: `/api/v1/products/${productId}` })).statusCode).toBe(404);
    expect((await stranger.api({ url: `/api/v1/product-lines/${lineId}` })).statusCode).toBe(404);
    expect((await stranger.api({ method: 'POST', url: '/api/v1/plans', payload: planBody(productId, { code: 'MINE' }) })).statusCode).toBe(
      404,
    );
    expect((await stranger.api({ url: '/api/v1/plans' })).json().data).toEqual([]);
    expect((await owner.api({ url: `/api/v1/plans/${plan.id}` })).json().onSale).toBe(true);
  });

  it('lets an analyst read the catalog but not change it', async () => {
    const tenant = await createTenant(ctx.app);
    const { productId } = await createProduct(tenant);
    const analyst = await tenant.signInAs('analyst');
    const denied = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/plans',
      headers: { cookie: analyst.cookie },
      payload: planBody(productId),
    });
    expect(denied.statusCode).toBe(403);
    expect(denied.json().error.message).toBe('The analyst role cannot change the catalog');
    expect((await ctx.app.inject({ url: '/api/v1/plans', headers: { cookie: analyst.cookie } })).statusCode).toBe(200);
    const lead = await tenant.signInAs('lead');
    expect(
      (await ctx.app.inject({ method: 'POST', url: '/api/v1/plans', headers: { cookie: lead.cookie }, payload: planBody(productId) }))
        .statusCode,
    ).toBe(201);
  });

  it('reprices a plan and keeps the old price in the audit log', async () => {
    const tenant = await createTenant(ctx.app);
    const { productId } = await createProduct(tenant);
    const plan = (await tenant.api({ method: 'POST', url: '/api/v1/plans', payload: planBody(productId) })).json();
    const patched = await tenant.api({
      method: 'PATCH',
      url: `/api/v1/plans/${plan.id}`,
      payload: { price: { amountMinor: 1200, currency: 'GBP' }, onSale: false },
    });
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toMatchObject({ price: { amountMinor: 1200, currency: 'GBP' }, onSale: false, name: plan.name });
    // The same change again is no change, and is not audited twice.
    await tenant.api({ method: 'PATCH', url: `/api/v1/plans/${plan.id}`, payload: { onSale: false } });
    const audit = (await tenant.api({ url: `/api/v1/audit-log?entityType=plan&entityId=${plan.id}` })).json().data;
    expect(audit.map((entry: { action: string }) => entry.action)).toEqual(['plan.updated', 'plan.created']);
    expect(audit[0].changes).toEqual({
      price: { from: { amountMinor: 1500, currency: 'GBP' }, to: { amountMinor: 1200, currency: 'GBP' } },
      onSale: { from: true, to: false },
    });
    expect((await tenant.api({ method: 'PATCH', url: `/api/v1/plans/${plan.id}`, payload: {} })).statusCode).toBe(400);
  });
});

describe('toPlan', () => {
  it('maps a plan read back from a json aggregate, where timestamps are text', async () => {
    const tenant = await createTenant(ctx.app);
    const { productId } = await createProduct(tenant);
    const plan = (await tenant.api({ method: 'POST', url: '/api/v1/plans', payload: planBody(productId) })).json();
    const result = await sql<{
      plans: PlanRow[];
    }>`select json_agg(p) as plans from plans p where workspace_id = ${tenant.workspace.id}`.execute(ctx.database.db);
    const rows = result.rows[0]?.plans ?? [];
    expect(typeof rows[0]?.created_at).toBe('string');
    expect(rows.map(toPlan)).toEqual([plan]);
  });
});

import { describe, expect, it } from 'vitest';
import { insertCatalog, insertHolding } from '../test/fixtures.js';
import { createTenant, useTestApp, type TestTenant } from '../test/app.js';
import { rebuildServiceRollups as rebuildRollups } from '../metrics/service-rollups.js';
import { addPerson, call, createCustomer } from './service.test-helpers.js';

const ctx = useTestApp();

interface Group {
  value: string | null;
  label: string;
  interactions: number;
  complaints: number;
  oneTouchRate: number | null;
  repeatContactRate: number | null;
  complaintsPer1000Customers: number | null;
  firstResponse: { count: number; medianSeconds: number | null; p90Seconds: number | null };
  resolution: { count: number; medianSeconds: number | null };
  slaAttainment: { firstResponse: number | null };
}

async function rollupSnapshot(workspaceId: string) {
  const db = ctx.database.db;
  const counters = await db.selectFrom('service_rollups').selectAll().where('workspace_id', '=', workspaceId).execute();
  const buckets = await db
    .selectFrom('service_rollup_buckets')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('n', '!=', 0)
    .execute();
  const key = (r: { day: string; dimension: string; value: string }) => `${r.day}|${r.dimension}|${r.value}`;
  const nonZero = counters.filter((r) => Object.entries(r).some(([k, v]) => typeof v === 'number' && k !== 'day' && v !== 0));
  return {
    counters: nonZero.sort((a, b) => key(a).localeCompare(key(b))),
    buckets: buckets.map((b) => `${key(b)}|${b.metric}|${b.bucket}|${b.n}`).sort(),
  };
}

/** A quick web SIM replacement, a slow disputed bill that comes back, and an open phone case. */
async function serviceHistory(tenant: TestTenant) {
  const ws = tenant.workspace.id;
  const catalog = await insertCatalog(ctx.database.db, ws);
  const ann = await addPerson(ctx.app, tenant, 'agent');
  const care = await call<{ id: string }>(tenant, '/teams', { name: 'Care', memberIds: [ann.userId] }, 201);
  const billing = await call<{ id: string }>(tenant, '/teams', { name: 'Billing' }, 201);
  await call(tenant, '/jobs', { code: 'replace-lost-sim', name: 'Replace lost SIM' }, 201);
  await call(tenant, '/jobs', { code: 'billing-dispute', name: 'Billing dispute' }, 201);
  const sam = await createCustomer(tenant, 'Sam');
  const dee = await createCustomer(tenant, 'Dee');
  await insertHolding(ctx.database.db, ws, { customerId: sam, productId: catalog.sim.id, planId: catalog.sim10.id, priceMinor: 1200 });
  await insertHolding(ctx.database.db, ws, { customerId: dee, productId: catalog.sim.id, planId: catalog.sim10.id, priceMinor: 1200 });

  const sim = await call<{ id: string }>(
    tenant,
    '/cases',
    {
      customerId: sam,
      subject: 'Lost SIM',
      channel: 'web',
      jobId: 'replace-lost-sim',
      productLineId: 'mobile',
      teamId: care.id,
      openedAt: '2026-03-02T10:00:00Z',
    },
    201,
  );
  await call(
    tenant,
    '/interactions',
    {
      customerId: sam,
      caseId: sim.id,
      channel: 'web',
      direction: 'inbound',
      startedAt: '2026-03-02T10:00:00Z',
      endedAt: '2026-03-02T10:03:00Z',
    },
    201,
  );
  await call(tenant, `/cases/${sim.id}/resolve`, { at: '2026-03-02T10:04:00Z' }, 200);

  const bill = await call<{ id: string }>(
    tenant,
    '/cases',
    {
      customerId: dee,
      subject: 'Charged twice',
      channel: 'phone',
      jobId: 'billing-dispute',
      productLineId: 'mobile',
      teamId: care.id,
      agentId: ann.userId,
      openedAt: '2026-03-02T09:00:00Z',
      complaint: true,
      complaintCategory: 'billing',
    },
    201,
  );
  await call(
    tenant,
    '/interactions',
    { customerId: dee, caseId: bill.id, channel: 'phone', direction: 'outbound', agentId: ann.userId, startedAt: '2026-03-02T11:00:00Z' },
    201,
  );
  await call(tenant, `/cases/${bill.id}/assign`, { teamId: billing.id, agentId: null, at: '2026-03-02T12:00:00Z' }, 200);
  await call(tenant, `/cases/${bill.id}/resolve`, { at: '2026-03-04T09:00:00Z' }, 200);
  await call(
    tenant,
    '/interactions',
    { customerId: dee, caseId: bill.id, channel: 'email', direction: 'inbound', startedAt: '2026-03-05T09:00:00Z' },
    201,
  );
  await call(tenant, `/cases/${bill.id}/resolve`, { at: '2026-03-06T09:00:00Z' }, 200);

  await call(tenant, '/cases', { customerId: dee, subject: 'Roaming', channel: 'phone', openedAt: '2026-03-03T09:00:00Z' }, 201);
  return { care, billing, ann };
}

describe('service metrics', () => {
  it('reports speed, one-touch, repeat contacts and complaints per 1,000 holders by channel, team and product line', async () => {
    const tenant = await createTenant(ctx.app);
    const { billing, care } = await serviceHistory(tenant);
    const metrics = async (by: string) =>
      call<{ groups: Group[]; series: Array<{ period: string; interactions: number }> }>(
        tenant,
        `/service/metrics?from=2026-03-01&to=2026-03-31&by=${by}&interval=day`,
        undefined,
        200,
      );
    const byChannel = await metrics('channel');
    const web = byChannel.groups.find((g) => g.value === 'web');
    const phone = byChannel.groups.find((g) => g.value === 'phone');
    expect(web).toMatchObject({ interactions: 1, oneTouchRate: 1, repeatContactRate: 0, resolution: { count: 1 } });
    // Four minutes, read back from a log bucket 15% wide.
    expect(web?.resolution.medianSeconds).toBeGreaterThanOrEqual(240 / 1.15);
    expect(web?.resolution.medianSeconds).toBeLessThanOrEqual(276);
    expect(phone).toMatchObject({ complaints: 1, oneTouchRate: 0, repeatContactRate: 1, firstResponse: { count: 1 } });
    expect(phone?.firstResponse.medianSeconds).toBeGreaterThanOrEqual(7200 / 1.15);
    expect(phone?.firstResponse.medianSeconds).toBeLessThanOrEqual(7200 * 1.15);

    // A case counts under the team holding it: the transfer moved the dispute, complaint and all, to Billing.
    const byTeam = await metrics('team');
    expect(byTeam.groups.find((g) => g.value === billing.id)).toMatchObject({ label: 'Billing', resolution: { count: 1 }, complaints: 1 });
    expect(byTeam.groups.find((g) => g.value === care.id)).toMatchObject({
      label: 'Care',
      resolution: { count: 1 },
      complaints: 0,
      oneTouchRate: 1,
    });

    const byLine = await metrics('product_line');
    expect(byLine.groups.find((g) => g.label === 'Mobile')).toMatchObject({ complaints: 1, complaintsPer1000Customers: 500 });

    const all = await metrics('all');
    expect(all.series.map((s) => [s.period, s.interactions])).toEqual([
      ['2026-03-02', 2],
      ['2026-03-03', 0],
      ['2026-03-04', 0],
      ['2026-03-05', 1],
      ['2026-03-06', 0],
    ]);
  });

  it('adds whole months and ragged days alike', async () => {
    const tenant = await createTenant(ctx.app);
    await serviceHistory(tenant);
    const total = async (from: string, to: string) =>
      (await call<{ groups: Group[] }>(tenant, `/service/metrics?from=${from}&to=${to}`, undefined, 200)).groups[0]?.interactions ?? 0;
    expect(await total('2026-02-15', '2026-03-31')).toBe(3);
    expect(await total('2026-03-02', '2026-03-04')).toBe(2);
    expect(await total('2026-03-03', '2026-04-30')).toBe(1);
    expect(await total('2026-01-01', '2026-03-01')).toBe(0);
  });

  it('keeps rollups equal to a recount of the raw tables through reopenings, transfers and complaints', async () => {
    const tenant = await createTenant(ctx.app);
    await serviceHistory(tenant);
    const incremental = await rollupSnapshot(tenant.workspace.id);
    await rebuildRollups(ctx.database.db, tenant.workspace.id);
    expect(await rollupSnapshot(tenant.workspace.id)).toEqual(incremental);
    expect(incremental.counters.length).toBeGreaterThan(10);
  });

  it('rejects a period that ends before it starts', async () => {
    const tenant = await createTenant(ctx.app);
    const response = await tenant.api({ method: 'GET', url: '/api/v1/service/metrics?from=2026-03-10&to=2026-03-01' });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.issues[0].path).toBe('/to');
  });
});

import { describe, expect, it } from 'vitest';
import { createTenant, useTestApp } from '../test/app.js';
import { listGoodwillGiven } from './goodwill.js';
import { addPerson, call, createCustomer } from './service.test-helpers.js';

const ctx = useTestApp();

interface GestureBody {
  id: string;
  status: string;
  decidedById: string | null;
}

describe('goodwill', () => {
  it('grants within the monthly budget at once, and waits for a lead above it', async () => {
    const tenant = await createTenant(ctx.app);
    const agent = await addPerson(ctx.app, tenant, 'agent');
    const lead = await addPerson(ctx.app, tenant, 'lead');
    const customer = await createCustomer(tenant, 'Gil Goodwill');
    await call(tenant, '/goodwill/budgets', undefined, 200);
    const budget = await tenant.api({
      method: 'PUT',
      url: '/api/v1/goodwill/budgets',
      payload: { role: 'agent', monthlyLimit: { amountMinor: 2000, currency: 'GBP' } },
    });
    expect(budget.statusCode).toBe(200);

    const gesture = (amountMinor: number, kind = 'credit') =>
      call<GestureBody>(
        tenant,
        '/goodwill/gestures',
        { customerId: customer, kind, value: { amountMinor, currency: 'GBP' }, reason: 'Outage on 2 March' },
        201,
        agent,
      );
    expect((await gesture(1500)).status).toBe('granted');
    expect((await gesture(400, 'waived_fee')).status).toBe('granted');
    // 1,900 of 2,000 used: 500 more goes over.
    const over = await gesture(500, 'free_replacement');
    expect(over.status).toBe('pending_approval');

    const selfApproval = await tenant.api({
      method: 'POST',
      url: `/api/v1/goodwill/gestures/${over.id}/decision`,
      payload: { approve: true },
      headers: { authorization: '', cookie: agent.cookie },
    });
    expect(selfApproval.statusCode).toBe(403);
    const approved = await call<GestureBody>(tenant, `/goodwill/gestures/${over.id}/decision`, { approve: true, note: 'Fair' }, 200, lead);
    expect(approved).toMatchObject({ status: 'granted', decidedById: lead.userId });
    const twice = await tenant.api({
      method: 'POST',
      url: `/api/v1/goodwill/gestures/${over.id}/decision`,
      payload: { approve: false },
      headers: { authorization: '', cookie: lead.cookie },
    });
    expect(twice.statusCode).toBe(409);
    expect(twice.json().error.currentStatus).toBe('granted');

    const given = await listGoodwillGiven(ctx.database.db, tenant.workspace.id, { customerId: customer });
    expect(given.map((g) => g.value.amountMinor).sort()).toEqual([1500, 400, 500].sort());
    const timeline = await call<{ data: Array<{ kind: string }> }>(
      tenant,
      `/customers/${customer}/timeline?kinds=goodwill`,
      undefined,
      200,
    );
    expect(timeline.data).toHaveLength(3);
  });

  it('holds every gesture of an agent without a budget for approval, and records the reason', async () => {
    const tenant = await createTenant(ctx.app);
    const agent = await addPerson(ctx.app, tenant, 'agent');
    const customer = await createCustomer(tenant, 'Nia Nobudget');
    const held = await call<GestureBody & { reason: string }>(
      tenant,
      '/goodwill/gestures',
      { customerId: customer, kind: 'credit', value: { amountMinor: 100, currency: 'GBP' }, reason: 'Late engineer' },
      201,
      agent,
    );
    expect(held).toMatchObject({ status: 'pending_approval', reason: 'Late engineer' });
    expect(await listGoodwillGiven(ctx.database.db, tenant.workspace.id, { customerId: customer })).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import { systemActor } from '../auth/actor.js';
import { insertResponse, insertSimCatalog, insertSubscriber, insertSurvey, NOW } from '../giving/giving.test-helpers.js';
import { createTenant, useTestApp, type TestTenant } from '../test/app.js';
import { applyEarningRules, putEarningRule } from './earning.js';
import { expirePoints, pointsBalance, postEntry } from './ledger.js';
import { createReward, createTier, getAccount, redeemReward } from './rewards.js';

const ctx = useTestApp();
const db = () => ctx.database.db;

async function sumOfEntries(workspaceId: string, customerId: string): Promise<number> {
  const rows = await db()
    .selectFrom('loyalty_entries')
    .select('points')
    .where('workspace_id', '=', workspaceId)
    .where('customer_id', '=', customerId)
    .execute();
  return rows.reduce((sum, r) => sum + Number(r.points), 0);
}

async function setup(tenant: TestTenant) {
  const catalog = await insertSimCatalog(db(), tenant.workspace.id);
  const { customerId } = await insertSubscriber(db(), tenant.workspace.id, catalog, { name: 'Lea Ledger', plan: 's10' });
  return { catalog, customerId };
}

describe('points ledger', () => {
  it('keeps the balance equal to the sum of entries through a random mix, and counts a source once', async () => {
    const tenant = await createTenant(ctx.app);
    const ws = tenant.workspace.id;
    const { customerId } = await setup(tenant);
    const reward = await createReward(db(), systemActor(ws), {
      name: 'Cinema ticket',
      costPoints: 70,
      value: { amountMinor: 800, currency: 'GBP' },
    });
    let seed = 42;
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;
    let refused = 0;
    for (let i = 0; i < 60; i++) {
      const pick = random();
      const key = `mix-${i}`;
      try {
        await db()
          .transaction()
          .execute(async (trx) => {
            if (pick < 0.45)
              await postEntry(trx, ws, {
                customerId,
                kind: 'earn',
                points: 1 + Math.floor(random() * 100),
                sourceKey: key,
                occurredAt: new Date(NOW.getTime() - i * 86_400_000),
                expiresAt: new Date(NOW.getTime() + (i - 30) * 86_400_000),
              });
            else if (pick < 0.7) await redeemReward(trx, systemActor(ws), { customerId, rewardId: reward.id, idempotencyKey: key }, NOW);
            else if (pick < 0.85)
              await postEntry(trx, ws, {
                customerId,
                kind: 'adjust',
                points: Math.floor(random() * 80) - 50 || 1,
                sourceKey: key,
                reason: 'test',
              });
            else await expirePoints(trx, ws, { now: NOW, customerId });
          });
      } catch (error) {
        expect((error as { code?: string }).code).toBe('conflict');
        refused++;
      }
      // A replay of the same key changes nothing.
      if (pick < 0.45) await postEntry(db(), ws, { customerId, kind: 'earn', points: 999, sourceKey: key });
      const balance = await pointsBalance(db(), ws, customerId);
      expect(balance).toBe(await sumOfEntries(ws, customerId));
      expect(balance).toBeGreaterThanOrEqual(0);
    }
    expect(refused).toBeGreaterThan(0);
    const account = await tenant.api({ method: 'GET', url: `/api/v1/loyalty/accounts/${customerId}` });
    expect(account.json().balance).toBe(await sumOfEntries(ws, customerId));
  });

  it('never overdraws under concurrent redemptions', async () => {
    const tenant = await createTenant(ctx.app);
    const ws = tenant.workspace.id;
    const { customerId } = await setup(tenant);
    await postEntry(db(), ws, { customerId, kind: 'earn', points: 250, sourceKey: 'start' });
    const reward = await createReward(db(), systemActor(ws), {
      name: 'Coffee',
      costPoints: 100,
      value: { amountMinor: 300, currency: 'GBP' },
    });
    const attempts = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        tenant.api({
          method: 'POST',
          url: '/api/v1/loyalty/redemptions',
          payload: { customerId, rewardId: reward.id, idempotencyKey: `r${i}` },
        }),
      ),
    );
    expect(attempts.filter((r) => r.statusCode === 201)).toHaveLength(2);
    const refused = attempts.filter((r) => r.statusCode === 409);
    expect(refused).toHaveLength(6);
    expect(refused[0]?.json().error.message).toMatch(/points/);
    expect(await pointsBalance(db(), ws, customerId)).toBe(50);
    // The same key again is the same redemption, not a second one.
    const replay = await tenant.api({
      method: 'POST',
      url: '/api/v1/loyalty/redemptions',
      payload: {
        customerId,
        rewardId: reward.id,
        idempotencyKey: attempts.findIndex((r) => r.statusCode === 201) >= 0 ? `r${attempts.findIndex((r) => r.statusCode === 201)}` : 'x',
      },
    });
    expect(replay.statusCode).toBe(201);
    expect(await pointsBalance(db(), ws, customerId)).toBe(50);
  });

  it('expires unspent points of dated lots oldest first, once', async () => {
    const tenant = await createTenant(ctx.app);
    const ws = tenant.workspace.id;
    const { customerId } = await setup(tenant);
    const day = 86_400_000;
    await postEntry(db(), ws, {
      customerId,
      kind: 'earn',
      points: 100,
      sourceKey: 'old',
      occurredAt: new Date(NOW.getTime() - 800 * day),
      expiresAt: new Date(NOW.getTime() - 70 * day),
    });
    await postEntry(db(), ws, {
      customerId,
      kind: 'earn',
      points: 100,
      sourceKey: 'new',
      occurredAt: new Date(NOW.getTime() - 10 * day),
      expiresAt: new Date(NOW.getTime() + 720 * day),
    });
    // 60 spent before the old lot lapsed came out of it; 40 of it are left to expire.
    await postEntry(db(), ws, {
      customerId,
      kind: 'redeem',
      points: -60,
      sourceKey: 'spend',
      occurredAt: new Date(NOW.getTime() - 100 * day),
    });
    expect(
      await db()
        .transaction()
        .execute((trx) => expirePoints(trx, ws, { now: NOW })),
    ).toBe(1);
    expect(
      await db()
        .transaction()
        .execute((trx) => expirePoints(trx, ws, { now: NOW })),
    ).toBe(0);
    expect(await pointsBalance(db(), ws, customerId)).toBe(100);
    const expired = await db()
      .selectFrom('loyalty_entries')
      .select('points')
      .where('workspace_id', '=', ws)
      .where('kind', '=', 'expire')
      .execute();
    expect(expired.map((e) => Number(e.points))).toEqual([-40]);
  });
});

describe('earning rules and tiers', () => {
  it('earns for purchases, tenure, surveys and referrals once each, and tiers on points earned in the window', async () => {
    const tenant = await createTenant(ctx.app);
    const ws = tenant.workspace.id;
    const actor = systemActor(ws);
    const catalog = await insertSimCatalog(db(), ws);
    const { customerId } = await insertSubscriber(db(), ws, catalog, {
      name: 'Pia Points',
      plan: 's10',
      startedAt: '2023-10-01T00:00:00Z',
    });
    const friend = await insertSubscriber(db(), ws, catalog, { name: 'Fred Friend', plan: 's10', startedAt: '2026-09-01T00:00:00Z' });
    await db()
      .updateTable('customers')
      .set({ traits: JSON.stringify({ referredBy: customerId }) })
      .where('workspace_id', '=', ws)
      .where('id', '=', friend.customerId)
      .execute();
    await db()
      .insertInto('transactions')
      .values({
        workspace_id: ws,
        id: 'txn_points1',
        customer_id: customerId,
        kind: 'purchase',
        amount_minor: 44_900,
        currency: 'GBP',
        description: 'Aurora 5G',
        occurred_at: '2026-10-03T10:00:00Z',
      })
      .execute();
    const survey = await insertSurvey(db(), ws);
    await insertResponse(db(), ws, { surveyId: survey, customerId, nps: 9, answeredAt: new Date('2026-10-20T10:00:00Z') });

    const rules = [
      { kind: 'purchase', name: 'Points per pound', pointsPerUnit: 1 },
      { kind: 'tenure', name: 'Anniversary', points: 200 },
      { kind: 'survey', name: 'Thanks for answering', points: 25 },
      { kind: 'referral', name: 'Refer a friend', points: 300 },
    ] as const;
    for (const rule of rules) {
      const response = await tenant.api({ method: 'PUT', url: '/api/v1/loyalty/rules', payload: rule });
      expect(response.statusCode, response.body).toBe(200);
    }
    await putEarningRule(db(), actor, { kind: 'survey', name: 'Thanks for answering', points: 30 });
    expect((await tenant.api({ method: 'GET', url: '/api/v1/loyalty/rules' })).json().data).toHaveLength(4);

    const first = await db()
      .transaction()
      .execute((trx) => applyEarningRules(trx, ws, { now: NOW }));
    expect(
      await db()
        .transaction()
        .execute((trx) => applyEarningRules(trx, ws, { now: NOW })),
    ).toBe(0);
    const entries = await db()
      .selectFrom('loyalty_entries')
      .select(['source_key', 'points'])
      .where('workspace_id', '=', ws)
      .where('customer_id', '=', customerId)
      .orderBy('source_key')
      .execute();
    expect(entries.map((e) => [e.source_key.split(':')[0], Number(e.points)])).toEqual(
      [
        ['purchase', 449],
        ['referral', 300],
        ['survey', 30],
        ['tenure', 200],
        ['tenure', 200],
        ['tenure', 200],
      ].sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    );
    expect(first).toBe(6);

    await createTier(db(), actor, { name: 'Silver', minPoints: 500, benefits: ['Priority line'] });
    await createTier(db(), actor, { name: 'Gold', minPoints: 1000, benefits: ['Priority line', 'Free roaming week'] });
    // Spending does not lower a tier: it is earned points in the window that count.
    await postEntry(db(), ws, { customerId, kind: 'redeem', points: -1000, sourceKey: 'spend-all' });
    const account = await getAccount(db(), ws, customerId, NOW);
    // In the last 365 days: 449 + 300 + 30 + the 2026 anniversary (200); the 2024 and 2025 ones are older.
    expect(account.earnedInWindow).toBe(979);
    expect(account.balance).toBe(379);
    expect(account.tier?.name).toBe('Silver');
    expect(account.nextTier).toMatchObject({ tier: { name: 'Gold' }, pointsNeeded: 21 });
  });

  it('reports customers paying more than a new customer would today', async () => {
    const tenant = await createTenant(ctx.app);
    const ws = tenant.workspace.id;
    const catalog = await insertSimCatalog(db(), ws);
    const legacy = await insertSubscriber(db(), ws, catalog, { name: 'Leo Legacy', plan: 'legacy10' });
    const old = await insertSubscriber(db(), ws, catalog, { name: 'Olga Oldprice', plan: 's30', paid: 2000 });
    await insertSubscriber(db(), ws, catalog, { name: 'Nina New', plan: 's30' });
    const report = await tenant.api({ method: 'GET', url: '/api/v1/loyalty/penalty' });
    expect(report.statusCode, report.body).toBe(200);
    const body = report.json();
    expect(body.customers).toBe(2);
    expect(
      body.data.map((r: { customerId: string; newCustomerPlanName: string; monthlyExcess: { amountMinor: number } }) => [
        r.customerId,
        r.newCustomerPlanName,
        r.monthlyExcess.amountMinor,
      ]),
    ).toEqual([
      [legacy.customerId, 'S10', 600],
      [old.customerId, 'S30', 400],
    ]);
    expect(body.yearlyExcessTotal).toEqual([{ amountMinor: 12_000, currency: 'GBP' }]);
  });
});

import { sql, type Kysely } from 'kysely';
import { systemActor } from '../auth/actor.js';
import type { DB } from '../db/schema.js';
import type { GiftsTable } from '../giving/tables.js';
import { acceptGift, declineGift, expireGifts } from '../giving/gifts.js';
import { giveToChunk, runGivingForWorkspace } from '../giving/job.js';
import { listGivingRules } from '../giving/rules.js';
import { ensureGiftTemplates } from '../giving/templates.js';
import { applyEarningRules, putEarningRule, setLoyaltySettings } from '../loyalty/earning.js';
import { expirePoints } from '../loyalty/ledger.js';
import { createReward, createTier, redeemReward } from '../loyalty/rewards.js';
import type { Random } from './random.js';
import type { Selectable } from 'kysely';

// Demo loyalty and giving: a points programme with tiers and rewards, points earned from
// the demo's purchases, tenure and survey answers, some spent; then the giving engine run
// as it would have run four months ago and today, with the
// customers' answers to the older offers, so the ledger has months, outcomes and retention.

const DAY = 86_400_000;

const TIERS = [
  { name: 'Member', minPoints: 0, benefits: ['Points on every purchase'] },
  { name: 'Silver', minPoints: 500, benefits: ['Points on every purchase', 'Priority phone line'] },
  { name: 'Gold', minPoints: 1500, benefits: ['Priority phone line', 'A free EU roaming week each year'] },
  { name: 'Platinum', minPoints: 3000, benefits: ['A named account manager', 'Free EU roaming', 'Early upgrades'] },
];

const REWARDS = [
  { name: 'Coffee on us', costPoints: 150, value: 300, description: 'A coffee at any partner café' },
  { name: 'Cinema ticket', costPoints: 400, value: 900, description: 'One standard ticket' },
  { name: '£10 off your bill', costPoints: 800, value: 1000, description: 'Credited to your next bill' },
  { name: 'EU roaming week', costPoints: 1200, value: 1400, description: 'Seven days of roaming in the EU at no charge' },
];

async function decide(db: Kysely<DB>, workspaceId: string, random: Random, at: Date, gifts: Array<Selectable<GiftsTable>>) {
  const actor = systemActor(workspaceId, 'seed');
  for (const gift of gifts) {
    const roll = random.next();
    // Most customers take money back; a few decline; the rest let the offer lapse.
    const accept = gift.rule_kind === 'best_tariff' ? roll < 0.55 : roll < 0.7;
    const decline = !accept && roll < 0.85;
    const when = new Date(Math.min(at.getTime() + random.int(1, 12) * DAY, gift.expires_at.getTime() - DAY));
    if (accept) await acceptGift(db, actor, gift.id, undefined, when);
    else if (decline) await declineGift(db, actor, gift.id, 'Happy as I am', when);
  }
}

/** Seeds the programme and runs the giving engine over the demo; returns rows written per table. */
export async function seedLoyaltyAndGiving(
  db: Kysely<DB>,
  workspaceId: string,
  random: Random,
  now = new Date(),
): Promise<Record<string, number>> {
  const actor = systemActor(workspaceId, 'seed');
  const rewards = await db.transaction().execute(async (trx) => {
    await setLoyaltySettings(trx, actor, { tierWindowDays: 365, pointsExpiryDays: 730 });
    await putEarningRule(trx, actor, { kind: 'purchase', name: 'A point for every pound spent', pointsPerUnit: 1 });
    await putEarningRule(trx, actor, { kind: 'tenure', name: 'Anniversary bonus', points: 250 });
    await putEarningRule(trx, actor, { kind: 'survey', name: 'Thanks for telling us', points: 25 });
    await putEarningRule(trx, actor, { kind: 'referral', name: 'Refer a friend', points: 500 });
    for (const tier of TIERS) await createTier(trx, actor, tier);
    const created = [];
    for (const r of REWARDS)
      created.push(
        await createReward(trx, actor, {
          name: r.name,
          description: r.description,
          costPoints: r.costPoints,
          value: { amountMinor: r.value, currency: 'GBP' },
        }),
      );
    await ensureGiftTemplates(trx, workspaceId);
    await applyEarningRules(trx, workspaceId, { now });
    return created;
  });

  // Some customers spend their points, from the oldest rewards up.
  // Ordered by billing account, not by id, so the same random seed gives the same demo (ids are random).
  const balances = await sql<{ customer_id: string; balance: number }>`
    select e.customer_id, sum(e.points) as balance from loyalty_entries e
    left join customer_identities i on i.workspace_id = e.workspace_id and i.customer_id = e.customer_id and i.kind = 'external' and i.namespace = 'billing'
    where e.workspace_id = ${workspaceId}
    group by e.customer_id having sum(e.points) >= 150 order by min(i.value), e.customer_id`.execute(db);
  const redemptions: Array<{ customerId: string; rewardId: string; at: Date }> = [];
  for (const row of balances.rows) {
    if (!random.chance(0.3)) continue;
    const affordable = rewards.filter((r) => r.costPoints <= Number(row.balance));
    const reward = affordable[random.int(0, affordable.length - 1)];
    if (!reward) continue;
    const at = new Date(now.getTime() - random.int(5, 300) * DAY);
    redemptions.push({ customerId: row.customer_id, rewardId: reward.id, at });
  }
  await db.transaction().execute(async (trx) => {
    for (const r of redemptions)
      await redeemReward(trx, actor, { customerId: r.customerId, rewardId: r.rewardId, idempotencyKey: `seed:${r.customerId}` }, r.at);
    await expirePoints(trx, workspaceId, { now });
  });

  // The engine as it ran four months ago (old enough for retention), the answers to it, then today.
  // The past sweep goes over all customers at once (no chunks): the seed is the only writer.
  const rules = await listGivingRules(db, workspaceId);
  const workspace = await db.selectFrom('workspaces').select('default_currency').where('id', '=', workspaceId).executeTakeFirstOrThrow();
  const monthsAgo = 4;
  const at = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - monthsAgo, 1, 6));
  const runId = `grun_seed${monthsAgo}`;
  await db.transaction().execute(async (trx) => {
    await expireGifts(trx, workspaceId, at);
    await giveToChunk(trx, workspaceId, rules, { now: at, runId, currency: workspace.default_currency });
  });
  const gifts = (
    await sql<Selectable<GiftsTable>>`select g.* from gifts g
      left join customer_identities i on i.workspace_id = g.workspace_id and i.customer_id = g.customer_id and i.kind = 'external' and i.namespace = 'billing'
      where g.workspace_id = ${workspaceId} and g.run_id = ${runId}
      order by i.value, g.rule_kind, g.title, g.value_minor, g.id`.execute(db)
  ).rows;
  await db.transaction().execute((trx) => decide(trx, workspaceId, random, at, gifts));
  await runGivingForWorkspace(db, workspaceId, { now, workerId: 'seed' });

  // Accepted credits are transactions too, so the seed's count of them stays true.
  const credits = await sql<{
    n: number;
  }>`select count(*) as n from transactions where workspace_id = ${workspaceId} and source = 'giving'`.execute(db);
  const counts: Record<string, number> = { transactions: Number(credits.rows[0]?.n ?? 0) };
  for (const table of ['loyalty_entries', 'loyalty_redemptions', 'gifts', 'gift_events'] as const) {
    const { rows } = await sql<{ n: number }>`select count(*) as n from ${sql.table(table)} where workspace_id = ${workspaceId}`.execute(
      db,
    );
    counts[table] = Number(rows[0]?.n ?? 0);
  }
  return counts;
}

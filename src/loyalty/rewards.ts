import { sql, type Kysely } from 'kysely';
import type { Actor } from '../auth/actor.js';
import { resolveCustomer } from '../customers/lookup.js';
import { normalizeCurrency } from '../customers/normalize.js';
import type { DB } from '../db/schema.js';
import { AppError, notFound } from '../errors.js';
import { newId } from '../ids.js';
import { toIso } from '../time.js';
import { recordAudit } from '../workspaces/audit.js';
import { getLoyaltySettings } from './earning.js';
import { pointsBalance, postEntry } from './ledger.js';
import { toEntry, toReward, toTier } from './mappers.js';
import type { Account, Redemption, RedeemInput, Reward, RewardInput, Tier, TierInput } from './schemas.js';

export async function listTiers(db: Kysely<DB>, workspaceId: string): Promise<Tier[]> {
  const rows = await db.selectFrom('loyalty_tiers').selectAll().where('workspace_id', '=', workspaceId).orderBy('min_points').execute();
  return rows.map(toTier);
}

export async function createTier(db: Kysely<DB>, actor: Actor, input: TierInput): Promise<Tier> {
  const row = await db
    .insertInto('loyalty_tiers')
    .values({
      workspace_id: actor.workspaceId,
      id: newId('tier'),
      name: input.name,
      min_points: input.minPoints,
      benefits: input.benefits ?? [],
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(db, actor, { action: 'loyalty.tier_created', entityType: 'loyalty_tier', entityId: row.id, changes: { ...input } });
  return toTier(row);
}

export async function listRewards(db: Kysely<DB>, workspaceId: string): Promise<Reward[]> {
  const rows = await db.selectFrom('loyalty_rewards').selectAll().where('workspace_id', '=', workspaceId).orderBy('cost_points').execute();
  return rows.map(toReward);
}

export async function createReward(db: Kysely<DB>, actor: Actor, input: RewardInput): Promise<Reward> {
  const row = await db
    .insertInto('loyalty_rewards')
    .values({
      workspace_id: actor.workspaceId,
      id: newId('rwd'),
      name: input.name,
      description: input.description ?? null,
      cost_points: input.costPoints,
      value_minor: input.value.amountMinor,
      currency: normalizeCurrency(input.value.currency, '/value/currency'),
      active: input.active ?? true,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(db, actor, { action: 'loyalty.reward_created', entityType: 'loyalty_reward', entityId: row.id, changes: { ...input } });
  return toReward(row);
}

/**
 * Spends points on a reward. The same idempotency key again returns the first redemption;
 * too few points is a conflict naming the balance. Call inside a transaction.
 */
export async function redeemReward(db: Kysely<DB>, actor: Actor, input: RedeemInput, now = new Date()): Promise<Redemption> {
  const workspaceId = actor.workspaceId;
  const customer = await resolveCustomer(db, workspaceId, input.customerId);
  const reward = await db
    .selectFrom('loyalty_rewards')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', input.rewardId)
    .executeTakeFirst();
  if (!reward) throw notFound('Reward', input.rewardId);
  if (!reward.active) throw new AppError('conflict', `Reward ${reward.name} is no longer offered`);
  const { entry, created } = await postEntry(db, workspaceId, {
    customerId: customer.id,
    kind: 'redeem',
    points: -Number(reward.cost_points),
    sourceKey: `redeem:${input.idempotencyKey}`,
    reason: reward.name,
    occurredAt: now,
  });
  let redemption = await db
    .selectFrom('loyalty_redemptions')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('entry_id', '=', entry.id)
    .executeTakeFirst();
  if (created || !redemption) {
    redemption = await db
      .insertInto('loyalty_redemptions')
      .values({
        workspace_id: workspaceId,
        id: newId('rdm'),
        customer_id: customer.id,
        reward_id: reward.id,
        points: Number(reward.cost_points),
        entry_id: entry.id,
        idempotency_key: input.idempotencyKey,
        redeemed_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(db, actor, {
      action: 'loyalty.redeemed',
      entityType: 'loyalty_redemption',
      entityId: redemption.id,
      changes: { customerId: customer.id, rewardId: reward.id, points: Number(reward.cost_points) },
    });
  }
  return {
    id: redemption.id,
    customerId: redemption.customer_id,
    rewardId: redemption.reward_id,
    points: Number(redemption.points),
    entryId: redemption.entry_id,
    redeemedAt: toIso(redemption.redeemed_at),
    balance: await pointsBalance(db, workspaceId, customer.id),
  };
}

/** Balance, tier (from points earned in the rolling window), next tier, points expiring soon and recent entries. */
export async function getAccount(db: Kysely<DB>, workspaceId: string, customerId: string, now = new Date()): Promise<Account> {
  const customer = await resolveCustomer(db, workspaceId, customerId);
  const settings = await getLoyaltySettings(db, workspaceId);
  const windowStart = new Date(now.getTime() - settings.tierWindowDays * 86_400_000);
  const soon = new Date(now.getTime() + 30 * 86_400_000);
  const { rows } = await sql<{ balance: number; earned: number; lots_by_soon: number; debits: number }>`
    select coalesce(sum(points), 0) as balance,
      coalesce(sum(points) filter (where kind = 'earn' and occurred_at > ${windowStart}), 0) as earned,
      coalesce(sum(points) filter (where kind = 'earn' and expires_at <= ${soon}), 0) as lots_by_soon,
      coalesce(-sum(points) filter (where points < 0), 0) as debits
    from loyalty_entries where workspace_id = ${workspaceId} and customer_id = ${customer.id}`.execute(db);
  const totals = rows[0] ?? { balance: 0, earned: 0, lots_by_soon: 0, debits: 0 };
  const earned = Number(totals.earned);
  const tiers = await listTiers(db, workspaceId);
  const tier = [...tiers].reverse().find((t) => t.minPoints <= earned) ?? null;
  const next = tiers.find((t) => t.minPoints > earned);
  const entries = await db
    .selectFrom('loyalty_entries')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('customer_id', '=', customer.id)
    .orderBy('occurred_at', 'desc')
    .orderBy('id', 'desc')
    .limit(20)
    .execute();
  return {
    customerId: customer.id,
    balance: Number(totals.balance),
    earnedInWindow: earned,
    windowDays: settings.tierWindowDays,
    tier,
    nextTier: next ? { tier: next, pointsNeeded: next.minPoints - earned } : null,
    expiringSoon: Math.max(0, Number(totals.lots_by_soon) - Number(totals.debits)),
    entries: entries.map(toEntry),
  };
}

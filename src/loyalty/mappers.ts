import type { Selectable } from 'kysely';
import type { LoyaltyEarningRulesTable, LoyaltyEntriesTable, LoyaltyRewardsTable, LoyaltyTiersTable } from './tables.js';
import { toIso, toIsoOrNull } from '../time.js';
import type { EarningRule, Entry, Reward, Tier } from './schemas.js';

export function toEntry(row: Selectable<LoyaltyEntriesTable>): Entry {
  return {
    id: row.id,
    customerId: row.customer_id,
    kind: row.kind,
    points: Number(row.points),
    sourceKey: row.source_key,
    ruleId: row.rule_id,
    reason: row.reason,
    occurredAt: toIso(row.occurred_at),
    expiresAt: toIsoOrNull(row.expires_at),
  };
}

export function toTier(row: Selectable<LoyaltyTiersTable>): Tier {
  return { id: row.id, name: row.name, minPoints: Number(row.min_points), benefits: row.benefits };
}

export function toReward(row: Selectable<LoyaltyRewardsTable>): Reward {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    costPoints: Number(row.cost_points),
    value: { amountMinor: Number(row.value_minor), currency: row.currency },
    active: row.active,
  };
}

export function toEarningRule(row: Selectable<LoyaltyEarningRulesTable>): EarningRule {
  return {
    id: row.id,
    kind: row.kind,
    name: row.name,
    points: row.points,
    pointsPerUnit: row.points_per_unit,
    active: row.active,
    updatedAt: toIso(row.updated_at),
  };
}

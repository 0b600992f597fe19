import type { ColumnType } from 'kysely';
import type { Timestamp, CreatedAt } from '../db/columns.js';

// Row types for the tables the loyalty capability owns (see migrations/). Only this capability
// writes them; a column added to the SQL is added here in the same change.

export const LOYALTY_ENTRY_KINDS = ['earn', 'redeem', 'expire', 'adjust'] as const;
export type LoyaltyEntryKind = (typeof LOYALTY_ENTRY_KINDS)[number];

export const EARNING_RULE_KINDS = ['purchase', 'tenure', 'survey', 'referral'] as const;
export type EarningRuleKind = (typeof EARNING_RULE_KINDS)[number];

export interface LoyaltySettingsTable {
  workspace_id: string;
  tier_window_days: ColumnType<number, number | undefined, number>;
  points_expiry_days: ColumnType<number, number | undefined, number>;
  updated_at: CreatedAt;
}

export interface LoyaltyEarningRulesTable {
  workspace_id: string;
  id: string;
  kind: EarningRuleKind;
  name: string;
  points: ColumnType<number, number | undefined, number>;
  points_per_unit: ColumnType<number, number | undefined, number>;
  active: ColumnType<boolean, boolean | undefined, boolean>;
  created_at: CreatedAt;
  updated_at: CreatedAt;
}

export interface LoyaltyEntriesTable {
  workspace_id: string;
  id: string;
  customer_id: string;
  kind: LoyaltyEntryKind;
  points: ColumnType<number, number, number>;
  source_key: string;
  rule_id: string | null;
  reason: string | null;
  occurred_at: Timestamp;
  expires_at: Timestamp | null;
  created_at: CreatedAt;
}

export interface LoyaltyTiersTable {
  workspace_id: string;
  id: string;
  name: string;
  min_points: ColumnType<number, number, number>;
  benefits: ColumnType<string[], string[] | undefined, string[]>;
  created_at: CreatedAt;
}

export interface LoyaltyRewardsTable {
  workspace_id: string;
  id: string;
  name: string;
  description: string | null;
  cost_points: ColumnType<number, number, number>;
  value_minor: ColumnType<number, number | undefined, number>;
  currency: string;
  active: ColumnType<boolean, boolean | undefined, boolean>;
  created_at: CreatedAt;
}

export interface LoyaltyRedemptionsTable {
  workspace_id: string;
  id: string;
  customer_id: string;
  reward_id: string;
  points: ColumnType<number, number, number>;
  entry_id: string;
  idempotency_key: string;
  redeemed_at: Timestamp;
}

/** The loyalty capability's tables, composed into the database type in src/db/schema.ts. */
export interface LoyaltyTables {
  loyalty_settings: LoyaltySettingsTable;
  loyalty_earning_rules: LoyaltyEarningRulesTable;
  loyalty_entries: LoyaltyEntriesTable;
  loyalty_tiers: LoyaltyTiersTable;
  loyalty_rewards: LoyaltyRewardsTable;
  loyalty_redemptions: LoyaltyRedemptionsTable;
}

import { Type, type Static } from 'typebox';
import { DateTime, Limit, Money, Nullable, OneOf } from '../http/schemas.js';
import { EARNING_RULE_KINDS, LOYALTY_ENTRY_KINDS } from './tables.js';

// Request and response shapes of the loyalty ledger, earning rules, tiers and rewards.

const Ref = Type.String({ minLength: 1, maxLength: 64 });
const Points = Type.Integer({ minimum: 1, maximum: 1_000_000_000 });

export const EntryKindSchema = OneOf(LOYALTY_ENTRY_KINDS);
export const EarningKindSchema = OneOf(EARNING_RULE_KINDS);

export const EntrySchema = Type.Object({
  id: Type.String(),
  customerId: Type.String(),
  kind: EntryKindSchema,
  points: Type.Integer(),
  sourceKey: Type.String(),
  ruleId: Nullable(Type.String()),
  reason: Nullable(Type.String()),
  occurredAt: DateTime,
  expiresAt: Nullable(DateTime),
});
export type Entry = Static<typeof EntrySchema>;

export const TierSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  minPoints: Type.Integer({ minimum: 0 }),
  benefits: Type.Array(Type.String()),
});
export type Tier = Static<typeof TierSchema>;

export const TierInput = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 80 }),
  minPoints: Type.Integer({ minimum: 0, maximum: 1_000_000_000 }),
  benefits: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { maxItems: 20 })),
});
export type TierInput = Static<typeof TierInput>;

export const AccountSchema = Type.Object({
  customerId: Type.String(),
  balance: Type.Integer(),
  earnedInWindow: Type.Integer(),
  windowDays: Type.Integer(),
  tier: Nullable(TierSchema),
  nextTier: Nullable(Type.Object({ tier: TierSchema, pointsNeeded: Type.Integer() })),
  /** Points that expire within 30 days unless spent first (oldest lots are spent first). */
  expiringSoon: Type.Integer(),
  entries: Type.Array(EntrySchema),
});
export type Account = Static<typeof AccountSchema>;

export const AdjustInput = Type.Object({
  customerId: Ref,
  points: Type.Integer({ minimum: -1_000_000_000, maximum: 1_000_000_000, not: { const: 0 } }),
  reason: Type.String({ minLength: 1, maxLength: 500 }),
  /** Sending the same key again records nothing new. */
  idempotencyKey: Type.String({ minLength: 1, maxLength: 200 }),
});
export type AdjustInput = Static<typeof AdjustInput>;

export const EarningRuleSchema = Type.Object({
  id: Type.String(),
  kind: EarningKindSchema,
  name: Type.String(),
  points: Type.Integer(),
  pointsPerUnit: Type.Integer(),
  active: Type.Boolean(),
  updatedAt: DateTime,
});
export type EarningRule = Static<typeof EarningRuleSchema>;

export const EarningRuleInput = Type.Object({
  kind: EarningKindSchema,
  name: Type.String({ minLength: 1, maxLength: 120 }),
  points: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000 })),
  pointsPerUnit: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000 })),
  active: Type.Optional(Type.Boolean()),
});
export type EarningRuleInput = Static<typeof EarningRuleInput>;

export const SettingsSchema = Type.Object({
  tierWindowDays: Type.Integer({ minimum: 1, maximum: 3650 }),
  pointsExpiryDays: Type.Integer({ minimum: 1, maximum: 3650 }),
});
export type LoyaltySettings = Static<typeof SettingsSchema>;

export const RewardSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  description: Nullable(Type.String()),
  costPoints: Type.Integer(),
  value: Money,
  active: Type.Boolean(),
});
export type Reward = Static<typeof RewardSchema>;

export const RewardInput = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 120 }),
  description: Type.Optional(Type.String({ maxLength: 1000 })),
  costPoints: Points,
  value: Money,
  active: Type.Optional(Type.Boolean()),
});
export type RewardInput = Static<typeof RewardInput>;

export const RedeemInput = Type.Object({
  customerId: Ref,
  rewardId: Ref,
  idempotencyKey: Type.String({ minLength: 1, maxLength: 200 }),
});
export type RedeemInput = Static<typeof RedeemInput>;

export const RedemptionSchema = Type.Object({
  id: Type.String(),
  customerId: Type.String(),
  rewardId: Type.String(),
  points: Type.Integer(),
  entryId: Type.String(),
  redeemedAt: DateTime,
  balance: Type.Integer(),
});
export type Redemption = Static<typeof RedemptionSchema>;

export const PenaltyRowSchema = Type.Object({
  customerId: Type.String(),
  customerName: Nullable(Type.String()),
  holdingId: Type.String(),
  productName: Type.String(),
  planName: Type.String(),
  planOnSale: Type.Boolean(),
  paying: Money,
  newCustomerPrice: Money,
  newCustomerPlanName: Type.String(),
  monthlyExcess: Money,
  yearlyExcess: Money,
  startedAt: DateTime,
});
export type PenaltyRow = Static<typeof PenaltyRowSchema>;

export const PenaltyReport = Type.Object({
  data: Type.Array(PenaltyRowSchema),
  customers: Type.Integer(),
  yearlyExcessTotal: Type.Array(Money),
});
export type PenaltyReport = Static<typeof PenaltyReport>;

export const PenaltyQuery = Type.Object({ limit: Limit(500, 100) });
export const CustomerParams = Type.Object({ customerId: Ref });
export const EarnRunSchema = Type.Object({ earned: Type.Integer(), expired: Type.Integer() });

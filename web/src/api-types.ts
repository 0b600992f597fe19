/**
 * Response shapes of the API, taken from the server's own TypeBox schemas (type-only
 * imports: nothing of the server is bundled), so the app and the API cannot drift apart.
 */
import type { Static } from 'typebox';
import type { Customer360Schema, SearchResultSchema } from '../../src/customers/schemas.js';
import type { MessageSchema, TemplateSchema, PreviewSchema, MessageDetail as MessageDetailSchema } from '../../src/messages/schemas.js';
import type {
  AccountSchema,
  EarningRuleSchema,
  PenaltyReport as PenaltyReportSchema,
  RewardSchema,
  SettingsSchema,
  TierSchema,
} from '../../src/loyalty/schemas.js';
import type {
  CustomerGiving as CustomerGivingSchema,
  GiftSchema,
  GivingRuleSchema,
  LedgerSchema,
  RunSchema,
} from '../../src/giving/schemas.js';

export type Customer360 = Static<typeof Customer360Schema>;
export type HoldingView = Customer360['holdings'][number];
export type SearchResult = Static<typeof SearchResultSchema>;

export type Role = 'admin' | 'lead' | 'analyst' | 'agent';

/** The signed-in person (`/auth/me`, `/auth/session`). */
export interface Me {
  user: { id: string; name: string; email: string };
  role: string;
  workspace: { id: string; name: string; slug: string };
}

/** One entry of a customer's timeline; `data` depends on the kind (see timeline/kinds.tsx). */
export interface TimelineEntry {
  kind: string;
  id: string;
  occurredAt: string;
  action: string;
  data: Record<string, unknown>;
}

export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

export interface Money {
  amountMinor: number;
  currency: string;
}

// ─── Messages ──────────────────────────────────────────────────────────────

export type Message = Static<typeof MessageSchema>;
export type MessageTemplate = Static<typeof TemplateSchema>;
export type MessagePreview = Static<typeof PreviewSchema>;
export type MessageDetail = Static<typeof MessageDetailSchema>;

// Feedback (surveys, responses, follow-ups)
import type {
  SurveySchema,
  FollowUpSchema,
  PreviewSchema as SurveyPreviewSchema,
  DefinitionSchema as SurveyDefinitionSchema,
} from '../../src/feedback/schemas.js';
export type Survey = Static<typeof SurveySchema>;
export type SurveyDefinition = Static<typeof SurveyDefinitionSchema>;
export type SurveyPreview = Static<typeof SurveyPreviewSchema>;
export type FollowUp = Static<typeof FollowUpSchema>;

// ─── Loyalty and giving ────────────────────────────────────────────────────

export type LoyaltyAccount = Static<typeof AccountSchema>;
export type LoyaltyTier = Static<typeof TierSchema>;
export type LoyaltyReward = Static<typeof RewardSchema>;
export type EarningRule = Static<typeof EarningRuleSchema>;
export type PenaltyReport = Static<typeof PenaltyReportSchema>;
export type LoyaltySettings = Static<typeof SettingsSchema>;
export type Gift = Static<typeof GiftSchema>;
export type GivingRule = Static<typeof GivingRuleSchema>;
export type GivingLedger = Static<typeof LedgerSchema>;
export type GivingRun = Static<typeof RunSchema>;
export type CustomerGiving = Static<typeof CustomerGivingSchema>;

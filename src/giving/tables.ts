import type { ColumnType, Generated } from 'kysely';
import type { Timestamp, CreatedAt, Json, JsonWithDefault } from '../db/columns.js';
import type { ActorKind } from '../workspaces/tables.js';

// Row types for the tables the giving capability owns (see migrations/). Only this capability
// writes them; a column added to the SQL is added here in the same change.

export const GIVING_RULE_KINDS = ['best_tariff', 'fee_waiver', 'service_recovery', 'thank_you'] as const;
export type GivingRuleKind = (typeof GIVING_RULE_KINDS)[number];

export const GIFT_STATUSES = ['offered', 'accepted', 'declined', 'expired'] as const;
export type GiftStatus = (typeof GIFT_STATUSES)[number];

export interface GivingRulesTable {
  workspace_id: string;
  id: string;
  kind: GivingRuleKind;
  name: string;
  enabled: ColumnType<boolean, boolean | undefined, boolean>;
  config: JsonWithDefault;
  created_at: CreatedAt;
  updated_at: CreatedAt;
}

export interface GiftsTable {
  workspace_id: string;
  id: string;
  rule_id: string;
  rule_kind: GivingRuleKind;
  customer_id: string;
  holding_id: string | null;
  subject_key: string;
  period: ColumnType<string, string | undefined, string>;
  title: string;
  status: GiftStatus;
  evidence: Json;
  action: Json;
  value_minor: ColumnType<number, number, number>;
  currency: string;
  message_id: string | null;
  run_id: string | null;
  offered_at: Timestamp;
  expires_at: Timestamp;
  decided_at: Timestamp | null;
}

export interface GiftEventsTable {
  workspace_id: string;
  gift_id: string;
  seq: Generated<number>;
  kind: GiftStatus;
  actor_kind: ActorKind;
  actor_id: string | null;
  note: string | null;
  occurred_at: Timestamp;
}

export interface GivingRunsTable {
  workspace_id: string;
  id: string;
  worker: string;
  started_at: Timestamp;
  finished_at: Timestamp | null;
  chunks_done: ColumnType<number, number | undefined, number>;
  customers_scanned: ColumnType<number, number | undefined, number>;
  gifts_created: ColumnType<number, number | undefined, number>;
  gifts_expired: ColumnType<number, number | undefined, number>;
  by_rule: JsonWithDefault;
}

export interface GivingChunksTable {
  workspace_id: string;
  chunk: number;
  leased_by: string | null;
  lease_until: Timestamp | null;
  done_at: Timestamp | null;
}

/** The giving capability's tables, composed into the database type in src/db/schema.ts. */
export interface GivingTables {
  giving_rules: GivingRulesTable;
  gifts: GiftsTable;
  gift_events: GiftEventsTable;
  giving_runs: GivingRunsTable;
  giving_chunks: GivingChunksTable;
}

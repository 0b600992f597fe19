import type { ColumnType } from 'kysely';
import type { Timestamp, CreatedAt } from '../db/columns.js';

// Row types for the tables the holdings capability owns (see migrations/). Only this capability
// writes them; a column added to the SQL is added here in the same change.

export const HOLDING_STATUSES = ['pending', 'active', 'suspended', 'cancelled'] as const;
export type HoldingStatus = (typeof HOLDING_STATUSES)[number];

export interface HoldingsTable {
  workspace_id: string;
  id: string;
  customer_id: string;
  payer_customer_id: string | null;
  household_id: string | null;
  product_id: string;
  plan_id: string | null;
  status: HoldingStatus;
  started_at: Timestamp;
  ended_at: Timestamp | null;
  price_minor: number;
  currency: string;
  acquisition_channel: string | null;
  external_ref: string | null;
  created_at: CreatedAt;
  updated_at: CreatedAt;
}

export interface UsageRecordsTable {
  workspace_id: string;
  holding_id: string;
  /** 'YYYY-MM-DD' */
  period_start: string;
  period_end: string;
  data_mb: ColumnType<number, number | undefined, number>;
  minutes: ColumnType<number, number | undefined, number>;
  texts: ColumnType<number, number | undefined, number>;
}

export const TRANSACTION_KINDS = ['purchase', 'charge', 'payment', 'refund', 'fee', 'credit'] as const;
export type TransactionKind = (typeof TRANSACTION_KINDS)[number];

export interface TransactionsTable {
  workspace_id: string;
  id: string;
  customer_id: string;
  holding_id: string | null;
  kind: TransactionKind;
  amount_minor: number;
  currency: string;
  description: string | null;
  occurred_at: Timestamp;
  source: string | null;
  external_id: string | null;
  created_at: CreatedAt;
}

/** The holdings capability's tables, composed into the database type in src/db/schema.ts. */
export interface HoldingsTables {
  holdings: HoldingsTable;
  usage_records: UsageRecordsTable;
  transactions: TransactionsTable;
}

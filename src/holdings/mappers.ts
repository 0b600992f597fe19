import type { Selectable } from 'kysely';
import type { HoldingsTable, TransactionsTable, UsageRecordsTable } from './tables.js';
import { toIso, toIsoOrNull } from '../time.js';
import type { Holding, Transaction, UsagePeriod } from './schemas.js';

export { HoldingSchema, TransactionSchema, UsagePeriodSchema, type Holding, type Transaction, type UsagePeriod } from './schemas.js';

// Rows → API objects. A row may come straight from a table (timestamps as Date) or from
// inside a json aggregate (timestamps as ISO text), so timestamps accept either and the
// workspace id, never part of an API object, is not required.

type Timestamps<T, K extends keyof T> = Omit<T, K | 'workspace_id'> & {
  [P in K]: null extends T[P] ? Date | string | null : Date | string;
};

export type HoldingRow = Timestamps<Selectable<HoldingsTable>, 'started_at' | 'ended_at' | 'created_at' | 'updated_at'>;
export type TransactionRow = Timestamps<Selectable<TransactionsTable>, 'occurred_at' | 'created_at'>;
export type UsageRow = Omit<Selectable<UsageRecordsTable>, 'workspace_id' | 'holding_id' | 'period_start' | 'period_end'> & {
  period_start: string | Date;
  period_end: string | Date;
};

/** 'YYYY-MM-DD' from a date column: drivers hand back text; a Date is read in UTC. */
function toDateOnly(value: string | Date): string {
  return value instanceof Date ? value.toISOString().slice(0, 10) : value.slice(0, 10);
}

export function toHolding(row: HoldingRow): Holding {
  return {
    id: row.id,
    customerId: row.customer_id,
    payerCustomerId: row.payer_customer_id,
    householdId: row.household_id,
    productId: row.product_id,
    planId: row.plan_id,
    status: row.status,
    startedAt: toIso(row.started_at),
    endedAt: toIsoOrNull(row.ended_at),
    price: { amountMinor: row.price_minor, currency: row.currency },
    acquisitionChannel: row.acquisition_channel,
    externalRef: row.external_ref,
    createdAt: toIso(row.created_at),
    updatedAt: toIso(row.updated_at),
  };
}

export function toUsagePeriod(row: UsageRow): UsagePeriod {
  return {
    periodStart: toDateOnly(row.period_start),
    periodEnd: toDateOnly(row.period_end),
    dataMb: row.data_mb,
    minutes: row.minutes,
    texts: row.texts,
  };
}

export function toTransaction(row: TransactionRow): Transaction {
  return {
    id: row.id,
    customerId: row.customer_id,
    holdingId: row.holding_id,
    kind: row.kind,
    amount: { amountMinor: row.amount_minor, currency: row.currency },
    description: row.description,
    occurredAt: toIso(row.occurred_at),
    source: row.source,
    externalId: row.external_id,
    createdAt: toIso(row.created_at),
  };
}

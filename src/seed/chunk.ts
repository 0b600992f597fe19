import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import type { EventType } from '../ingest/tables.js';
import type { JsonObject } from '../db/columns.js';
import type { TransactionKind } from '../holdings/tables.js';
import { newId } from '../ids.js';
import { addRow, insertRows, tableRows } from './bulk-insert.js';
import type { SeedCatalog } from './catalog.js';
import type { Random } from './random.js';

export const DAY = 86_400_000;
export const YEAR = 365.25 * DAY;

export interface UsageMonth {
  /** 'YYYY-MM-DD', the first day of the month. */
  start: string;
  /** 'YYYY-MM-DD', the first day of the next month: periods are half-open. */
  end: string;
  startMs: number;
  endMs: number;
  label: string;
  /** A mild seasonal swing in usage (holidays, December). */
  seasonal: number;
}

/** What every generator shares while one seed runs. */
export interface SeedContext {
  workspaceId: string;
  catalog: SeedCatalog;
  random: Random;
  /** The first instant of the current month (UTC). All history lies before it. */
  reference: number;
  /** The 12 full months before `reference`, oldest first. */
  usageMonths: UsageMonth[];
  /** Running numbers that make account numbers, phone numbers and references unique. */
  sequence: { customer: number; extraLine: number; transaction: number };
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const SEASONAL = [1.0, 0.96, 0.98, 1.0, 0.99, 1.0, 1.04, 1.05, 0.99, 0.98, 1.0, 1.05];

/** The reference month and the 12 usage months before it, from a clock reading. */
export function usageCalendar(now: Date): { reference: number; usageMonths: UsageMonth[] } {
  const year = now.getUTCFullYear();
  const month = now.getUTCMonth();
  const usageMonths: UsageMonth[] = [];
  for (let back = 12; back >= 1; back--) {
    const startMs = Date.UTC(year, month - back, 1);
    const endMs = Date.UTC(year, month - back + 1, 1);
    const start = new Date(startMs);
    usageMonths.push({
      start: isoDate(startMs),
      end: isoDate(endMs),
      startMs,
      endMs,
      label: `${MONTHS[start.getUTCMonth()]} ${start.getUTCFullYear()}`,
      seasonal: SEASONAL[start.getUTCMonth()] ?? 1,
    });
  }
  return { reference: Date.UTC(year, month, 1), usageMonths };
}

export function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** A whole-second instant uniformly between two others. */
export function between(random: Random, from: number, to: number): number {
  return Math.floor((from + random.next() * Math.max(0, to - from)) / 1000) * 1000;
}

/**
 * A UK mobile number unique to `n`: an affine map that is one-to-one modulo 99,000,000
 * spreads the numbers over +44 7701 000000 – +44 7799 999999 (valid mobile ranges, unlike
 * most of 07700, which libphonenumber rejects). Customers use n = their number; extra
 * lines use n from 10,000,000 up, so the two never meet.
 */
export function mobileNumber(n: number): string {
  return `+447${701_000_000 + ((n * 48_271 + 1_234_567) % 99_000_000)}`;
}

export const EXTRA_LINE_BASE = 10_000_000;

export function createChunkTables() {
  return {
    customers: tableRows('customers', {
      workspace_id: 'text',
      id: 'text',
      display_name: 'text',
      traits: 'jsonb',
      preferred_channels: 'text[]',
      language: 'text',
      time_zone: 'text',
      quiet_hours_start: 'smallint',
      quiet_hours_end: 'smallint',
      contact_cap_count: 'integer',
      contact_cap_days: 'integer',
      created_at: 'timestamptz',
      updated_at: 'timestamptz',
    }),
    customer_identities: tableRows('customer_identities', {
      workspace_id: 'text',
      kind: 'text',
      namespace: 'text',
      value: 'text',
      customer_id: 'text',
      source: 'text',
      created_at: 'timestamptz',
    }),
    households: tableRows('households', {
      workspace_id: 'text',
      id: 'text',
      name: 'text',
      kind: 'text',
      created_at: 'timestamptz',
      updated_at: 'timestamptz',
    }),
    household_members: tableRows('household_members', {
      workspace_id: 'text',
      household_id: 'text',
      customer_id: 'text',
      role: 'text',
      joined_at: 'timestamptz',
    }),
    consent_events: tableRows('consent_events', {
      workspace_id: 'text',
      id: 'text',
      customer_id: 'text',
      purpose: 'text',
      channel: 'text',
      status: 'text',
      source: 'text',
      evidence: 'jsonb',
      recorded_at: 'timestamptz',
      actor_kind: 'text',
      actor_id: 'text',
    }),
    holdings: tableRows('holdings', {
      workspace_id: 'text',
      id: 'text',
      customer_id: 'text',
      payer_customer_id: 'text',
      household_id: 'text',
      product_id: 'text',
      plan_id: 'text',
      status: 'text',
      started_at: 'timestamptz',
      ended_at: 'timestamptz',
      price_minor: 'bigint',
      currency: 'text',
      acquisition_channel: 'text',
      external_ref: 'text',
      created_at: 'timestamptz',
      updated_at: 'timestamptz',
    }),
    usage_records: tableRows('usage_records', {
      workspace_id: 'text',
      holding_id: 'text',
      period_start: 'date',
      period_end: 'date',
      data_mb: 'bigint',
      minutes: 'integer',
      texts: 'integer',
    }),
    transactions: tableRows('transactions', {
      workspace_id: 'text',
      id: 'text',
      customer_id: 'text',
      holding_id: 'text',
      kind: 'text',
      amount_minor: 'bigint',
      currency: 'text',
      description: 'text',
      occurred_at: 'timestamptz',
      source: 'text',
      external_id: 'text',
      created_at: 'timestamptz',
    }),
    customer_events: tableRows('customer_events', {
      workspace_id: 'text',
      id: 'text',
      customer_id: 'text',
      type: 'text',
      name: 'text',
      properties: 'jsonb',
      context: 'jsonb',
      occurred_at: 'timestamptz',
      received_at: 'timestamptz',
      source: 'text',
    }),
  };
}

export type ChunkTables = ReturnType<typeof createChunkTables>;

/** Inserts a chunk table by table, parents before children, one statement each. */
export async function insertChunk(db: Kysely<DB>, tables: ChunkTables): Promise<void> {
  await insertRows(db, tables.customers);
  await insertRows(db, tables.customer_identities);
  await insertRows(db, tables.households);
  await insertRows(db, tables.household_members);
  await insertRows(db, tables.consent_events);
  await insertRows(db, tables.holdings);
  await insertRows(db, tables.usage_records);
  await insertRows(db, tables.transactions);
  await insertRows(db, tables.customer_events);
}

export function rowCounts(tables: ChunkTables): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const rows of Object.values(tables)) counts[rows.table] = rows.count;
  return counts;
}

/** Amounts are positive minor units; the kind says which way the money moved. */
export function addTransaction(
  ctx: SeedContext,
  tables: ChunkTables,
  input: { customerId: string; holdingId: string | null; kind: TransactionKind; amountMinor: number; description: string; at: number },
): void {
  addRow(tables.transactions, {
    workspace_id: ctx.workspaceId,
    id: newId('txn'),
    customer_id: input.customerId,
    holding_id: input.holdingId,
    kind: input.kind,
    amount_minor: input.amountMinor,
    currency: 'GBP',
    description: input.description,
    occurred_at: input.at,
    source: 'billing',
    external_id: `TXN-${String(++ctx.sequence.transaction).padStart(9, '0')}`,
    created_at: input.at,
  });
}

export function addEvent(
  ctx: SeedContext,
  tables: ChunkTables,
  input: { customerId: string; type: EventType; name: string; properties: JsonObject; context?: JsonObject; source: string; at: number },
): void {
  addRow(tables.customer_events, {
    workspace_id: ctx.workspaceId,
    id: newId('evt'),
    customer_id: input.customerId,
    type: input.type,
    name: input.name,
    properties: input.properties,
    context: input.context ?? {},
    occurred_at: input.at,
    received_at: input.at,
    source: input.source,
  });
}

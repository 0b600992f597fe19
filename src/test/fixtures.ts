import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import { newId } from '../ids.js';

/**
 * A small telecom catalogue and holdings written straight into the tables, for tests
 * whose subject is reading them back (the catalog and holdings APIs have their own tests).
 */
export async function insertCatalog(db: Kysely<DB>, workspaceId: string) {
  const mobile = { workspace_id: workspaceId, id: newId('pl'), code: 'mobile', name: 'Mobile' };
  const broadband = { workspace_id: workspaceId, id: newId('pl'), code: 'broadband', name: 'Broadband' };
  await db.insertInto('product_lines').values([mobile, broadband]).execute();
  const sim = {
    workspace_id: workspaceId,
    id: newId('prd'),
    product_line_id: mobile.id,
    code: 'sim-only',
    name: 'SIM only',
    kind: 'subscription' as const,
  };
  const fibre = {
    workspace_id: workspaceId,
    id: newId('prd'),
    product_line_id: broadband.id,
    code: 'fibre',
    name: 'Fibre',
    kind: 'subscription' as const,
  };
  await db.insertInto('products').values([sim, fibre]).execute();
  const plan = (product: string, code: string, name: string, price: number, dataMb: number | null) => ({
    workspace_id: workspaceId,
    id: newId('pln'),
    product_id: product,
    code,
    name,
    price_minor: price,
    currency: 'GBP',
    billing_period: 'month' as const,
    data_mb: dataMb,
    minutes: null,
    texts: null,
    overage_per_gb_minor: 500,
  });
  const sim10 = plan(sim.id, 'sim-10gb', 'SIM 10 GB', 1200, 10240);
  const fibre500 = plan(fibre.id, 'fibre-500', 'Fibre 500', 3500, null);
  await db.insertInto('plans').values([sim10, fibre500]).execute();
  return { mobile, broadband, sim, fibre, sim10, fibre500 };
}

export async function insertHolding(
  db: Kysely<DB>,
  workspaceId: string,
  values: {
    customerId: string;
    productId: string;
    planId: string;
    priceMinor: number;
    payerId?: string;
    householdId?: string;
    startedAt?: string;
    externalRef?: string;
  },
): Promise<string> {
  const id = newId('hld');
  await db
    .insertInto('holdings')
    .values({
      workspace_id: workspaceId,
      id,
      customer_id: values.customerId,
      payer_customer_id: values.payerId ?? null,
      household_id: values.householdId ?? null,
      product_id: values.productId,
      plan_id: values.planId,
      status: 'active',
      started_at: values.startedAt ?? '2024-03-15T00:00:00Z',
      price_minor: values.priceMinor,
      currency: 'GBP',
      acquisition_channel: 'web',
      external_ref: values.externalRef ?? null,
    })
    .execute();
  return id;
}

export async function insertUsage(
  db: Kysely<DB>,
  workspaceId: string,
  holdingId: string,
  months: Array<{ start: string; end: string; dataMb: number }>,
) {
  await db
    .insertInto('usage_records')
    .values(
      months.map((m) => ({
        workspace_id: workspaceId,
        holding_id: holdingId,
        period_start: m.start,
        period_end: m.end,
        data_mb: m.dataMb,
        minutes: 100,
        texts: 10,
      })),
    )
    .execute();
}

export async function insertTransaction(
  db: Kysely<DB>,
  workspaceId: string,
  values: {
    customerId: string;
    holdingId?: string;
    kind: 'purchase' | 'fee' | 'refund' | 'credit';
    amountMinor: number;
    occurredAt: string;
    description?: string;
  },
): Promise<string> {
  const id = newId('txn');
  await db
    .insertInto('transactions')
    .values({
      workspace_id: workspaceId,
      id,
      customer_id: values.customerId,
      holding_id: values.holdingId ?? null,
      kind: values.kind,
      amount_minor: values.amountMinor,
      currency: 'GBP',
      description: values.description ?? null,
      occurred_at: values.occurredAt,
    })
    .execute();
  return id;
}

import { sql, type Expression, type Kysely } from 'kysely';
import { productNamesQuery } from '../catalog/customer-data.js';
import type { DB } from '../db/schema.js';
import { classify, kept, ofCustomer, personal, within, type RowFilter } from '../customers/data-classification.js';
import { customerColumn, defineCustomerData } from '../customers/define-customer-data.js';
import { pageBefore } from '../customers/timeline-source.js';

// What holdings hold about a customer (src/customers/define-customer-data.ts): what they hold
// or pay for, its usage, and their transactions; and the queries the 360
// (src/customers/profile.ts) nests, each correlated with the row that names the customer
// or holding.

const heldOrPaidFor: RowFilter = (s) =>
  sql<boolean>`(${within('customer_id', s.customerIds)} or ${within('payer_customer_id', s.customerIds)})`;

export const customerData = defineCustomerData({
  tables: [
    classify('holdings', {
      rows: heldOrPaidFor,
      // A line number is the holder's, not the payer's.
      eraseRows: ofCustomer,
      columns: {
        ...kept('workspace_id', 'id', 'customer_id', 'payer_customer_id', 'household_id', 'product_id', 'plan_id', 'status', 'currency'),
        // a sales channel name (web, store, partner)
        ...kept('acquisition_channel'),
        external_ref: personal(null),
      },
    }),
    classify('usage_records', {
      rows: (s) => sql<boolean>`holding_id in (select id from holdings where workspace_id = ${s.workspaceId} and ${heldOrPaidFor(s)})`,
      columns: kept('workspace_id', 'holding_id'),
    }),
    classify('transactions', {
      rows: ofCustomer,
      columns: {
        // source and external id are the sending system's keys: a resend is recognised by them
        ...kept('workspace_id', 'id', 'customer_id', 'holding_id', 'kind', 'currency', 'source', 'external_id'),
        description: personal(null),
      },
    }),
  ],
  references: [
    customerColumn('holdings', 'customer_id'),
    customerColumn('holdings', 'payer_customer_id'),
    customerColumn('transactions', 'customer_id'),
  ],
  timeline: [
    {
      kind: 'transaction',
      query: (_db, a) => sql`select 'transaction' as kind, id, occurred_at, kind as action,
          jsonb_build_object('amountMinor', amount_minor, 'currency', currency, 'description', description, 'holdingId', holding_id) as data
        from transactions where workspace_id = ${a.workspaceId} and customer_id = ${a.customerId} ${pageBefore(a, sql`occurred_at`)}
        order by occurred_at desc, id desc limit ${a.limit}`,
    },
    {
      // The product's name comes from the catalog, as a typed subquery (Kysely puts it in parentheses).
      kind: 'holding',
      query: (db, a) => sql`select 'holding' as kind, h.id, h.started_at as occurred_at, 'started' as action,
          jsonb_build_object('productId', h.product_id, 'productName', p.name, 'planId', h.plan_id, 'status', h.status,
            'priceMinor', h.price_minor, 'currency', h.currency, 'channel', h.acquisition_channel) as data
        from holdings h join ${productNamesQuery(db, a.workspaceId)} p on p.id = h.product_id
        where h.workspace_id = ${a.workspaceId} and h.customer_id = ${a.customerId}
          ${pageBefore(a, sql`h.started_at`, sql`h.id`)}
        order by h.started_at desc, h.id desc limit ${a.limit}`,
    },
  ],
});

/** What a customer holds or pays for, as `hd`, for a read model to join what it shows with it. */
export function heldOrPaidForQuery(db: Kysely<DB>, workspaceId: Expression<string>, customerId: Expression<string>) {
  return db
    .selectFrom('holdings as hd')
    .where('hd.workspace_id', '=', workspaceId)
    .where((eb) => eb.or([eb('hd.customer_id', '=', customerId), eb('hd.payer_customer_id', '=', customerId)]));
}

/** A holding's latest usage period. */
export function latestUsageQuery(db: Kysely<DB>, workspaceId: Expression<string>, holdingId: Expression<string>) {
  return db
    .selectFrom('usage_records as u')
    .select(['u.period_start', 'u.period_end', 'u.data_mb', 'u.minutes', 'u.texts'])
    .where('u.workspace_id', '=', workspaceId)
    .where('u.holding_id', '=', holdingId)
    .orderBy('u.period_start', 'desc')
    .limit(1);
}

/** A customer's latest transactions, newest first. */
export function recentTransactionsQuery(db: Kysely<DB>, workspaceId: Expression<string>, customerId: Expression<string>, limit: number) {
  return db
    .selectFrom('transactions as t')
    .select(['t.id', 't.kind', 't.amount_minor', 't.currency', 't.description', 't.holding_id', 't.occurred_at'])
    .where('t.workspace_id', '=', workspaceId)
    .where('t.customer_id', '=', customerId)
    .orderBy('t.occurred_at', 'desc')
    .orderBy('t.id', 'desc')
    .limit(limit);
}

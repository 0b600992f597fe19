import { sql } from 'kysely';
import { classify, kept, ofCustomer, personal } from '../customers/data-classification.js';
import { customerColumn, defineCustomerData } from '../customers/define-customer-data.js';
import { pageBefore } from '../customers/timeline-source.js';

// What loyalty holds about a customer (src/customers/define-customer-data.ts): their points
// ledger and the rewards they redeemed.
export const customerData = defineCustomerData({
  tables: [
    classify('loyalty_settings', { rows: null, columns: kept('workspace_id') }),
    classify('loyalty_earning_rules', { rows: null, columns: kept('workspace_id', 'id', 'kind', 'name') }),
    classify('loyalty_entries', {
      rows: ofCustomer,
      // the source key keeps the same source from counting twice
      columns: { ...kept('workspace_id', 'id', 'customer_id', 'kind', 'source_key', 'rule_id'), reason: personal(null) },
    }),
    classify('loyalty_tiers', { rows: null, columns: kept('workspace_id', 'id', 'name', 'benefits') }),
    classify('loyalty_rewards', { rows: null, columns: kept('workspace_id', 'id', 'name', 'description', 'currency') }),
    classify('loyalty_redemptions', {
      rows: ofCustomer,
      columns: kept('workspace_id', 'id', 'customer_id', 'reward_id', 'entry_id', 'idempotency_key'),
    }),
  ],
  references: [customerColumn('loyalty_entries', 'customer_id'), customerColumn('loyalty_redemptions', 'customer_id')],
  timeline: [
    {
      kind: 'points',
      query: (_db, a) => sql`select 'points' as kind, id, occurred_at, kind as action,
          jsonb_build_object('points', points, 'reason', reason, 'expiresAt', expires_at) as data
        from loyalty_entries where workspace_id = ${a.workspaceId} and customer_id = ${a.customerId} ${pageBefore(a, sql`occurred_at`)}
        order by occurred_at desc, id desc limit ${a.limit}`,
    },
  ],
});

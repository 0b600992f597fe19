import { sql } from 'kysely';
import { classify, kept, ofCustomer, personal, within } from '../customers/data-classification.js';
import { customerColumn, defineCustomerData } from '../customers/define-customer-data.js';
import { pageBefore } from '../customers/timeline-source.js';

// What giving holds about a customer (src/customers/define-customer-data.ts): the gifts offered
// to them and what became of each.
export const customerData = defineCustomerData({
  tables: [
    classify('giving_rules', { rows: null, columns: kept('workspace_id', 'id', 'kind', 'name', 'config') }),
    classify('gifts', {
      rows: ofCustomer,
      columns: {
        // titles are written by the rules from plan names, scores and years
        ...kept('workspace_id', 'id', 'rule_id', 'rule_kind', 'customer_id', 'holding_id', 'subject_key', 'period', 'title'),
        ...kept('status', 'currency', 'message_id', 'run_id'),
        evidence: personal('{}'),
        // what accepting does stays doable; a description copied from a transaction goes
        action: personal({ keepKeys: ['type', 'amountMinor', 'currency', 'points', 'holdingId', 'planId'] }),
      },
    }),
    classify('gift_events', {
      rows: (s) =>
        sql<boolean>`gift_id in (select id from gifts where workspace_id = ${s.workspaceId} and ${within('customer_id', s.customerIds)})`,
      columns: { ...kept('workspace_id', 'gift_id', 'kind', 'actor_kind', 'actor_id'), note: personal(null) },
    }),
    classify('giving_runs', { rows: null, columns: kept('workspace_id', 'id', 'worker', 'by_rule') }),
    classify('giving_chunks', { rows: null, columns: kept('workspace_id', 'leased_by') }),
  ],
  references: [customerColumn('gifts', 'customer_id')],
  timeline: [
    {
      // Gifts appear when offered; their state (accepted, declined, expired) is the action.
      kind: 'gift',
      query: (_db, a) => sql`select 'gift' as kind, id, offered_at as occurred_at, status as action,
          jsonb_build_object('ruleKind', rule_kind, 'title', title, 'valueMinor', value_minor, 'currency', currency, 'decidedAt', decided_at) as data
        from gifts where workspace_id = ${a.workspaceId} and customer_id = ${a.customerId} ${pageBefore(a, sql`offered_at`)}
        order by offered_at desc, id desc limit ${a.limit}`,
    },
  ],
});

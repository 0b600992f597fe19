import { sql, type Expression, type Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import { classify, kept, ofCustomer, personal, within } from '../customers/data-classification.js';
import { customerColumn, defineCustomerData } from '../customers/define-customer-data.js';
import { pageBefore } from '../customers/timeline-source.js';
import { erasedIngestEventState, ingestEventsOf } from './erase.js';

// What ingestion holds about a customer (src/customers/define-customer-data.ts): the events
// applied to their profile, the raw events that name them, and the group ids of their households.
export const customerData = defineCustomerData({
  tables: [
    classify('customer_events', {
      rows: ofCustomer,
      columns: {
        // message_id is the client's key: kept so that a retry stays a no-op
        ...kept('workspace_id', 'id', 'customer_id', 'type', 'source', 'message_id'),
        name: personal(null),
        properties: personal('{}'),
        context: personal('{}'),
      },
    }),
    classify('ingest_events', {
      rows: ingestEventsOf,
      columns: {
        ...kept('workspace_id', 'message_id', 'type', 'source', 'status'),
        user_id: personal(null),
        anonymous_id: personal(null),
        previous_id: personal(null),
        name: personal(null),
        group_id: personal(null),
        properties: personal(null),
        traits: personal(null),
        context: personal(null),
        error: personal(null),
      },
      alsoSet: erasedIngestEventState,
    }),
    // A client's group id names a company or a family: the link from it to an emptied household goes.
    classify('ingest_groups', {
      rows: (s) => within('household_id', s.householdIds),
      eraseRows: (s) => within('household_id', s.soleHouseholdIds),
      erase: 'delete',
      columns: { ...kept('workspace_id', 'household_id'), group_id: personal() },
    }),
  ],
  references: [customerColumn('customer_events', 'customer_id')],
  timeline: [
    {
      kind: 'event',
      query: (_db, a) => sql`select 'event' as kind, id, occurred_at, type as action,
          jsonb_build_object('name', name, 'properties', properties, 'source', source) as data
        from customer_events where workspace_id = ${a.workspaceId} and customer_id = ${a.customerId} ${pageBefore(a, sql`occurred_at`)}
        order by occurred_at desc, id desc limit ${a.limit}`,
    },
  ],
});

/** A customer's latest events, newest first, correlated with the row that names them (the 360, src/customers/profile.ts). */
export function recentEventsQuery(db: Kysely<DB>, workspaceId: Expression<string>, customerId: Expression<string>, limit: number) {
  return db
    .selectFrom('customer_events as e')
    .select(['e.id', 'e.type', 'e.name', 'e.properties', 'e.occurred_at', 'e.source'])
    .where('e.workspace_id', '=', workspaceId)
    .where('e.customer_id', '=', customerId)
    .orderBy('e.occurred_at', 'desc')
    .orderBy('e.id', 'desc')
    .limit(limit);
}

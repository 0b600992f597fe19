import { sql } from 'kysely';
import type { JsonObject } from '../db/columns.js';
import { classify, credential, eraseTables, kept, ofCustomer, personal } from '../customers/data-classification.js';
import { customerColumn, defineCustomerData } from '../customers/define-customer-data.js';
import { pageBefore } from '../customers/timeline-source.js';
import { forStaff } from './withheld.js';

// What messages hold about a customer (src/customers/define-customer-data.ts): what was sent
// to them, and what happened to it.

const TABLES = [
  classify('message_settings', { rows: null, columns: kept('workspace_id', 'default_language') }),
  classify('message_templates', { rows: null, columns: kept('workspace_id', 'id', 'key', 'purpose', 'language', 'subject', 'body', 'sample_data') }),
  classify('messages', {
    rows: ofCustomer,
    columns: {
      ...kept('workspace_id', 'id', 'customer_id', 'purpose', 'template_key', 'language', 'channel', 'status', 'reason'),
      // the worker holding it, the caller's idempotency key and the provider's message id
      ...kept('claimed_by', 'idempotency_key', 'provider_id'),
      recipient: personal(null),
      subject: personal(null),
      body: personal(null),
      payload: personal('{}'),
      last_error: personal(null),
      unsubscribe_token: credential(null),
    },
    // A survey link in a message stays withheld (src/messages/withheld.ts).
    exportView: (row) => forStaff(row as JsonObject & { subject: string | null; body: string | null; payload: JsonObject }),
  }),
  classify('message_events', {
    rows: ofCustomer,
    columns: { ...kept('workspace_id', 'id', 'message_id', 'customer_id', 'kind'), detail: personal('{}') },
  }),
];

export const customerData = defineCustomerData({
  tables: TABLES,
  references: [customerColumn('messages', 'customer_id'), customerColumn('message_events', 'customer_id')],
  timeline: [
    {
      // Messages sent, and unsubscribes from them; receipts and replies are interactions (src/messages/inbound.ts).
      // A subject that shows a value withheld from staff (a survey link: src/messages/withheld.ts) is left out.
      kind: 'message',
      query: (_db, a) => sql`(select 'message' as kind, id, created_at as occurred_at, status as action,
          jsonb_build_object('purpose', purpose, 'channel', channel, 'templateKey', template_key, 'subject',
            case when jsonb_typeof(payload->'_withheld') = 'array' and exists (select 1 from jsonb_array_elements_text(payload->'_withheld') k
              where payload->>k.value <> '' and position(payload->>k.value in subject) > 0) then null else subject end,
            'reason', reason, 'sentAt', sent_at, 'deliveredAt', delivered_at) as data
        from messages where workspace_id = ${a.workspaceId} and customer_id = ${a.customerId} ${pageBefore(a, sql`created_at`)}
        order by created_at desc, id desc limit ${a.limit})
        union all
        (select 'message' as kind, id, occurred_at, kind as action, jsonb_build_object('messageId', message_id) || detail as data
        from message_events where workspace_id = ${a.workspaceId} and customer_id = ${a.customerId}
          and kind = 'unsubscribed' ${pageBefore(a, sql`occurred_at`)}
        order by occurred_at desc, id desc limit ${a.limit})`,
    },
  ],
  async eraseStep(db, subject) {
    // A message still waiting for an erased customer is never sent.
    await db
      .updateTable('messages')
      .set({ status: 'suppressed', reason: 'erased', updated_at: new Date() })
      .where('workspace_id', '=', subject.workspaceId)
      .where('customer_id', 'in', subject.customerIds)
      .where('status', '=', 'queued')
      .execute();
    await eraseTables(db, subject, TABLES);
  },
});

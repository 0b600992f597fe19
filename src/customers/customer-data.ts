import { sql, type Updateable } from 'kysely';
import { classify, kept, ofCustomer, personal, within } from './data-classification.js';
import { customerColumn, defineCustomerData } from './define-customer-data.js';
import type { CustomersTable } from './tables.js';
import { pageBefore } from './timeline-source.js';

// What the customers capability holds about a customer (src/customers/define-customer-data.ts):
// the profile, its identities, merges, households, consent history and data-subject requests.

/** The profile columns that hold personal data, emptied: a merged profile's row and an erased one. */
export const NO_PERSONAL_DATA = {
  display_name: null,
  traits: '{}',
  preferred_channels: [],
  language: null,
  time_zone: null,
  quiet_hours_start: null,
  quiet_hours_end: null,
  contact_cap_count: null,
  contact_cap_days: null,
} as const satisfies Updateable<CustomersTable>;
export const customerData = defineCustomerData({
  tables: [
    classify('customers', {
      rows: (s) => within('id', s.customerIds),
      columns: {
        ...kept('workspace_id', 'id', 'merged_into'),
        ...Object.fromEntries(Object.entries(NO_PERSONAL_DATA).map(([column, empty]) => [column, personal(empty)])),
      },
    }),
    classify('customer_identities', {
      rows: ofCustomer,
      erase: 'delete',
      columns: { ...kept('workspace_id', 'kind', 'customer_id'), namespace: personal(), value: personal(), source: personal() },
    }),
    classify('customer_merges', {
      rows: (s) => sql<boolean>`(${within('survivor_id', s.customerIds)} or ${within('merged_id', s.customerIds)})`,
      columns: {
        ...kept('workspace_id', 'id', 'survivor_id', 'merged_id', 'actor_kind', 'actor_id'),
        reason: personal('Erased'),
        identity: personal(null),
        merged_profile: personal('{}'),
      },
    }),
    classify('households', {
      rows: (s) => within('id', s.householdIds),
      eraseRows: (s) => within('id', s.soleHouseholdIds),
      columns: { ...kept('workspace_id', 'id', 'kind'), name: personal('Erased household') },
    }),
    classify('household_members', {
      rows: ofCustomer,
      erase: 'delete',
      columns: kept('workspace_id', 'household_id', 'customer_id', 'role'),
    }),
    classify('consent_events', {
      rows: ofCustomer,
      erase: 'delete',
      columns: {
        ...kept('workspace_id', 'id', 'customer_id', 'purpose', 'channel', 'status', 'actor_kind', 'actor_id'),
        source: personal(),
        evidence: personal(),
      },
    }),
    classify('dsr_requests', {
      rows: ofCustomer,
      // The record that a request was made and honoured stays; why, in someone's words, goes.
      columns: { ...kept('workspace_id', 'id', 'customer_id', 'kind', 'requested_by_kind', 'requested_by_id'), reason: personal(null) },
    }),
  ],
  references: [
    customerColumn('customer_identities', 'customer_id'),
    customerColumn('household_members', 'customer_id'),
    customerColumn('consent_events', 'customer_id'),
    customerColumn('dsr_requests', 'customer_id'),
  ],
  timeline: [
    {
      kind: 'consent',
      query: (_db, a) => sql`select 'consent' as kind, id, recorded_at as occurred_at, status as action,
          jsonb_build_object('purpose', purpose, 'channel', channel, 'source', source) as data
        from consent_events where workspace_id = ${a.workspaceId} and customer_id = ${a.customerId} ${pageBefore(a, sql`recorded_at`)}
        order by recorded_at desc, id desc limit ${a.limit}`,
    },
    {
      kind: 'merge',
      query: (_db, a) => sql`select 'merge' as kind, id, occurred_at, reason as action, jsonb_build_object('mergedId', merged_id) as data
        from customer_merges where workspace_id = ${a.workspaceId} and survivor_id = ${a.customerId} ${pageBefore(a, sql`occurred_at`)}
        order by occurred_at desc, id desc limit ${a.limit}`,
    },
  ],
});

import { sql, type RawBuilder } from 'kysely';
import type { DB } from '../db/schema.js';
import type { JsonObject } from '../db/columns.js';
import { erasedIngestEventState, ingestEventsOf } from '../ingest/erase.js';
import { forStaff } from '../messages/withheld.js';
import { NO_PERSONAL_DATA } from './references.js';

/**
 * Every text and JSON column of every table, classified. A test compares this registry with
 * the database catalogue and fails on a column it does not know, so a capability that adds a
 * column decides here, in the same change, whether it is personal:
 *
 * - `personal`: may hold the customer's personal data. The export carries it; erasure sets it
 *   to its empty value (or deletes the row, for tables whose rows are personal as a whole).
 * - `credential`: a secret (token, nonce, hash). Never exported; erasure empties it when it
 *   gives an empty value (an unsubscribe token acts on the profile), else leaves it.
 * - `kept`: not personal: ids, keys a client chose for idempotency, closed codes, text the
 *   workspace wrote about its own business, and staff accounts (not customers).
 *
 * Each table also says which of its rows are about one customer (`rows`), and, where erasure
 * reaches other rows than the export, `eraseRows`. Export and erasure both walk this list, so
 * neither has its own table list that could drift. Erasure runs in list order.
 */

/** One customer as the export and erasure see them, gathered before anything is changed. */
export interface DataSubject {
  workspaceId: string;
  /** The profile and every profile merged into it: personal data may sit under any of them. */
  customerIds: string[];
  /** Their user and anonymous ids, emails and phones: ingested events name people by these, not by profile. */
  userIds: string[];
  anonymousIds: string[];
  emails: string[];
  phones: string[];
  /** The households they belong to. */
  householdIds: string[];
  /** Those with no other member: erasure empties these, a shared household keeps its name. */
  soleHouseholdIds: string[];
}

type Scalar = null | string | number;
/** What an erased column becomes: a value, or for a JSON column the object with only these keys. */
export type Empty = Scalar | { keepKeys: readonly string[] };

export type ColumnClass = { class: 'personal'; empty: Empty } | { class: 'credential'; empty?: Empty } | { class: 'kept' };

export type RowFilter = (subject: DataSubject) => RawBuilder<boolean>;

export interface TableEntry {
  table: keyof DB & string;
  /** The rows about one customer, which the export carries; null when none is about one customer. */
  rows: RowFilter | null;
  /** The rows erasure visits, when they differ from `rows`. */
  eraseRows?: RowFilter;
  /** `delete` for tables whose rows are personal as a whole (identities, consent history). */
  erase: 'update' | 'delete';
  columns: Record<string, ColumnClass>;
  /** Set on erasure beside, or instead of, the emptied values (read from the row as it was). */
  alsoSet?: Record<string, RawBuilder<unknown>>;
  /** How a row reads in the export, which staff download, when some of it is for the customer's eyes only. */
  exportView?: (row: JsonObject) => JsonObject;
}

const personal = (empty: Empty | readonly [] = null): ColumnClass => ({
  class: 'personal',
  empty: Array.isArray(empty) ? '{}' : (empty as Empty),
});
const credential = (empty?: Empty): ColumnClass => (empty === undefined ? { class: 'credential' } : { class: 'credential', empty });
const KEPT: ColumnClass = { class: 'kept' };
function kept<N extends string>(...names: N[]): Record<N, ColumnClass> {
  return Object.fromEntries(names.map((name) => [name, KEPT])) as Record<N, ColumnClass>;
}

/** One table's entry; a column name the table does not have fails the type check. */
function entry<T extends keyof DB & string, C extends Record<string, ColumnClass>>(
  table: T,
  spec: Omit<TableEntry, 'table' | 'columns' | 'erase'> & {
    erase?: 'update' | 'delete';
    columns: C & { [K in Exclude<keyof C, keyof DB[T]>]: never };
  },
): TableEntry {
  return { ...spec, table, erase: spec.erase ?? 'update', columns: spec.columns };
}

/** `column in (values)`, false for no values. */
export function within(column: string, values: readonly string[]): RawBuilder<boolean> {
  return values.length ? sql<boolean>`${sql.ref(column)} in (${sql.join(values)})` : sql<boolean>`false`;
}

const ofCustomer: RowFilter = (s) => within('customer_id', s.customerIds);
const ofCasesOfCustomer: RowFilter = (s) =>
  sql<boolean>`case_id in (select id from cases where workspace_id = ${s.workspaceId} and ${within('customer_id', s.customerIds)})`;
const ofHoldingsOfCustomer: RowFilter = (s) =>
  sql<boolean>`holding_id in (select id from holdings where workspace_id = ${s.workspaceId}
    and (${within('customer_id', s.customerIds)} or ${within('payer_customer_id', s.customerIds)}))`;
const auditOf =
  (households: (s: DataSubject) => string[]): RowFilter =>
  (s) =>
    sql<boolean>`((entity_type = 'customer' and ${within('entity_id', s.customerIds)})
      or (entity_type = 'household' and ${within('entity_id', households(s))}))`;

/** Case event data kept on erasure: what SLA, effort and giving read. A note or complaint category goes. */
const CASE_EVENT_FACTS = [
  'target',
  'dueAt',
  'state',
  'priority',
  'channel',
  'agentId',
  'teamId',
  'slaPolicyId',
  'complaint',
  'pausedSeconds',
  'interactionId',
  'fromAgentId',
  'toAgentId',
  'fromTeamId',
  'toTeamId',
];

export const PERSONAL_DATA: readonly TableEntry[] = [
  // ─── Tenants and access: no row is about a customer ───
  entry('workspaces', { rows: null, columns: kept('id', 'name', 'slug', 'default_country', 'default_currency') }),
  // Staff accounts: personal data of staff, not of customers, and never in a customer's export.
  entry('users', { rows: null, columns: { ...kept('id', 'email', 'name'), password_hash: credential() } }),
  entry('memberships', { rows: null, columns: kept('workspace_id', 'user_id', 'role') }),
  entry('sessions', { rows: null, columns: { ...kept('user_id', 'workspace_id'), token_hash: credential() } }),
  entry('api_keys', {
    rows: null,
    columns: { ...kept('workspace_id', 'id', 'kind', 'name', 'created_by'), key_hash: credential(), key_prefix: credential() },
  }),
  entry('schema_migrations', { rows: null, columns: kept('name') }),

  // ─── Customers ───
  entry('customers', {
    rows: (s) => within('id', s.customerIds),
    columns: {
      ...kept('workspace_id', 'id', 'merged_into'),
      ...Object.fromEntries(Object.entries(NO_PERSONAL_DATA).map(([column, empty]) => [column, personal(empty)])),
    },
  }),
  entry('customer_identities', {
    rows: ofCustomer,
    erase: 'delete',
    columns: { ...kept('workspace_id', 'kind', 'customer_id'), namespace: personal(), value: personal(), source: personal() },
  }),
  entry('customer_merges', {
    rows: (s) => sql<boolean>`(${within('survivor_id', s.customerIds)} or ${within('merged_id', s.customerIds)})`,
    columns: {
      ...kept('workspace_id', 'id', 'survivor_id', 'merged_id', 'actor_kind', 'actor_id'),
      reason: personal('Erased'),
      identity: personal(null),
      merged_profile: personal('{}'),
    },
  }),
  entry('households', {
    rows: (s) => within('id', s.householdIds),
    eraseRows: (s) => within('id', s.soleHouseholdIds),
    columns: { ...kept('workspace_id', 'id', 'kind'), name: personal('Erased household') },
  }),
  entry('household_members', { rows: ofCustomer, erase: 'delete', columns: kept('workspace_id', 'household_id', 'customer_id', 'role') }),
  entry('consent_events', {
    rows: ofCustomer,
    erase: 'delete',
    columns: {
      ...kept('workspace_id', 'id', 'customer_id', 'purpose', 'channel', 'status', 'actor_kind', 'actor_id'),
      source: personal(),
      evidence: personal(),
    },
  }),
  entry('dsr_requests', {
    rows: ofCustomer,
    // The record that a request was made and honoured stays; why, in someone's words, goes.
    columns: { ...kept('workspace_id', 'id', 'customer_id', 'kind', 'requested_by_kind', 'requested_by_id'), reason: personal(null) },
  }),
  entry('audit_log', {
    rows: auditOf((s) => s.householdIds),
    eraseRows: auditOf((s) => s.soleHouseholdIds),
    columns: { ...kept('workspace_id', 'id', 'actor_kind', 'actor_id', 'action', 'entity_type', 'entity_id'), changes: personal('{}') },
  }),

  // ─── Catalog and holdings ───
  entry('product_lines', { rows: null, columns: kept('workspace_id', 'id', 'code', 'name') }),
  entry('products', { rows: null, columns: kept('workspace_id', 'id', 'product_line_id', 'code', 'name', 'kind') }),
  entry('plans', { rows: null, columns: kept('workspace_id', 'id', 'product_id', 'code', 'name', 'currency', 'billing_period') }),
  entry('holdings', {
    rows: (s) => sql<boolean>`(${within('customer_id', s.customerIds)} or ${within('payer_customer_id', s.customerIds)})`,
    // A line number is the holder's, not the payer's.
    eraseRows: ofCustomer,
    columns: {
      ...kept('workspace_id', 'id', 'customer_id', 'payer_customer_id', 'household_id', 'product_id', 'plan_id', 'status', 'currency'),
      // a sales channel name (web, store, partner)
      ...kept('acquisition_channel'),
      external_ref: personal(null),
    },
  }),
  entry('usage_records', { rows: ofHoldingsOfCustomer, columns: kept('workspace_id', 'holding_id') }),
  entry('transactions', {
    rows: ofCustomer,
    columns: {
      // source and external id are the sending system's keys: a resend is recognised by them
      ...kept('workspace_id', 'id', 'customer_id', 'holding_id', 'kind', 'currency', 'source', 'external_id'),
      description: personal(null),
    },
  }),
  entry('customer_events', {
    rows: ofCustomer,
    columns: {
      // message_id is the client's key: kept so that a retry stays a no-op
      ...kept('workspace_id', 'id', 'customer_id', 'type', 'source', 'message_id'),
      name: personal(null),
      properties: personal('{}'),
      context: personal('{}'),
    },
  }),

  // ─── Ingestion ───
  entry('ingest_events', {
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
  entry('ingest_groups', {
    rows: (s) => within('household_id', s.householdIds),
    eraseRows: (s) => within('household_id', s.soleHouseholdIds),
    erase: 'delete',
    columns: { ...kept('workspace_id', 'household_id'), group_id: personal() },
  }),

  // ─── Service ───
  entry('service_teams', { rows: null, columns: kept('workspace_id', 'id', 'name', 'lead_user_id') }),
  entry('service_team_members', { rows: null, columns: kept('workspace_id', 'team_id', 'user_id') }),
  entry('service_jobs', { rows: null, columns: kept('workspace_id', 'id', 'code', 'name') }),
  entry('sla_policies', {
    rows: null,
    columns: kept('workspace_id', 'id', 'name', 'time_zone', 'working_hours', 'holidays', 'targets'),
  }),
  entry('cases', {
    rows: ofCustomer,
    columns: {
      ...kept('workspace_id', 'id', 'customer_id', 'state', 'priority', 'channel', 'job_id', 'product_line_id', 'team_id'),
      ...kept('agent_user_id', 'sla_policy_id'),
      subject: personal('Erased'),
      complaint_category: personal(null),
    },
  }),
  entry('case_events', {
    rows: ofCasesOfCustomer,
    columns: {
      ...kept('workspace_id', 'id', 'case_id', 'kind', 'from_state', 'to_state', 'actor_kind', 'actor_id'),
      data: personal({ keepKeys: CASE_EVENT_FACTS }),
    },
  }),
  entry('interactions', {
    rows: ofCustomer,
    columns: {
      ...kept('workspace_id', 'id', 'customer_id', 'channel', 'direction', 'agent_user_id', 'team_id', 'job_id', 'case_id'),
      ...kept('product_line_id', 'source', 'external_id'),
      outcome: personal(null),
      note: personal(null),
    },
  }),
  entry('goodwill_budgets', { rows: null, columns: kept('workspace_id', 'role', 'currency') }),
  entry('goodwill_gestures', {
    rows: ofCustomer,
    columns: {
      ...kept('workspace_id', 'id', 'customer_id', 'case_id', 'kind', 'currency', 'status', 'requested_by_kind', 'requested_by_id'),
      ...kept('decided_by_user_id'),
      reason: personal('Erased'),
      decision_note: personal(null),
    },
  }),
  // Rollup keys are ids and closed codes ('' for none).
  entry('service_rollups', { rows: null, columns: kept('workspace_id', 'dimension', 'value') }),
  entry('service_rollup_buckets', { rows: null, columns: kept('workspace_id', 'dimension', 'value', 'metric') }),

  // ─── Messages ───
  entry('message_settings', { rows: null, columns: kept('workspace_id', 'default_language') }),
  // sample_data: example values staff write for the preview, never a customer's.
  entry('message_templates', {
    rows: null,
    columns: kept('workspace_id', 'id', 'key', 'purpose', 'language', 'subject', 'body', 'sample_data'),
  }),
  entry('messages', {
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
  entry('message_events', {
    rows: ofCustomer,
    columns: { ...kept('workspace_id', 'id', 'message_id', 'customer_id', 'kind'), detail: personal('{}') },
  }),

  // ─── Feedback ───
  entry('surveys', { rows: null, columns: kept('workspace_id', 'id', 'name', 'kind', 'status', 'definition', 'trigger') }),
  entry('survey_invitations', {
    rows: ofCustomer,
    columns: {
      ...kept('workspace_id', 'id', 'survey_id', 'customer_id', 'subject_key', 'interaction_id', 'case_id', 'followup_case_id'),
      ...kept('status', 'reason', 'message_id'),
      nonce: credential(),
    },
  }),
  entry('survey_responses', {
    rows: ofCustomer,
    columns: {
      ...kept('workspace_id', 'id', 'survey_id', 'survey_kind', 'customer_id', 'language', 'interaction_id', 'case_id'),
      ...kept('agent_user_id', 'team_id', 'channel', 'job_id', 'product_line_id', 'sentiment_label', 'status', 'invitation_id'),
      // the workspace's own segment names, a reporting dimension the rollups count by; feelings are a closed list
      ...kept('segment', 'feelings'),
      comment: personal(null),
      answers: personal('{}'),
      // themes are phrases taken from the comment, and may name people or places
      themes: personal([]),
    },
  }),
  entry('survey_followups', {
    rows: ofCustomer,
    columns: {
      ...kept('workspace_id', 'response_id', 'case_id', 'customer_id', 'owner_user_id', 'reasons', 'resurvey_invitation_id'),
      outcome: personal(null),
    },
  }),
  entry('feedback_server_secrets', { rows: null, columns: { ...kept('name'), value: credential() } }),
  entry('feedback_rollups', { rows: null, columns: kept('workspace_id', 'survey_kind', 'dimension', 'value') }),
  // A theme is a phrase from comments. Erasing a response's themes (above) takes its counts out;
  // a theme nobody else named is left at zero and goes, so the phrase is not kept as a key.
  entry('feedback_theme_rollups', {
    rows: null,
    eraseRows: () => sql<boolean>`n = 0 and sentiment_n = 0 and sentiment_milli_sum = 0`,
    erase: 'delete',
    columns: { ...kept('workspace_id', 'survey_kind', 'dimension', 'value'), theme: personal() },
  }),

  // ─── Loyalty and giving ───
  entry('loyalty_settings', { rows: null, columns: kept('workspace_id') }),
  entry('loyalty_earning_rules', { rows: null, columns: kept('workspace_id', 'id', 'kind', 'name') }),
  entry('loyalty_entries', {
    rows: ofCustomer,
    // the source key keeps the same source from counting twice
    columns: { ...kept('workspace_id', 'id', 'customer_id', 'kind', 'source_key', 'rule_id'), reason: personal(null) },
  }),
  entry('loyalty_tiers', { rows: null, columns: kept('workspace_id', 'id', 'name', 'benefits') }),
  entry('loyalty_rewards', { rows: null, columns: kept('workspace_id', 'id', 'name', 'description', 'currency') }),
  entry('loyalty_redemptions', {
    rows: ofCustomer,
    columns: kept('workspace_id', 'id', 'customer_id', 'reward_id', 'entry_id', 'idempotency_key'),
  }),
  entry('giving_rules', { rows: null, columns: kept('workspace_id', 'id', 'kind', 'name', 'config') }),
  entry('gifts', {
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
  entry('gift_events', {
    rows: (s) =>
      sql<boolean>`gift_id in (select id from gifts where workspace_id = ${s.workspaceId} and ${within('customer_id', s.customerIds)})`,
    columns: { ...kept('workspace_id', 'gift_id', 'kind', 'actor_kind', 'actor_id'), note: personal(null) },
  }),
  entry('giving_runs', { rows: null, columns: kept('workspace_id', 'id', 'worker', 'by_rule') }),
  entry('giving_chunks', { rows: null, columns: kept('workspace_id', 'leased_by') }),
];

/** The SQL for an erased column's value. */
export function emptyValue(column: string, empty: Empty): RawBuilder<unknown> {
  if (empty !== null && typeof empty === 'object') {
    return sql`(select coalesce(jsonb_object_agg(k.key, k.value), '{}'::jsonb) from jsonb_each(${sql.ref(column)}) k
      where k.key in (${sql.join(empty.keepKeys)}))`;
  }
  return sql`${empty}`;
}

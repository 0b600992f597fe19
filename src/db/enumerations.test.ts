import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_KEY_KINDS } from '../auth/tables.js';
import { BILLING_PERIODS, PRODUCT_KINDS } from '../catalog/tables.js';
import {
  CONSENT_CHANNELS,
  CONSENT_PURPOSES,
  CONSENT_STATUSES,
  DSR_KINDS,
  HOUSEHOLD_KINDS,
  HOUSEHOLD_ROLES,
  IDENTITY_KINDS,
} from '../customers/tables.js';
import { INVITATION_STATUSES, RESPONSE_STATUSES, SENTIMENT_LABELS, SURVEY_KINDS, SURVEY_STATUSES } from '../feedback/tables.js';
import { GIFT_STATUSES, GIVING_RULE_KINDS } from '../giving/tables.js';
import { HOLDING_STATUSES, TRANSACTION_KINDS } from '../holdings/tables.js';
import { EVENT_TYPES, INGEST_EVENT_TYPES, INGEST_STATUSES } from '../ingest/tables.js';
import { EARNING_RULE_KINDS, LOYALTY_ENTRY_KINDS } from '../loyalty/tables.js';
import { MESSAGE_CHANNELS, MESSAGE_EVENT_KINDS, MESSAGE_PURPOSES, MESSAGE_STATUSES } from '../messages/tables.js';
import { ROLLUP_METRICS } from '../metrics/tables.js';
import { CASE_PRIORITIES, CASE_STATES, CHANNELS, DIRECTIONS, GESTURE_KINDS, GESTURE_STATUSES } from '../service/tables.js';
import { openTestDatabase } from '../test/database.js';
import { ACTOR_KINDS, ROLES } from '../workspaces/tables.js';
import type { Database } from './database.js';

// One source for each enumeration: the lists beside each capability's row types drive the
// TypeScript types, the route schemas (OneOf) and the web app. The SQL CHECK constraints are
// written in the migrations; this test reads them back from a migrated database and proves
// that every enumerated column allows exactly the values its list names.

const ENUMERATED_COLUMNS: Record<string, readonly string[]> = {
  'memberships.role': ROLES,
  'api_keys.kind': API_KEY_KINDS,
  'audit_log.actor_kind': ACTOR_KINDS,
  'customer_identities.kind': IDENTITY_KINDS,
  'households.kind': HOUSEHOLD_KINDS,
  'household_members.role': HOUSEHOLD_ROLES,
  'consent_events.purpose': CONSENT_PURPOSES,
  'consent_events.channel': CONSENT_CHANNELS,
  'consent_events.status': CONSENT_STATUSES,
  'dsr_requests.kind': DSR_KINDS,
  'products.kind': PRODUCT_KINDS,
  'plans.billing_period': BILLING_PERIODS,
  'holdings.status': HOLDING_STATUSES,
  'transactions.kind': TRANSACTION_KINDS,
  'customer_events.type': EVENT_TYPES,
  'ingest_events.type': INGEST_EVENT_TYPES,
  'ingest_events.status': INGEST_STATUSES,
  'cases.state': CASE_STATES,
  'cases.priority': CASE_PRIORITIES,
  'case_events.actor_kind': ACTOR_KINDS,
  'interactions.channel': CHANNELS,
  'interactions.direction': DIRECTIONS,
  'goodwill_budgets.role': ROLES,
  'goodwill_gestures.kind': GESTURE_KINDS,
  'goodwill_gestures.status': GESTURE_STATUSES,
  'goodwill_gestures.requested_by_kind': ACTOR_KINDS,
  'service_rollup_buckets.metric': ROLLUP_METRICS,
  'message_templates.purpose': MESSAGE_PURPOSES,
  'messages.purpose': MESSAGE_PURPOSES,
  'messages.channel': MESSAGE_CHANNELS,
  'messages.status': MESSAGE_STATUSES,
  'message_events.kind': MESSAGE_EVENT_KINDS,
  'surveys.kind': SURVEY_KINDS,
  'surveys.status': SURVEY_STATUSES,
  'survey_responses.survey_kind': SURVEY_KINDS,
  'survey_responses.sentiment_label': SENTIMENT_LABELS,
  'survey_responses.status': RESPONSE_STATUSES,
  'survey_invitations.status': INVITATION_STATUSES,
  'loyalty_entries.kind': LOYALTY_ENTRY_KINDS,
  'loyalty_earning_rules.kind': EARNING_RULE_KINDS,
  'giving_rules.kind': GIVING_RULE_KINDS,
  'gifts.rule_kind': GIVING_RULE_KINDS,
  'gifts.status': GIFT_STATUSES,
  'gift_events.kind': GIFT_STATUSES,
  'gift_events.actor_kind': ACTOR_KINDS,
};

let database: Database;

beforeAll(async () => {
  database = await openTestDatabase();
});

afterAll(async () => {
  await database.close();
});

/** Every CHECK constraint of the form `column IN (…)` (PostgreSQL shows `column = ANY (ARRAY[…])`). */
async function checkedEnumerations(): Promise<Map<string, string[]>> {
  const { rows } = await sql<{ table_name: string; definition: string }>`
    select c.conrelid::regclass::text as table_name, pg_get_constraintdef(c.oid) as definition
    from pg_constraint c join pg_namespace n on n.oid = c.connamespace
    where c.contype = 'c' and n.nspname = current_schema()`.execute(database.db);
  const found = new Map<string, string[]>();
  for (const row of rows) {
    const match = /^CHECK \(\(?\(?([a-z_]+) = ANY \(ARRAY\[(.*)\]\)\)/.exec(row.definition);
    if (!match) continue;
    const values = [...(match[2] ?? '').matchAll(/'([^']*)'::text/g)].map((m) => m[1] ?? '');
    const table = row.table_name.replace(/^.*\./, '');
    found.set(`${table}.${match[1]}`, values);
  }
  return found;
}

describe('enumerations', () => {
  it('allow in SQL exactly the values each list declares, for every enumerated column', async () => {
    const checked = await checkedEnumerations();
    expect([...checked.keys()].sort(), 'an enumerated column without its list here, or a list without its CHECK').toEqual(
      Object.keys(ENUMERATED_COLUMNS).sort(),
    );
    for (const [column, values] of checked) {
      expect([...values].sort(), column).toEqual([...(ENUMERATED_COLUMNS[column] ?? [])].sort());
    }
  });
});

import type { Updateable } from 'kysely';
import type { CustomersTable } from './tables.js';

/**
 * Every column that points at a customer. A merge repoints them all at the survivor and
 * an erasure visits them, so a capability that adds such a column registers it here;
 * a test compares this list with the database catalogue and fails on a missing one.
 */
export const CUSTOMER_REFERENCES: ReadonlyArray<{ table: string; column: string }> = [
  { table: 'customer_identities', column: 'customer_id' },
  { table: 'household_members', column: 'customer_id' },
  { table: 'consent_events', column: 'customer_id' },
  { table: 'holdings', column: 'customer_id' },
  { table: 'holdings', column: 'payer_customer_id' },
  { table: 'transactions', column: 'customer_id' },
  { table: 'customer_events', column: 'customer_id' },
  { table: 'dsr_requests', column: 'customer_id' },
  { table: 'interactions', column: 'customer_id' },
  { table: 'cases', column: 'customer_id' },
  { table: 'goodwill_gestures', column: 'customer_id' },
  { table: 'messages', column: 'customer_id' },
  { table: 'message_events', column: 'customer_id' },
  { table: 'survey_responses', column: 'customer_id' },
  { table: 'survey_invitations', column: 'customer_id' },
  { table: 'survey_followups', column: 'customer_id' },
  { table: 'loyalty_entries', column: 'customer_id' },
  { table: 'loyalty_redemptions', column: 'customer_id' },
  { table: 'gifts', column: 'customer_id' },
];

/** Columns that name customers but are history, not pointers: merges keep both ids as they were. */
export const CUSTOMER_HISTORY_COLUMNS: ReadonlyArray<{ table: string; column: string }> = [
  { table: 'customer_merges', column: 'survivor_id' },
  { table: 'customer_merges', column: 'merged_id' },
];

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

import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';
import type { Timestamp, CreatedAt, Json, JsonWithDefault } from '../db/columns.js';
import type { ActorKind } from '../workspaces/tables.js';

// Row types for the tables the customers capability owns (see migrations/). Only this capability
// writes them; a column added to the SQL is added here in the same change.

export interface CustomersTable {
  workspace_id: string;
  id: string;
  display_name: string | null;
  traits: JsonWithDefault;
  preferred_channels: ColumnType<string[], string[] | undefined, string[]>;
  language: string | null;
  time_zone: string | null;
  quiet_hours_start: number | null;
  quiet_hours_end: number | null;
  contact_cap_count: number | null;
  contact_cap_days: number | null;
  merged_into: string | null;
  erased_at: Timestamp | null;
  created_at: CreatedAt;
  updated_at: CreatedAt;
}

export const IDENTITY_KINDS = ['email', 'phone', 'user_id', 'anonymous_id', 'external'] as const;
export type IdentityKind = (typeof IDENTITY_KINDS)[number];

export interface CustomerIdentitiesTable {
  workspace_id: string;
  kind: IdentityKind;
  namespace: ColumnType<string, string | undefined, string>;
  value: string;
  customer_id: string;
  source: string | null;
  created_at: CreatedAt;
}

export interface CustomerMergesTable {
  workspace_id: string;
  id: string;
  survivor_id: string;
  merged_id: string;
  reason: string;
  identity: Json | null;
  merged_profile: Json;
  actor_kind: ActorKind;
  actor_id: string | null;
  occurred_at: CreatedAt;
}

export const HOUSEHOLD_KINDS = ['household', 'family_plan', 'business_account'] as const;
export type HouseholdKind = (typeof HOUSEHOLD_KINDS)[number];

export const HOUSEHOLD_ROLES = ['owner', 'payer', 'member'] as const;
export type HouseholdRole = (typeof HOUSEHOLD_ROLES)[number];

export interface HouseholdsTable {
  workspace_id: string;
  id: string;
  name: string;
  kind: HouseholdKind;
  created_at: CreatedAt;
  updated_at: CreatedAt;
}

export interface HouseholdMembersTable {
  workspace_id: string;
  household_id: string;
  customer_id: string;
  role: HouseholdRole;
  joined_at: CreatedAt;
}

export const CONSENT_PURPOSES = ['service', 'marketing', 'surveys', 'profiling'] as const;
export type ConsentPurpose = (typeof CONSENT_PURPOSES)[number];

export const CONSENT_CHANNELS = ['email', 'sms', 'phone', 'post', 'push', 'in_app', 'whatsapp'] as const;
export type ConsentChannel = (typeof CONSENT_CHANNELS)[number];

export const CONSENT_STATUSES = ['granted', 'withdrawn'] as const;
export type ConsentStatus = (typeof CONSENT_STATUSES)[number];

export interface ConsentEventsTable {
  workspace_id: string;
  id: string;
  customer_id: string;
  purpose: ConsentPurpose;
  channel: ConsentChannel;
  status: ConsentStatus;
  source: string;
  evidence: Json | null;
  recorded_at: CreatedAt;
  seq: Generated<number>;
  actor_kind: ActorKind;
  actor_id: string | null;
}

export const DSR_KINDS = ['export', 'erase'] as const;
export type DsrKind = (typeof DSR_KINDS)[number];

export interface DsrRequestsTable {
  workspace_id: string;
  id: string;
  customer_id: string;
  kind: DsrKind;
  reason: string | null;
  requested_by_kind: ActorKind;
  requested_by_id: string | null;
  requested_at: CreatedAt;
  completed_at: Timestamp | null;
}

export type CustomerRow = Selectable<CustomersTable>;

export type NewCustomer = Insertable<CustomersTable>;

/** The customers capability's tables, composed into the database type in src/db/schema.ts. */
export interface CustomersTables {
  customers: CustomersTable;
  customer_identities: CustomerIdentitiesTable;
  customer_merges: CustomerMergesTable;
  households: HouseholdsTable;
  household_members: HouseholdMembersTable;
  consent_events: ConsentEventsTable;
  dsr_requests: DsrRequestsTable;
}

import type { Generated } from 'kysely';
import type { Timestamp, CreatedAt, Json, JsonWithDefault } from '../db/columns.js';

// Row types for the tables the ingest capability owns (see migrations/). Only this capability
// writes them; a column added to the SQL is added here in the same change.

export const EVENT_TYPES = ['track', 'page', 'screen', 'identify', 'group', 'alias', 'system'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export interface CustomerEventsTable {
  workspace_id: string;
  id: string;
  customer_id: string;
  type: EventType;
  name: string | null;
  properties: JsonWithDefault;
  context: JsonWithDefault;
  occurred_at: Timestamp;
  received_at: CreatedAt;
  source: string | null;
  message_id: string | null;
}

export const INGEST_EVENT_TYPES = ['track', 'page', 'screen', 'identify', 'group', 'alias'] as const;
export type IngestEventType = (typeof INGEST_EVENT_TYPES)[number];

export const INGEST_STATUSES = ['pending', 'done', 'failed'] as const;
export type IngestStatus = (typeof INGEST_STATUSES)[number];

export interface IngestEventsTable {
  workspace_id: string;
  message_id: string;
  seq: Generated<number>;
  type: IngestEventType;
  user_id: string | null;
  anonymous_id: string | null;
  name: string | null;
  group_id: string | null;
  previous_id: string | null;
  properties: Json | null;
  traits: Json | null;
  context: Json | null;
  occurred_at: Timestamp;
  sent_at: Timestamp | null;
  received_at: Timestamp;
  source: string;
  status: Generated<IngestStatus>;
  error: string | null;
  processed_at: Timestamp | null;
}

export interface IngestGroupsTable {
  workspace_id: string;
  group_id: string;
  household_id: string;
}

/** The ingest capability's tables, composed into the database type in src/db/schema.ts. */
export interface IngestTables {
  customer_events: CustomerEventsTable;
  ingest_events: IngestEventsTable;
  ingest_groups: IngestGroupsTable;
}

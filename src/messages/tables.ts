import type { ColumnType } from 'kysely';
import type { Timestamp, CreatedAt, JsonWithDefault } from '../db/columns.js';

// Row types for the tables the messages capability owns (see migrations/). Only this capability
// writes them; a column added to the SQL is added here in the same change.

export const MESSAGE_PURPOSES = ['service', 'survey', 'marketing', 'gift'] as const;
export type MessagePurpose = (typeof MESSAGE_PURPOSES)[number];

export const MESSAGE_CHANNELS = ['email', 'sms', 'webhook', 'letter'] as const;
export type MessageChannel = (typeof MESSAGE_CHANNELS)[number];

export const MESSAGE_STATUSES = ['queued', 'sending', 'sent', 'delivered', 'failed', 'suppressed'] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];

export const MESSAGE_EVENT_KINDS = ['retry', 'failed', 'delivered', 'bounced', 'reply', 'unsubscribed', 'outcome_unknown'] as const;
export type MessageEventKind = (typeof MESSAGE_EVENT_KINDS)[number];

export interface MessageSettingsTable {
  workspace_id: string;
  default_language: ColumnType<string, string | undefined, string>;
  cap_count: ColumnType<number, number | undefined, number>;
  cap_days: ColumnType<number, number | undefined, number>;
  updated_at: CreatedAt;
}

export interface MessageTemplatesTable {
  workspace_id: string;
  id: string;
  key: string;
  purpose: MessagePurpose;
  language: string;
  subject: string;
  body: string;
  /** What the preview reads as data.* (migrations/0900). */
  sample_data: JsonWithDefault;
  created_at: CreatedAt;
  updated_at: CreatedAt;
}

export interface MessagesTable {
  workspace_id: string;
  id: string;
  customer_id: string;
  purpose: MessagePurpose;
  template_key: string;
  language: string | null;
  channel: MessageChannel | null;
  recipient: string | null;
  subject: string | null;
  body: string | null;
  payload: JsonWithDefault;
  status: MessageStatus;
  reason: string | null;
  attempts: ColumnType<number, number | undefined, number>;
  next_attempt_at: CreatedAt;
  claimed_by: string | null;
  lease_until: Timestamp | null;
  /** While `sending`: claimed but not yet handed to the transport (migrations/0008). */
  handover_pending: ColumnType<boolean, boolean | undefined, boolean>;
  idempotency_key: string;
  unsubscribe_token: string | null;
  provider_id: string | null;
  last_error: string | null;
  created_at: CreatedAt;
  sent_at: Timestamp | null;
  delivered_at: Timestamp | null;
  updated_at: CreatedAt;
}

export interface MessageEventsTable {
  workspace_id: string;
  id: string;
  message_id: string;
  customer_id: string;
  kind: MessageEventKind;
  detail: JsonWithDefault;
  occurred_at: CreatedAt;
}

/** The messages capability's tables, composed into the database type in src/db/schema.ts. */
export interface MessagesTables {
  message_settings: MessageSettingsTable;
  message_templates: MessageTemplatesTable;
  messages: MessagesTable;
  message_events: MessageEventsTable;
}

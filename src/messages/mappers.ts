import type { Selectable } from 'kysely';
import type { MessageEventsTable, MessagesTable, MessageTemplatesTable } from './tables.js';
import { toIso, toIsoOrNull } from '../time.js';
import { completeSampleData } from './sample-data.js';
import type { Message, Template } from './schemas.js';
import { forStaff } from './withheld.js';

export function toTemplate(row: Selectable<MessageTemplatesTable>): Template {
  return {
    id: row.id,
    key: row.key,
    purpose: row.purpose,
    language: row.language,
    subject: row.subject,
    body: row.body,
    sampleData: completeSampleData(row.sample_data, [row.subject, row.body]),
    createdAt: toIso(row.created_at),
    updatedAt: toIso(row.updated_at),
  };
}

/**
 * A message as the API shows it, with its customer's name for people to read: values only
 * the customer may read are withheld (src/messages/withheld.ts).
 */
export function toMessage(stored: Selectable<MessagesTable>, customerName: string | null): Message {
  const row = forStaff(stored);
  return {
    id: row.id,
    customerId: row.customer_id,
    customerName,
    purpose: row.purpose,
    templateKey: row.template_key,
    language: row.language,
    channel: row.channel,
    recipient: row.recipient,
    subject: row.subject,
    body: row.body,
    status: row.status,
    reason: row.reason,
    attempts: row.attempts,
    nextAttemptAt: toIso(row.next_attempt_at),
    idempotencyKey: row.idempotency_key,
    lastError: row.last_error,
    createdAt: toIso(row.created_at),
    sentAt: toIsoOrNull(row.sent_at),
    deliveredAt: toIsoOrNull(row.delivered_at),
  };
}

export function toMessageEvent(row: Selectable<MessageEventsTable>) {
  return { id: row.id, kind: row.kind, detail: row.detail, occurredAt: toIso(row.occurred_at) };
}

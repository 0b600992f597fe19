import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import type { MessageEventKind } from './tables.js';
import { newId } from '../ids.js';

/** The message an event belongs to: its keys and the customer it went to. */
export interface MessageRef {
  workspace_id: string;
  id: string;
  customer_id: string;
}

/** Appends one event to a message's history (the outbox page and the timeline read it). */
export async function recordMessageEvent(
  db: Kysely<DB>,
  message: MessageRef,
  kind: MessageEventKind,
  detail: Record<string, unknown>,
  occurredAt: Date,
  id: string = newId('mev'),
): Promise<void> {
  await db
    .insertInto('message_events')
    .values({
      workspace_id: message.workspace_id,
      id,
      message_id: message.id,
      customer_id: message.customer_id,
      kind,
      detail: JSON.stringify(detail),
      occurred_at: occurredAt,
    })
    .execute();
}

import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/tables.js';
import type { IngestEvent } from './messages.js';

/** The protocol an event came through, kept with it. */
export type IngestSource = 'segment' | 'posthog' | 'jitsu';

/**
 * The acknowledgement path: the whole batch in one statement (one JSON parameter unpacked by
 * jsonb_to_recordset), committed before the caller answers. A message id already stored for
 * the workspace is skipped, so a client's retry stores nothing twice. Returns how many were new.
 */
export async function storeEvents(db: Kysely<DB>, workspaceId: string, source: IngestSource, events: IngestEvent[]): Promise<number> {
  if (events.length === 0) return 0;
  const result = await sql`
    insert into ingest_events (workspace_id, message_id, type, user_id, anonymous_id, name, group_id, previous_id,
      properties, traits, context, occurred_at, sent_at, received_at, source)
    select ${workspaceId}, r."messageId", r.type, r."userId", r."anonymousId", r.name, r."groupId", r."previousId",
      r.properties, r.traits, r.context, r."occurredAt", r."sentAt", r."receivedAt", ${source}
    from jsonb_to_recordset(${JSON.stringify(events)}::jsonb) as r("messageId" text, type text, "userId" text,
      "anonymousId" text, name text, "groupId" text, "previousId" text, properties jsonb, traits jsonb, context jsonb,
      "occurredAt" timestamptz, "sentAt" timestamptz, "receivedAt" timestamptz)
    on conflict (workspace_id, message_id) do nothing`.execute(db);
  return Number(result.numAffectedRows ?? 0);
}

import { sql, type Kysely } from 'kysely';
import { AppError } from '../errors.js';
import type { DB } from '../db/tables.js';
import { contextDefaults, type IngestEvent, type RequestFacts } from './messages.js';

/** The protocol an event came through, kept with it. */
export type IngestSource = 'segment' | 'posthog' | 'jitsu';

/**
 * The acknowledgement path: the whole batch in one statement (one JSON parameter unpacked by
 * jsonb_to_recordset; properties, traits and context taken out of each message there),
 * committed before the caller answers. A message id already stored for the workspace is
 * skipped, so a client's retry stores nothing twice. Returns how many were new; throws an
 * `unavailable` AppError (a 503, which clients retry) when the statement failed, in which
 * case nothing of the request was stored.
 *
 * One statement per request on purpose: grouping concurrent requests into one statement
 * (group commit) was measured slower here (bench/ingest.ts, alternating runs: 12–16k against 19–20k events/s),
 * because the database's per-row work (parsing the jsonb) then runs on one backend instead
 * of one per connection, and PostgreSQL already groups concurrent commits' WAL flushes.
 */
export async function storeEvents(
  db: Kysely<DB>,
  workspaceId: string,
  source: IngestSource,
  events: IngestEvent[],
  facts: RequestFacts,
): Promise<number> {
  if (events.length === 0) return 0;
  // Each message is already JSON text: spliced in, not serialised again.
  const rows = events.map((e) => {
    const { json, ...fields } = e;
    return `${JSON.stringify(fields).slice(0, -1)},"message":${json}}`;
  });
  const statement = sql`
    insert into ingest_events (workspace_id, message_id, type, user_id, anonymous_id, name, group_id, previous_id,
      properties, traits, context, occurred_at, sent_at, received_at, source)
    select ${workspaceId}, r."messageId", r.type, r."userId", r."anonymousId", r.name, r."groupId", r."previousId",
      case when r.type in ('track', 'page', 'screen') then coalesce(r.message->'properties', '{}') else r.message->'properties' end,
      r.message->'traits',
      ${JSON.stringify(contextDefaults(facts))}::jsonb || coalesce(r.message->'context', '{}'),
      r."occurredAt", r."sentAt", ${facts.receivedAt}, ${source}
    from jsonb_to_recordset(${`[${rows.join(',')}]`}::jsonb) as r("messageId" text, type text, "userId" text,
      "anonymousId" text, name text, "groupId" text, "previousId" text, message jsonb, "occurredAt" timestamptz, "sentAt" timestamptz)
    on conflict (workspace_id, message_id) do nothing`;
  try {
    const result = await statement.execute(db);
    return Number(result.numAffectedRows ?? 0);
  } catch (error) {
    // The database's words stay in the server (the error handler logs the cause).
    const failure = new AppError('unavailable', 'The events could not be stored (nothing of this request was kept); send them again');
    failure.cause = error;
    throw failure;
  }
}

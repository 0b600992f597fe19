import { sql } from 'kysely';
import type { Database } from '../db/database.js';
import { AppError } from '../errors.js';
import { contextDefaults, type IngestEvent, type RequestFacts } from './messages.js';

/** The protocol an event came through, kept with it. */
export type IngestSource = 'segment' | 'posthog' | 'jitsu';

/**
 * The server's context defaults joined with the event's own context as one JSON text. jsonb
 * keeps the last of duplicate keys, so putting the defaults first lets the event's own
 * context win key by key without building a merged object per event.
 */
const EMPTY_OBJECT = /^\{\s*\}$/;

function mergedContext(defaults: string, context: string | null): string {
  // A context as sent may be an empty object with spaces in it.
  if (context === null || context.length <= 2 || EMPTY_OBJECT.test(context)) return defaults;
  if (defaults.length <= 2) return context;
  return `${defaults.slice(0, -1)},${context.slice(1)}`;
}

/** A PostgreSQL array literal of numbers (NULL for null), built without per-element escaping. */
function numberArray(values: Array<number | null>): string {
  return `{${values.map((v) => (v === null ? 'NULL' : String(v))).join(',')}}`;
}

const NEEDS_ESCAPE = /["\\]/;

/** A PostgreSQL array literal of texts: each element quoted, escaping only the few that hold a quote or backslash. */
function textArray(values: Array<string | null>): string {
  let literal = '{';
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (i > 0) literal += ',';
    if (v === null || v === undefined) literal += 'NULL';
    else literal += `"${NEEDS_ESCAPE.test(v) ? v.replace(/["\\]/g, '\\$&') : v}"`;
  }
  return `${literal}}`;
}

/**
 * The acknowledgement path: the whole batch in one statement that is its own transaction,
 * committed before the caller answers. The scalar fields travel as typed arrays and the three
 * documents as one JSON array each, parsed once by the database into jsonb and taken apart by
 * `jsonb_array_elements` (a json array split by `json_array_elements` and then cast would be
 * lexed three times). Times go as epoch milliseconds. A message id already stored for the
 * workspace is skipped, so a client's retry stores nothing twice. Throws an `unavailable`
 * AppError (a 503, which clients retry) when the statement failed, in which case nothing of
 * the request was stored.
 *
 * One statement per request on purpose: grouping concurrent requests into one statement
 * (group commit) was measured slower here (bench/ingest.ts, alternating runs: 12–16k against 19–20k events/s),
 * because the database's per-row work (parsing the jsonb) then runs on one backend instead
 * of one per connection, and PostgreSQL already groups concurrent commits' WAL flushes.
 */
export async function storeEvents(
  database: Pick<Database, 'db' | 'executePrepared'>,
  workspaceId: string,
  source: IngestSource,
  events: IngestEvent[],
  facts: RequestFacts,
): Promise<void> {
  if (events.length === 0) return;
  const defaults = JSON.stringify(contextDefaults(facts));
  const n = events.length;
  const messageIds = new Array<string>(n);
  const types = new Array<string>(n);
  const userIds = new Array<string | null>(n);
  const anonymousIds = new Array<string | null>(n);
  const names = new Array<string | null>(n);
  const groupIds = new Array<string | null>(n);
  const previousIds = new Array<string | null>(n);
  const occurredAts = new Array<number>(n);
  const sentAts = new Array<number | null>(n);
  // The documents go as JSON arrays joined from the texts already there: no escaping in Node.
  const properties = new Array<string>(n);
  const traits = new Array<string>(n);
  const contexts = new Array<string>(n);
  events.forEach((e, i) => {
    messageIds[i] = e.messageId;
    types[i] = e.type;
    userIds[i] = e.userId;
    anonymousIds[i] = e.anonymousId;
    names[i] = e.name;
    groupIds[i] = e.groupId;
    previousIds[i] = e.previousId;
    occurredAts[i] = e.occurredAtMs;
    sentAts[i] = e.sentAtMs;
    properties[i] = e.properties ?? 'null';
    traits[i] = e.traits ?? 'null';
    contexts[i] = mergedContext(defaults, e.context);
  });
  // ROWS FROM zips the arrays row by row.
  const statement = sql`
    insert into ingest_events (workspace_id, message_id, type, user_id, anonymous_id, name, group_id, previous_id,
      properties, traits, context, occurred_at, sent_at, received_at, source)
    select ${workspaceId}, r.message_id, r.type, r.user_id, r.anonymous_id, r.name, r.group_id, r.previous_id,
      nullif(r.properties, 'null'::jsonb), nullif(r.traits, 'null'::jsonb), r.context,
      to_timestamp(r.occurred_at / 1000), to_timestamp(r.sent_at / 1000), ${facts.receivedAt}, ${source}
    from rows from (unnest(${textArray(messageIds)}::text[]), unnest(${textArray(types)}::text[]), unnest(${textArray(userIds)}::text[]),
      unnest(${textArray(anonymousIds)}::text[]), unnest(${textArray(names)}::text[]), unnest(${textArray(groupIds)}::text[]), unnest(${textArray(previousIds)}::text[]),
      unnest(${numberArray(occurredAts)}::float8[]), unnest(${numberArray(sentAts)}::float8[]),
      jsonb_array_elements(${`[${properties.join(',')}]`}::jsonb), jsonb_array_elements(${`[${traits.join(',')}]`}::jsonb),
      jsonb_array_elements(${`[${contexts.join(',')}]`}::jsonb))
      as r(message_id, type, user_id, anonymous_id, name, group_id, previous_id, occurred_at, sent_at, properties, traits, context)
    on conflict (workspace_id, message_id) do nothing`;
  try {
    // A named prepared statement: its text never changes, so PostgreSQL plans it once per connection.
    await database.executePrepared('ingest_store_events', statement.compile(database.db));
  } catch (error) {
    // The database's words stay in the server (the error handler logs the cause).
    const failure = new AppError('unavailable', 'The events could not be stored (nothing of this request was kept); send them again');
    failure.cause = error;
    throw failure;
  }
}

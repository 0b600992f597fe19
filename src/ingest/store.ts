import { sql, type Kysely } from 'kysely';
import { AppError } from '../errors.js';
import type { DB } from '../db/tables.js';
import { contextDefaults, type IngestEvent, type RequestFacts } from './messages.js';

/** The protocol an event came through, kept with it. */
export type IngestSource = 'segment' | 'posthog' | 'jitsu';

/** Rows per flush at most; a request's events always go into one flush, so one may exceed it. */
export const MAX_ROWS_PER_FLUSH = 2000;

/** One request's rows waiting for a flush, and the promise its request awaits. */
interface PendingWrite {
  rows: string[];
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit: requests that arrive while a flush is running are appended to the next one,
 * which a single statement writes (one commit, one round trip) when the previous finishes.
 * Each request is answered only after the statement holding its rows committed; a failed
 * statement stores none of its rows and fails exactly the requests in it.
 */
class GroupCommit {
  private queue: PendingWrite[] = [];
  private flushing = false;

  constructor(private readonly db: Kysely<DB>) {}

  write(rows: string[]): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ rows, resolve, reject });
      if (!this.flushing) void this.flushAll();
    });
  }

  private take(): PendingWrite[] {
    let count = 0;
    let taken = 0;
    while (taken < this.queue.length && (taken === 0 || count + (this.queue[taken] as PendingWrite).rows.length <= MAX_ROWS_PER_FLUSH)) {
      count += (this.queue[taken] as PendingWrite).rows.length;
      taken++;
    }
    return this.queue.splice(0, taken);
  }

  private async flushAll(): Promise<void> {
    this.flushing = true;
    try {
      while (this.queue.length > 0) {
        const group = this.take();
        try {
          await insertRows(this.db, group.length === 1 ? (group[0] as PendingWrite).rows : group.flatMap((w) => w.rows));
          for (const write of group) write.resolve();
        } catch (error) {
          // The database's words stay in the server (the handler logs the cause); the client learns to retry.
          const failure = new AppError('unavailable', 'The events could not be stored (nothing of this request was kept); send them again');
          failure.cause = error;
          for (const write of group) write.reject(failure);
        }
      }
    } finally {
      this.flushing = false;
    }
  }
}

const batchers = new WeakMap<Kysely<DB>, GroupCommit>();

function batcherFor(db: Kysely<DB>): GroupCommit {
  let batcher = batchers.get(db);
  if (!batcher) batchers.set(db, (batcher = new GroupCommit(db)));
  return batcher;
}

/**
 * One statement for the rows of every request in a flush: one JSON parameter unpacked by
 * jsonb_to_recordset; properties, traits and context taken out of each message there. A
 * message id already stored for the workspace (or twice in the flush) is skipped, so a
 * client's retry stores nothing twice.
 */
async function insertRows(db: Kysely<DB>, rows: string[]): Promise<void> {
  await sql`
    insert into ingest_events (workspace_id, message_id, type, user_id, anonymous_id, name, group_id, previous_id,
      properties, traits, context, occurred_at, sent_at, received_at, source)
    select r.w, r."messageId", r.type, r."userId", r."anonymousId", r.name, r."groupId", r."previousId",
      case when r.type in ('track', 'page', 'screen') then coalesce(r.message->'properties', '{}') else r.message->'properties' end,
      r.message->'traits',
      r.c || coalesce(r.message->'context', '{}'),
      r."occurredAt", r."sentAt", r.r, r.s
    from jsonb_to_recordset(${`[${rows.join(',')}]`}::jsonb) as r(w text, s text, r timestamptz, c jsonb, "messageId" text,
      type text, "userId" text, "anonymousId" text, name text, "groupId" text, "previousId" text, message jsonb,
      "occurredAt" timestamptz, "sentAt" timestamptz)
    on conflict (workspace_id, message_id) do nothing`.execute(db);
}

/**
 * The acknowledgement path: resolves once the events are committed (with other concurrent
 * requests' events, by group commit). Throws an `unavailable` AppError if they were not.
 */
export async function storeEvents(
  db: Kysely<DB>,
  workspaceId: string,
  source: IngestSource,
  events: IngestEvent[],
  facts: RequestFacts,
): Promise<void> {
  if (events.length === 0) return;
  // What the request stamps on each of its events, written once; each message is already
  // JSON text: spliced in, not serialised again.
  const shared = JSON.stringify({ w: workspaceId, s: source, r: facts.receivedAt.toISOString(), c: contextDefaults(facts) }).slice(0, -1);
  const rows = events.map((e) => {
    const { json, ...fields } = e;
    return `${shared},${JSON.stringify(fields).slice(1, -1)},"message":${json}}`;
  });
  await batcherFor(db).write(rows);
}

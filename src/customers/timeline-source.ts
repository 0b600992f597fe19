import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { DB } from '../db/schema.js';
import { olderThan, type Cursor } from '../db/cursor.js';

/** What a timeline source is asked for: one customer's entries older than a cursor, at most `limit`. */
export interface TimelineArgs {
  workspaceId: string;
  customerId: string;
  before: Cursor | null;
  limit: number;
}

/**
 * A source of timeline entries: a query returning (kind, id, occurred_at, action, data) for
 * one customer, newest first, at most `limit` rows after the cursor. Each capability adds its
 * sources in its `customer-data.ts`, over its own tables; the timeline
 * (src/customers/timeline.ts) reads them all in one statement.
 */
export interface TimelineSource {
  kind: string;
  query(db: Kysely<DB>, args: TimelineArgs): RawBuilder<unknown>;
}

/** `and (column, id) < cursor` when a cursor is given: the condition a source adds to page. */
export function pageBefore(args: TimelineArgs, column: RawBuilder<unknown>, id: RawBuilder<unknown> = sql`id`): RawBuilder<unknown> {
  return args.before ? sql`and ${olderThan(column, id, args.before)}` : sql``;
}

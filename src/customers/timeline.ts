import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import type { JsonObject } from '../db/columns.js';
import { decodeCursor, exactTime, nextCursor } from '../db/cursor.js';
import { invalid } from '../errors.js';
import { toIso } from '../time.js';
import { CUSTOMER_DATA } from './customer-data-registry.js';
import { requireCustomer } from './lookup.js';
import type { TimelineArgs, TimelineSource } from './timeline-source.js';

/** One entry on a customer's timeline, whatever produced it. */
export interface TimelineEntry {
  kind: string;
  id: string;
  occurredAt: string;
  /** What happened within the kind: a transaction kind, an event type, granted/withdrawn… */
  action: string;
  data: JsonObject;
}

/**
 * Every kind of entry, each from the capability that owns its tables
 * (`timeline` in each src/<capability>/customer-data.ts), in registry order.
 */
export const TIMELINE_SOURCES: readonly TimelineSource[] = CUSTOMER_DATA.flatMap((part) => part.timeline);

/** Everything that happened to a customer across sources, newest first, filterable by kind, paged by cursor. */
export async function listTimeline(
  db: Kysely<DB>,
  options: { workspaceId: string; customerId: string; kinds?: string[] | undefined; before?: string | undefined; limit: number },
): Promise<{ data: TimelineEntry[]; nextCursor: string | null }> {
  await requireCustomer(db, options.workspaceId, options.customerId);
  // `kinds` may repeat the parameter or separate kinds with commas.
  const kinds = (options.kinds ?? [])
    .flatMap((k) => k.split(','))
    .map((k) => k.trim())
    .filter(Boolean);
  const unknown = kinds.filter((kind) => !TIMELINE_SOURCES.some((s) => s.kind === kind));
  if (unknown.length)
    throw invalid('/kinds', `unknown kind ${unknown.join(', ')}; known: ${TIMELINE_SOURCES.map((s) => s.kind).join(', ')}`);
  const sources = TIMELINE_SOURCES.filter((s) => kinds.length === 0 || kinds.includes(s.kind));
  const args: TimelineArgs = {
    workspaceId: options.workspaceId,
    customerId: options.customerId,
    before: options.before ? decodeCursor(options.before, '/before') : null,
    // One more than a page, so a timeline that ends exactly on a page boundary says it has ended.
    limit: options.limit + 1,
  };
  const union = sql.join(
    sources.map((s) => sql`(${s.query(db, args)})`),
    sql` union all `,
  );
  const result = await sql<{ kind: string; id: string; occurred_at: Date; cursor_at: string; action: string; data: JsonObject }>`
    select *, ${exactTime(sql`occurred_at`)} as cursor_at from (${union}) entries
    order by occurred_at desc, id desc limit ${args.limit}`.execute(db);
  const rows = result.rows.slice(0, options.limit);
  return {
    data: rows.map((row) => ({
      kind: row.kind,
      id: row.id,
      occurredAt: toIso(row.occurred_at),
      action: row.action,
      data: row.data,
    })),
    nextCursor:
      result.rows.length > options.limit
        ? nextCursor(
            rows.map((row) => ({ id: row.id, cursorAt: row.cursor_at })),
            options.limit,
          )
        : null,
  };
}

import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { DB, JsonObject } from '../db/tables.js';
import { invalid } from '../errors.js';
import { toIso } from '../time.js';

/** One entry on a customer's timeline, whatever produced it. */
export interface TimelineEntry {
  kind: string;
  id: string;
  occurredAt: string;
  /** What happened within the kind: a transaction kind, an event type, granted/withdrawn… */
  action: string;
  data: JsonObject;
}

interface SourceArgs {
  workspaceId: string;
  customerId: string;
  before: { at: Date; id: string } | null;
  limit: number;
}

/**
 * A source of timeline entries: a query returning (kind, id, occurred_at, action, data)
 * for one customer, newest first. Each capability adds its own source here, and the
 * timeline reads them all in one statement.
 */
export interface TimelineSource {
  kind: string;
  query(args: SourceArgs): RawBuilder<unknown>;
}

function page(column: RawBuilder<unknown>, args: SourceArgs): RawBuilder<unknown> {
  return args.before ? sql`and (${column}, id) < (${args.before.at}, ${args.before.id})` : sql``;
}

export const TIMELINE_SOURCES: TimelineSource[] = [
  {
    kind: 'transaction',
    query: (a) => sql`select 'transaction' as kind, id, occurred_at, kind as action,
        jsonb_build_object('amountMinor', amount_minor, 'currency', currency, 'description', description, 'holdingId', holding_id) as data
      from transactions where workspace_id = ${a.workspaceId} and customer_id = ${a.customerId} ${page(sql`occurred_at`, a)}
      order by occurred_at desc, id desc limit ${a.limit}`,
  },
  {
    kind: 'event',
    query: (a) => sql`select 'event' as kind, id, occurred_at, type as action,
        jsonb_build_object('name', name, 'properties', properties, 'source', source) as data
      from customer_events where workspace_id = ${a.workspaceId} and customer_id = ${a.customerId} ${page(sql`occurred_at`, a)}
      order by occurred_at desc, id desc limit ${a.limit}`,
  },
  {
    kind: 'consent',
    query: (a) => sql`select 'consent' as kind, id, recorded_at as occurred_at, status as action,
        jsonb_build_object('purpose', purpose, 'channel', channel, 'source', source) as data
      from consent_events where workspace_id = ${a.workspaceId} and customer_id = ${a.customerId} ${page(sql`recorded_at`, a)}
      order by recorded_at desc, id desc limit ${a.limit}`,
  },
  {
    kind: 'holding',
    query: (a) => sql`select 'holding' as kind, h.id, h.started_at as occurred_at, 'started' as action,
        jsonb_build_object('productId', h.product_id, 'productName', p.name, 'planId', h.plan_id, 'status', h.status,
          'priceMinor', h.price_minor, 'currency', h.currency, 'channel', h.acquisition_channel) as data
      from holdings h join products p on p.workspace_id = h.workspace_id and p.id = h.product_id
      where h.workspace_id = ${a.workspaceId} and h.customer_id = ${a.customerId}
        ${a.before ? sql`and (h.started_at, h.id) < (${a.before.at}, ${a.before.id})` : sql``}
      order by h.started_at desc, h.id desc limit ${a.limit}`,
  },
  {
    kind: 'merge',
    query: (a) => sql`select 'merge' as kind, id, occurred_at, reason as action, jsonb_build_object('mergedId', merged_id) as data
      from customer_merges where workspace_id = ${a.workspaceId} and survivor_id = ${a.customerId} ${page(sql`occurred_at`, a)}
      order by occurred_at desc, id desc limit ${a.limit}`,
  },
];

/** Decodes the opaque cursor `<iso time>|<id>` from a previous page. */
export function parseTimelineCursor(cursor: string | undefined): { at: Date; id: string } | null {
  if (!cursor) return null;
  const [at, id] = cursor.split('|');
  const date = at ? new Date(at) : undefined;
  if (!date || Number.isNaN(date.getTime()) || !id) throw invalid('/before', 'is not a cursor from a previous page');
  return { at: date, id };
}

/** Everything that happened to a customer across sources, newest first, filterable by kind, paged by cursor. */
export async function listTimeline(
  db: Kysely<DB>,
  options: { workspaceId: string; customerId: string; kinds?: string[] | undefined; before?: string | undefined; limit: number },
): Promise<{ data: TimelineEntry[]; nextCursor: string | null }> {
  const unknown = (options.kinds ?? []).filter((kind) => !TIMELINE_SOURCES.some((s) => s.kind === kind));
  if (unknown.length)
    throw invalid('/kinds', `unknown kind ${unknown.join(', ')}; known: ${TIMELINE_SOURCES.map((s) => s.kind).join(', ')}`);
  const sources = TIMELINE_SOURCES.filter((s) => !options.kinds?.length || options.kinds.includes(s.kind));
  const args: SourceArgs = {
    workspaceId: options.workspaceId,
    customerId: options.customerId,
    before: parseTimelineCursor(options.before),
    limit: options.limit,
  };
  const union = sql.join(
    sources.map((s) => sql`(${s.query(args)})`),
    sql` union all `,
  );
  const result = await sql<{ kind: string; id: string; occurred_at: Date; action: string; data: JsonObject }>`
    select * from (${union}) entries order by occurred_at desc, id desc limit ${options.limit}`.execute(db);
  const data = result.rows.map((row) => ({
    kind: row.kind,
    id: row.id,
    occurredAt: toIso(row.occurred_at),
    action: row.action,
    data: row.data,
  }));
  const last = data[data.length - 1];
  return { data, nextCursor: data.length === options.limit && last ? `${last.occurredAt}|${last.id}` : null };
}

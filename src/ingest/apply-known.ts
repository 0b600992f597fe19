import { sql, type Kysely } from 'kysely';
import { findIdentityOwnersInBulk } from '../customers/identities.js';
import type { DB } from '../db/schema.js';
import { newId } from '../ids.js';
import type { IngestRow } from './apply.js';
import { trackHandlersFor } from './track-handlers.js';

const TIMELINE_TYPES = new Set(['track', 'page', 'screen']);

function idsOf(row: IngestRow): Array<{ kind: 'user_id' | 'anonymous_id'; value: string }> {
  const ids: Array<{ kind: 'user_id' | 'anonymous_id'; value: string }> = [];
  if (row.user_id) ids.push({ kind: 'user_id', value: row.user_id });
  if (row.anonymous_id) ids.push({ kind: 'anonymous_id', value: row.anonymous_id });
  return ids;
}

/**
 * The common case in bulk: track, page and screen events whose ids all lead to one existing
 * profile and that no track handler waits for. One query resolves every id of the claim,
 * one statement copies them onto the timeline (straight from the raw rows, not through
 * Node). Returns the rows applied; the rest need identity resolution one by one.
 */
export async function applyKnownTimelineEvents(db: Kysely<DB>, rows: IngestRow[]): Promise<Set<IngestRow>> {
  const candidates = rows.filter(
    (row) => TIMELINE_TYPES.has(row.type) && !(row.type === 'track' && row.name && trackHandlersFor(row.name).length),
  );
  if (candidates.length === 0) return new Set();
  const keys = candidates.flatMap((row) => idsOf(row).map((id) => ({ workspaceId: row.workspace_id, kind: id.kind, value: id.value })));
  const owners = await findIdentityOwnersInBulk(db, keys);
  const ownerOf = new Map(owners.map((o) => [`${o.workspaceId}\u0000${o.kind}\u0000${o.value}`, o.customerId]));
  const applied = new Set<IngestRow>();
  const inserts: Array<{ w: string; m: string; c: string; id: string }> = [];
  for (const row of candidates) {
    const found = new Set(idsOf(row).map((id) => ownerOf.get(`${row.workspace_id}\u0000${id.kind}\u0000${id.value}`)));
    const [customerId] = found;
    if (found.size !== 1 || !customerId) continue;
    applied.add(row);
    inserts.push({ w: row.workspace_id, m: row.message_id, c: customerId, id: newId('evt', row.occurred_at.getTime()) });
  }
  if (inserts.length) {
    await sql`insert into customer_events (workspace_id, id, customer_id, type, name, properties, context, occurred_at, received_at, source, message_id)
      select e.workspace_id, x.id, x.c, e.type, e.name, coalesce(e.properties, '{}'), coalesce(e.context, '{}'), e.occurred_at,
        e.received_at, e.source, e.message_id
      from jsonb_to_recordset(${JSON.stringify(inserts)}::jsonb) as x(w text, m text, c text, id text)
      join ingest_events e on e.workspace_id = x.w and e.message_id = x.m
      on conflict (workspace_id, message_id) where message_id is not null do nothing`.execute(db);
  }
  return applied;
}

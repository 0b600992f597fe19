import { sql, type Kysely } from 'kysely';
import { decodeCursor, exactTime, nextCursor, olderThan } from '../db/cursor.js';
import { actorColumns, type Actor } from '../auth/actor.js';
import type { DB } from '../db/schema.js';
import type { JsonObject } from '../db/columns.js';
import { newId } from '../ids.js';
import { toIso } from '../time.js';

export interface AuditEntry {
  action: string;
  entityType: string;
  entityId: string;
  changes?: JsonObject;
}

/** Appends one entry to the audit log, inside the caller's transaction. */
export async function recordAudit(db: Kysely<DB>, actor: Actor, entry: AuditEntry): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      workspace_id: actor.workspaceId,
      id: newId('aud'),
      ...actorColumns(actor),
      action: entry.action,
      entity_type: entry.entityType,
      entity_id: entry.entityId,
      changes: JSON.stringify(entry.changes ?? {}),
    })
    .execute();
}

/** A workspace's audit log, as a query to narrow: a rule that turns on who did what (feedback's credit rule) reads it so. */
export function auditLogQuery(db: Kysely<DB>, workspaceId: string) {
  return db.selectFrom('audit_log').where('workspace_id', '=', workspaceId);
}

export interface AuditRecord {
  id: string;
  occurredAt: string;
  actorKind: string;
  actorId: string | null;
  action: string;
  entityType: string;
  entityId: string;
  changes: JsonObject;
}

/** Newest first, optionally for one entity; `before` is the `nextCursor` of the previous page. */
export async function listAuditEntries(
  db: Kysely<DB>,
  options: {
    workspaceId: string;
    entityType?: string | undefined;
    entityId?: string | undefined;
    limit: number;
    before?: string | undefined;
  },
): Promise<{ data: AuditRecord[]; nextCursor: string | null }> {
  let query = db
    .selectFrom('audit_log')
    .selectAll()
    .select(exactTime(sql`occurred_at`).as('cursor_at'))
    .where('workspace_id', '=', options.workspaceId)
    .orderBy('occurred_at', 'desc')
    .orderBy('id', 'desc')
    .limit(options.limit);
  if (options.entityType) query = query.where('entity_type', '=', options.entityType);
  if (options.entityId) query = query.where('entity_id', '=', options.entityId);
  if (options.before) query = query.where(olderThan(sql`occurred_at`, sql`id`, decodeCursor(options.before, '/before')));
  const rows = await query.execute();
  return {
    data: rows.map((row) => ({
      id: row.id,
      occurredAt: toIso(row.occurred_at),
      actorKind: row.actor_kind,
      actorId: row.actor_id,
      action: row.action,
      entityType: row.entity_type,
      entityId: row.entity_id,
      changes: row.changes,
    })),
    nextCursor: nextCursor(
      rows.map((row) => ({ id: row.id, cursorAt: row.cursor_at })),
      options.limit,
    ),
  };
}

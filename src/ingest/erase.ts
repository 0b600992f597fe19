import { sql, type Kysely } from 'kysely';
import type { DB, IngestStatus } from '../db/tables.js';

/**
 * Erasure of ingested events: events carry the person's user and anonymous ids (and, until
 * applied, what they sent), keyed by those ids rather than by profile. Every event of these
 * ids loses them; one still pending is settled as failed so the processor never applies it.
 * The rows themselves stay, so a client's retry of an old messageId is still a no-op.
 */
export async function scrubIngestedEvents(
  db: Kysely<DB>,
  workspaceId: string,
  identities: { userIds: string[]; anonymousIds: string[] },
): Promise<number> {
  if (!identities.userIds.length && !identities.anonymousIds.length) return 0;
  const erased = await db
    .updateTable('ingest_events')
    .set({
      user_id: null,
      anonymous_id: null,
      previous_id: null,
      properties: null,
      traits: null,
      context: null,
      // Both read the row's old status.
      status: sql<IngestStatus>`case when status = 'pending' then 'failed' else status end`,
      error: sql<string | null>`case when status = 'pending' then 'erased before it was applied' else error end`,
    })
    .where('workspace_id', '=', workspaceId)
    .where((eb) =>
      eb.or([
        ...(identities.userIds.length ? [eb('user_id', 'in', identities.userIds)] : []),
        ...(identities.anonymousIds.length ? [eb('anonymous_id', 'in', identities.anonymousIds)] : []),
      ]),
    )
    .executeTakeFirst();
  return Number(erased.numUpdatedRows);
}

import { sql, type RawBuilder } from 'kysely';

/**
 * Erasure of ingested events: events carry the person's user and anonymous ids (and, until
 * applied, what they sent), keyed by those ids rather than by profile, so a person's events
 * are those naming one of their ids, failed ones included. The customers registry
 * (src/customers/personal-data.ts) empties their personal columns; the rows themselves stay,
 * so a client's retry of an old messageId is still a no-op.
 */
export function ingestEventsOf(person: { userIds: string[]; anonymousIds: string[] }): RawBuilder<boolean> {
  const ids = [...person.userIds, ...person.anonymousIds];
  if (!ids.length) return sql<boolean>`false`;
  const list = sql.join(ids);
  // An alias names the id it replaces in previous_id.
  return sql<boolean>`(user_id in (${list}) or anonymous_id in (${list}) or previous_id in (${list}))`;
}

/**
 * Set beside the emptied columns of an erased event (both read the row as it was). One still
 * pending is settled as failed, so the processor never applies it and brings the person back;
 * a failure reason may quote what was sent, so it goes too.
 */
export const erasedIngestEventState: Record<string, RawBuilder<unknown>> = {
  status: sql`case when status = 'pending' then 'failed' else status end`,
  error: sql`case when status = 'pending' then 'erased before it was applied' when error is not null then 'erased after it failed' end`,
};

import { sql, type RawBuilder } from 'kysely';

/**
 * Erasure of ingested events: events carry the person's user and anonymous ids (and, until
 * applied, what they sent), keyed by those ids rather than by profile, so a person's events
 * are those naming one of their ids, or their email or phone in traits (an identify not yet
 * applied may name them only so), failed ones included. Erasure empties their personal
 * columns (classified in src/ingest/customer-data.ts); the rows themselves stay, so a
 * client's retry of an old messageId is still a no-op.
 */
export function ingestEventsOf(person: {
  userIds: string[];
  anonymousIds: string[];
  emails: string[];
  phones: string[];
}): RawBuilder<boolean> {
  const ids = [...person.userIds, ...person.anonymousIds];
  const named = [
    ...(ids.length
      ? // An alias names the id it replaces in previous_id.
        [sql`user_id in (${sql.join(ids)}) or anonymous_id in (${sql.join(ids)}) or previous_id in (${sql.join(ids)})`]
      : []),
    // Identities are stored normalised: emails lower-cased, phones E.164.
    ...(person.emails.length ? [sql`lower(trim(traits ->> 'email')) in (${sql.join(person.emails)})`] : []),
    ...(person.phones.length ? [sql`regexp_replace(traits ->> 'phone', '[^0-9+]', '', 'g') in (${sql.join(person.phones)})`] : []),
  ];
  return named.length ? sql<boolean>`(${sql.join(named, sql` or `)})` : sql<boolean>`false`;
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

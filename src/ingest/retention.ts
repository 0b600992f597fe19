import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.js';

/**
 * How long, by default, the message ids of applied events are kept to recognise a client's
 * retry (`RAPPORT_INGEST_DEDUP_DAYS` sets it). Segment's
 * clients retry for minutes to hours, so 30 days is a wide margin. After it, a resend of the
 * same message id is accepted again, and applying it stays harmless: the timeline refuses a
 * message id it already holds (customer_events is unique on it) and an identify with the
 * same traits changes nothing.
 */
export const DEDUP_RETENTION_DAYS = 30;

/** Rows deleted per statement, so that a long backlog never holds one long transaction. */
const SWEEP_CHUNK = 5000;

/**
 * Deletes applied (`done`) ingest rows processed more than `days` ago. Only the processor and
 * the acknowledgement path read ingest_events (the 360 and timeline read customer_events),
 * and an applied row carries nothing but its ids by then. Pending and failed rows are kept:
 * the first still have to be applied, the second are kept for someone to look at.
 * Returns how many rows were deleted.
 */
export async function sweepProcessedEvents(db: Kysely<DB>, days = DEDUP_RETENTION_DAYS): Promise<number> {
  let deleted = 0;
  for (;;) {
    const result = await sql`
      delete from ingest_events where ctid in (
        select ctid from ingest_events
        where status = 'done' and processed_at < now() - make_interval(days => ${days}::int)
        limit ${SWEEP_CHUNK})`.execute(db);
    const count = Number(result.numAffectedRows ?? 0);
    deleted += count;
    if (count < SWEEP_CHUNK) return deleted;
  }
}

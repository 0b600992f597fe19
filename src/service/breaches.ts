import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import { newId } from '../ids.js';

// A breach is recorded when its due instant passes, by a sweep any number of workers may
// run at once: each claims due cases with FOR UPDATE SKIP LOCKED, stamps the breach on
// the case and appends one 'breached' event. A stamped case is never claimed again, and
// a unique index on (case, target) keeps the event single even if two sweeps raced.

export interface SweepResult {
  firstResponse: number;
  resolution: number;
}

async function sweepTarget(db: Kysely<DB>, target: 'first_response' | 'resolution', now: Date, limit: number): Promise<number> {
  const due = target === 'first_response' ? sql`first_response_due_at` : sql`resolution_due_at`;
  const breached = target === 'first_response' ? sql`first_response_breached_at` : sql`resolution_breached_at`;
  const live =
    target === 'first_response'
      ? sql`first_responded_at is null and first_response_breached_at is null and state not in ('resolved', 'closed')`
      : sql`resolution_breached_at is null and state not in ('resolved', 'closed', 'pending')`;
  const result = await sql<{ workspace_id: string; id: string; due_at: Date; state: string }>`
    with claimed as (
      select workspace_id, id from cases where ${live} and ${due} <= ${now}
      order by ${due} limit ${limit} for update skip locked
    )
    update cases c set ${breached} = ${due}, updated_at = now()
    from claimed where c.workspace_id = claimed.workspace_id and c.id = claimed.id
    returning c.workspace_id, c.id, ${due} as due_at, c.state`.execute(db);
  if (result.rows.length === 0) return 0;
  const events = result.rows.map((r) => ({
    workspace_id: r.workspace_id,
    id: newId('cev'),
    case_id: r.id,
    kind: 'breached',
    from_state: null,
    to_state: null,
    actor_kind: 'system' as const,
    actor_id: 'breach-sweep',
    data: JSON.stringify({ target, dueAt: new Date(r.due_at).toISOString(), state: r.state }),
    // The breach happened at the due instant, however late the sweep ran.
    occurred_at: r.due_at,
  }));
  await db
    .insertInto('case_events')
    .values(events)
    .onConflict((oc) =>
      oc
        .expression(sql`workspace_id, case_id, (data ->> 'target')`)
        .where('kind', '=', 'breached')
        .doNothing(),
    )
    .execute();
  return result.rows.length;
}

/** Records every breach due by `now` (in batches of `limit`), in one transaction per batch. */
export async function sweepBreaches(db: Kysely<DB>, now: Date = new Date(), limit = 500): Promise<SweepResult> {
  const total: SweepResult = { firstResponse: 0, resolution: 0 };
  for (;;) {
    const batch = await db.transaction().execute(async (trx) => ({
      firstResponse: await sweepTarget(trx, 'first_response', now, limit),
      resolution: await sweepTarget(trx, 'resolution', now, limit),
    }));
    total.firstResponse += batch.firstResponse;
    total.resolution += batch.resolution;
    if (batch.firstResponse < limit && batch.resolution < limit) return total;
  }
}

/**
 * Runs the sweep every `intervalMs` until stopped; a failed round is reported and the next
 * one comes at the next interval. `stop` waits for the current round.
 */
export function startBreachSweeper(
  db: Kysely<DB>,
  options: { intervalMs: number },
  onError: (error: unknown) => void,
): { stop(): Promise<void> } {
  let running: Promise<unknown> = Promise.resolve();
  let stopped = false;
  const timer = setInterval(() => {
    if (stopped) return;
    running = running.then(() => sweepBreaches(db).catch(onError));
  }, options.intervalMs);
  timer.unref();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}

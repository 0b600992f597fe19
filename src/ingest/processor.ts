import { sql, type Kysely } from 'kysely';
import { systemActor } from '../auth/actor.js';
import type { Pacing } from '../db/database.js';
import { backoffMs } from '../db/outage.js';
import type { DB } from '../db/schema.js';
import { retryLostRaces } from '../db/retry.js';
import { inSavepoint } from '../db/savepoint.js';
import { AppError } from '../errors.js';
import { applyEvent, type IngestRow } from './apply.js';
import { applyKnownTimelineEvents } from './apply-known.js';
import { DEDUP_RETENTION_DAYS, sweepProcessedEvents } from './retention.js';

const TIMELINE_TYPES = new Set(['track', 'page', 'screen']);

function reasonOf(error: unknown): string {
  if (error instanceof AppError) return error.message;
  const code = (error as { code?: unknown } | null)?.code;
  return `${typeof code === 'string' ? `${code}: ` : ''}${error instanceof Error ? error.message : String(error)}`.slice(0, 1000);
}

export interface ProcessResult {
  claimed: number;
  done: number;
  failed: number;
}

/**
 * Claims up to `limit` pending events (FOR UPDATE SKIP LOCKED: any number of workers can run)
 * and applies them in arrival order inside one transaction, each behind a savepoint so that
 * one bad event is marked failed with its reason without undoing the others. A lost race
 * with a concurrent writer (unique violation, deadlock) rolls the whole claim back to be
 * claimed again. Applied rows drop their payload: it lives on in the profile and timeline,
 * where export and erasure find it; the message id stays to keep retries idempotent.
 *
 * With `budgetMs`, applying stops at the first unit that ends past the budget, and the rest of
 * the claim goes back to pending untouched (a prefix in arrival order is applied, so order
 * holds); `claimed` then counts only what was applied or failed.
 */
export async function processPendingEvents(db: Kysely<DB>, limit = 200, options: { budgetMs?: number } = {}): Promise<ProcessResult> {
  return db.transaction().execute(async (trx) => {
    const started = performance.now();
    const overBudget = () => options.budgetMs !== undefined && performance.now() - started > options.budgetMs;
    const rows = await sql<IngestRow>`select * from ingest_events where status = 'pending'
      order by seq limit ${limit} for update skip locked`.execute(trx);
    const done: string[][] = [];
    let failed = 0;
    const applyOne = async (row: IngestRow) => {
      const applied = await inSavepoint(trx, () => applyEvent(trx, systemActor(row.workspace_id, 'ingest'), row));
      if ('value' in applied) {
        done.push([row.workspace_id, row.message_id]);
        return;
      }
      await trx
        .updateTable('ingest_events')
        .set({ status: 'failed', error: reasonOf(applied.error), processed_at: new Date() })
        .where('workspace_id', '=', row.workspace_id)
        .where('message_id', '=', row.message_id)
        .execute();
      failed++;
    };
    // In arrival order, so that what an event means never depends on how a claim was cut;
    // consecutive timeline events of known people go in one statement, the rest one by one.
    let run: IngestRow[] = [];
    const flushRun = async () => {
      const known = await applyKnownTimelineEvents(trx, run);
      for (const row of run) {
        if (known.has(row)) done.push([row.workspace_id, row.message_id]);
        else await applyOne(row);
      }
      run = [];
    };
    // The budget is checked where a unit starts: before an event applied alone, and before a
    // run of timeline events (whose cost is only known once it is applied).
    let handled = 0;
    for (const row of rows.rows) {
      if (TIMELINE_TYPES.has(row.type)) {
        if (run.length === 0 && handled > 0 && overBudget()) break;
        run.push(row);
      } else {
        await flushRun();
        if (handled > 0 && overBudget()) break;
        await applyOne(row);
      }
      handled++;
    }
    await flushRun();
    if (done.length) {
      await sql`update ingest_events e set status = 'done', processed_at = now(), properties = null, traits = null, context = null
        from jsonb_to_recordset(${JSON.stringify(done.map(([w, m]) => ({ w, m })))}::jsonb) as d(w text, m text)
        where e.workspace_id = d.w and e.message_id = d.m`.execute(trx);
    }
    return { claimed: handled, done: done.length, failed };
  });
}

/** Claims again after a lost race, a few times, before giving the error to the caller. */
async function processWithRetry(db: Kysely<DB>, limit: number, budgetMs?: number): Promise<ProcessResult> {
  return retryLostRaces((attempt) => processPendingEvents(db, attempt > 3 ? 1 : limit, budgetMs === undefined ? {} : { budgetMs }), 6);
}

/**
 * Applies pending events until none are left, including those another worker holds
 * (it waits for them). For tests, the CLI and benchmarks; the server runs `startIngestWorker` (src/workers.ts).
 */
export async function drainIngestQueue(db: Kysely<DB>, limit = 200): Promise<ProcessResult> {
  const total: ProcessResult = { claimed: 0, done: 0, failed: 0 };
  for (;;) {
    const result = await processWithRetry(db, limit);
    total.claimed += result.claimed;
    total.done += result.done;
    total.failed += result.failed;
    if (result.claimed > 0) continue;
    const pending = await db.selectFrom('ingest_events').select('message_id').where('status', '=', 'pending').limit(1).executeTakeFirst();
    if (!pending) return total;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export interface IngestWorker {
  /** Asks the worker to look for events now (called after a batch is stored). */
  wake(): void;
  stop(): Promise<void>;
}

const SWEEP_EVERY_MS = 60 * 60 * 1000;

/**
 * The server's background processor: applies pending events as they arrive, polling when
 * idle, and once an hour forgets the message ids of events applied longer ago than the
 * dedup window (retention.ts).
 *
 * With `pacing` (embedded PGlite: one connection, so a claim holds back every request) each
 * claim waits for requests to have had their turn, stops applying once it has held the
 * database for the unit's time, and asks for at most twice what the last one got through, so
 * that a run of timeline events (applied as one unit) stays near the budget too. Without it
 * (PostgreSQL) claims are `limit` events: requests use other connections, and big claims
 * are what make the processor fast.
 */
export function startIngestWorker(
  db: Kysely<DB>,
  options: { idleMs?: number; limit?: number; pacing?: Pacing; dedupDays?: number; onError?: (error: unknown) => void } = {},
): IngestWorker {
  const idleMs = options.idleMs ?? 1000;
  const dedupDays = options.dedupDays ?? DEDUP_RETENTION_DAYS;
  const pacing = options.pacing;
  const maxLimit = options.limit ?? 200;
  let limit = pacing ? Math.min(maxLimit, 8) : maxLimit;
  let stopped = false;
  let nextSweep = 0;
  let wakeUp: (() => void) | undefined;
  // Failures in a row (the database restarting): the pause before the next try grows with them.
  let failures = 0;
  const loop = (async () => {
    while (!stopped) {
      let claimed = 0;
      try {
        if (Date.now() >= nextSweep) {
          nextSweep = Date.now() + SWEEP_EVERY_MS;
          await sweepProcessedEvents(db, dedupDays);
        }
        await pacing?.beforeUnit();
        claimed = (await processWithRetry(db, limit, pacing?.unitMs)).claimed;
        if (pacing && claimed > 0) limit = Math.min(maxLimit, Math.max(2, 2 * claimed));
        failures = 0;
      } catch (error) {
        failures++;
        options.onError?.(error);
      }
      if (claimed === 0 && !stopped) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, failures > 0 ? backoffMs(failures) : idleMs);
          wakeUp = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        wakeUp = undefined;
      }
    }
  })();
  return {
    wake: () => wakeUp?.(),
    async stop() {
      stopped = true;
      wakeUp?.();
      await loop;
    },
  };
}

import type { Kysely, Transaction } from 'kysely';
import type { DB } from './schema.js';

const RETRYABLE = new Set([
  '23505', // unique violation: a concurrent transaction created the same identity first
  '40001', // serialization failure
  '40P01', // deadlock detected
]);

function isRetryable(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && RETRYABLE.has(code);
}

/**
 * Runs work in a transaction, and runs it again (up to `attempts` times) when it lost a
 * race with a concurrent one: two first sightings of the same new email, or two merges
 * crossing. The retry sees the winner's rows and resolves to them. Work must be
 * idempotent across attempts, which a transaction that rolled back guarantees.
 */
export async function transactionWithRetry<T>(db: Kysely<DB>, work: (trx: Transaction<DB>) => Promise<T>, attempts = 5): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction().execute(work);
    } catch (error) {
      if (attempt >= attempts || !isRetryable(error)) throw error;
    }
  }
}

import type { Kysely, Transaction } from 'kysely';
import type { DB } from './schema.js';
import { isLostRace } from '../errors.js';

/**
 * Runs `work` again (up to `attempts` times in all) while it fails by losing a race with a
 * concurrent transaction (isLostRace). `attempt` counts from 1, so later attempts may ask for
 * less. Work must be idempotent across attempts, which a transaction that rolled back guarantees.
 */
export async function retryLostRaces<T>(work: (attempt: number) => Promise<T>, attempts = 5): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work(attempt);
    } catch (error) {
      if (attempt >= attempts || !isLostRace(error)) throw error;
    }
  }
}

/**
 * Runs work in a transaction, and runs it again (up to `attempts` times) when it lost a
 * race with a concurrent one: two first sightings of the same new email, or two merges
 * crossing. The retry sees the winner's rows and resolves to them.
 */
export async function transactionWithRetry<T>(db: Kysely<DB>, work: (trx: Transaction<DB>) => Promise<T>, attempts = 5): Promise<T> {
  return retryLostRaces(() => db.transaction().execute(work), attempts);
}

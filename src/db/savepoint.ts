import { sql, type Kysely } from 'kysely';
import { isLostRace } from '../errors.js';
import type { DB } from './schema.js';

/**
 * Runs one unit of a batch (an event, an imported row) behind a savepoint inside the batch's
 * transaction: when it fails only its own writes are undone and the error is handed back for
 * the caller to record, so one bad unit does not sink the others. A lost race is thrown
 * instead, since the whole transaction must run again (retryLostRaces).
 */
export async function inSavepoint<T>(trx: Kysely<DB>, work: () => Promise<T>): Promise<{ value: T } | { error: unknown }> {
  await sql`savepoint batch_unit`.execute(trx);
  try {
    const value = await work();
    await sql`release savepoint batch_unit`.execute(trx);
    return { value };
  } catch (error) {
    if (isLostRace(error)) throw error;
    await sql`rollback to savepoint batch_unit`.execute(trx);
    return { error };
  }
}

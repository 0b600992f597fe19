import { sql, type RawBuilder } from 'kysely';
import type { JsonObject } from '../db/columns.js';

/**
 * A profile's traits with a patch applied (given keys replace, null removes), as an
 * expression over the `traits` column of `customers`: applied inside the UPDATE, so that
 * concurrent patches of one profile each keep their keys instead of the last
 * read-modify-write winning.
 */
export function patchTraits(patch: Record<string, unknown>): RawBuilder<JsonObject> {
  const set = Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== null));
  const removed = Object.entries(patch)
    .filter(([, value]) => value === null)
    .map(([key]) => key);
  return sql<JsonObject>`(traits || ${JSON.stringify(set)}::jsonb) - ${removed}::text[]`;
}

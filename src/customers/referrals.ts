import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.js';

/**
 * Who referred whom, as a subquery other capabilities compose (`.as('f')`): a referred
 * customer names their referrer in the `referredBy` trait, and it counts when that names
 * another live profile. Loyalty gives the referrer points once the referred customer holds something.
 */
export function referralsQuery(db: Kysely<DB>, workspaceId: string) {
  return db
    .selectFrom('customers as c')
    .innerJoin('customers as r', (join) =>
      join
        .onRef('r.workspace_id', '=', 'c.workspace_id')
        .on('r.id', '=', sql<string>`c.traits ->> 'referredBy'`)
        .on('r.merged_into', 'is', null),
    )
    .select(['c.id as customer_id', 'c.display_name', 'r.id as referrer_id'])
    .where('c.workspace_id', '=', workspaceId)
    .where(sql<boolean>`c.traits ? 'referredBy'`)
    .whereRef('c.id', '<>', 'r.id');
}

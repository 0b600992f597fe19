import { sql, type RawBuilder } from 'kysely';

// Background jobs split a workspace's customers between workers and transactions by a hash
// of the customer id: every customer falls in exactly one of `count` parts, the same one on
// every run, whatever table the id is read from.

/** One of `count` parts of a workspace's customers (index from 0). */
export interface Partition {
  index: number;
  count: number;
}

/** `true` when the customer id lies in the part; every row when no part is given. */
export function inPartition(customerId: RawBuilder<unknown>, part: Partition | undefined): RawBuilder<boolean> {
  return part ? sql<boolean>`mod(abs(hashtext(${customerId})::bigint), ${part.count}) = ${part.index}` : sql<boolean>`true`;
}

import { CUSTOMER_DATA } from './customer-data-registry.js';

/**
 * Every column that points at a customer. A merge repoints them all at the survivor and
 * erasure visits their rows. Each capability declares its own (`references` in its
 * `customer-data.ts`); a test compares them all with the database catalogue and fails on a
 * missing one.
 */
export const CUSTOMER_REFERENCES: ReadonlyArray<{ table: string; column: string }> = CUSTOMER_DATA.flatMap((part) => part.references);

/** Columns that name customers but are history, not pointers: merges keep both ids as they were. */
export const CUSTOMER_HISTORY_COLUMNS: ReadonlyArray<{ table: string; column: string }> = [
  { table: 'customer_merges', column: 'survivor_id' },
  { table: 'customer_merges', column: 'merged_id' },
];

import type { TableEntry } from './data-classification.js';
import { CUSTOMER_DATA } from './customer-data-registry.js';

/**
 * The personal-data registry: every text and JSON column of every table, classified
 * (personal, credential or kept; see src/customers/data-classification.ts). Each capability
 * classifies its own tables in its `customer-data.ts`, listed in
 * src/customers/customer-data-registry.ts; a test compares the whole with the database
 * catalogue and fails on a column nobody classified.
 */
export const PERSONAL_DATA: readonly TableEntry[] = CUSTOMER_DATA.flatMap((part) => part.tables);

import { customerData as auth } from '../auth/customer-data.js';
import { customerData as catalog } from '../catalog/customer-data.js';
import { customerData as feedback } from '../feedback/customer-data.js';
import { customerData as giving } from '../giving/customer-data.js';
import { customerData as holdings } from '../holdings/customer-data.js';
import { customerData as ingest } from '../ingest/customer-data.js';
import { customerData as loyalty } from '../loyalty/customer-data.js';
import { customerData as messages } from '../messages/customer-data.js';
import { customerData as metrics } from '../metrics/customer-data.js';
import { customerData as service } from '../service/customer-data.js';
import { customerData as workspaces } from '../workspaces/customer-data.js';
import { classify, kept } from './data-classification.js';
import { customerData as customers } from './customer-data.js';
import { defineCustomerData, type CustomerData } from './define-customer-data.js';

/** The migrator's own table (src/db/migrate.ts): migration file names, nothing about anyone. */
const migrations = defineCustomerData({ tables: [classify('schema_migrations', { rows: null, columns: kept('name', 'checksum') })] });

/**
 * Every capability's part of the customer views: the timeline, the export and erasure walk
 * this list, and the personal-data registry is its tables. A new capability adds its
 * `customer-data.ts` here. Erasure runs in this order: metrics comes after feedback, whose
 * erased themes it then drops from the rollups.
 */
export const CUSTOMER_DATA: readonly CustomerData[] = [
  migrations,
  workspaces,
  auth,
  customers,
  catalog,
  holdings,
  ingest,
  service,
  messages,
  feedback,
  metrics,
  loyalty,
  giving,
];

import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import { eraseTables, exportTables, type DataSubject, type ExportSection, type TableEntry } from './data-classification.js';
import type { TimelineSource } from './timeline-source.js';

/** A column that points at a customer: a merge repoints it at the survivor (src/customers/merge.ts). */
export interface CustomerReference {
  table: keyof DB & string;
  column: string;
}

/** A column of a table that points at a customer; a column the table does not have fails the type check. */
export function customerColumn<T extends keyof DB & string>(table: T, column: keyof DB[T] & string): CustomerReference {
  return { table, column };
}

/**
 * What a capability contributes to the customer views, from its own `customer-data.ts`
 * beside its tables: the classification of its columns, the columns that point at a
 * customer, its kinds of timeline entry, its section of a customer's export and its step of
 * their erasure. The customer views (src/customers/customer-data-registry.ts) compose one of
 * these per capability and read no other capability's tables themselves.
 */
export interface CustomerData {
  /** Its tables, every text and JSON column classified (src/customers/data-classification.ts). */
  tables: readonly TableEntry[];
  /** Its columns that point at a customer; a test compares them all with the database catalogue. */
  references: readonly CustomerReference[];
  /** Its kinds of timeline entry. */
  timeline: readonly TimelineSource[];
  /** Its tables' rows about the customer, for the export. */
  exportSection(db: Kysely<DB>, subject: DataSubject): Promise<ExportSection>;
  /** Empties the customer's personal data in its tables; runs inside the erasure's transaction, in registry order. */
  eraseStep(db: Kysely<DB>, subject: DataSubject): Promise<void>;
}

/**
 * A capability's customer data. Its export section and erase step follow its classification
 * unless it gives its own (which may call `exportTables` or `eraseTables` for the rest).
 */
export function defineCustomerData(spec: {
  tables: readonly TableEntry[];
  references?: readonly CustomerReference[];
  timeline?: readonly TimelineSource[];
  exportSection?: CustomerData['exportSection'];
  eraseStep?: CustomerData['eraseStep'];
}): CustomerData {
  const { tables } = spec;
  return {
    tables,
    references: spec.references ?? [],
    timeline: spec.timeline ?? [],
    exportSection: spec.exportSection ?? ((db, subject) => exportTables(db, subject, tables)),
    eraseStep: spec.eraseStep ?? ((db, subject) => eraseTables(db, subject, tables)),
  };
}

import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { DB } from '../db/schema.js';
import type { JsonObject } from '../db/columns.js';

/**
 * How a capability classifies the text and JSON columns of its tables, says which rows are
 * about one customer, and exports and erases them. Each capability does so for its own tables
 * in its `customer-data.ts`; src/customers/personal-data.ts lists them all, and a test
 * compares that list with the database catalogue, so a capability that adds a column decides,
 * in the same change, whether it is personal:
 *
 * - `personal`: may hold the customer's personal data. The export carries it; erasure sets it
 *   to its empty value (or deletes the row, for tables whose rows are personal as a whole).
 * - `credential`: a secret (token, nonce, hash). Never exported; erasure empties it when it
 *   gives an empty value (an unsubscribe token acts on the profile), else leaves it.
 * - `kept`: not personal: ids, keys a client chose for idempotency, closed codes, text the
 *   workspace wrote about its own business, and staff accounts (not customers).
 *
 * Each table also says which of its rows are about one customer (`rows`), and, where erasure
 * reaches other rows than the export, `eraseRows`. A capability's export section and erase
 * step both walk its entries, so neither has its own table list that could drift.
 */

/** One customer as the export and erasure see them, gathered before anything is changed. */
export interface DataSubject {
  workspaceId: string;
  /** The profile and every profile merged into it: personal data may sit under any of them. */
  customerIds: string[];
  /** Their user and anonymous ids, emails and phones: ingested events name people by these, not by profile. */
  userIds: string[];
  anonymousIds: string[];
  emails: string[];
  phones: string[];
  /** The households they belong to. */
  householdIds: string[];
  /** Those with no other member: erasure empties these, a shared household keeps its name. */
  soleHouseholdIds: string[];
}

type Scalar = null | string | number;
/** What an erased column becomes: a value, or for a JSON column the object with only these keys. */
export type Empty = Scalar | { keepKeys: readonly string[] };

export type ColumnClass = { class: 'personal'; empty: Empty } | { class: 'credential'; empty?: Empty } | { class: 'kept' };

export type RowFilter = (subject: DataSubject) => RawBuilder<boolean>;

export interface TableEntry {
  table: keyof DB & string;
  /** The rows about one customer, which the export carries; null when none is about one customer. */
  rows: RowFilter | null;
  /** The rows erasure visits, when they differ from `rows`. */
  eraseRows?: RowFilter;
  /** `delete` for tables whose rows are personal as a whole (identities, consent history). */
  erase: 'update' | 'delete';
  columns: Record<string, ColumnClass>;
  /** Set on erasure beside, or instead of, the emptied values (read from the row as it was). */
  alsoSet?: Record<string, RawBuilder<unknown>>;
  /** How a row reads in the export, which staff download, when some of it is for the customer's eyes only. */
  exportView?: (row: JsonObject) => JsonObject;
}

export const personal = (empty: Empty | readonly [] = null): ColumnClass => ({
  class: 'personal',
  empty: Array.isArray(empty) ? '{}' : (empty as Empty),
});
export const credential = (empty?: Empty): ColumnClass => (empty === undefined ? { class: 'credential' } : { class: 'credential', empty });
const KEPT: ColumnClass = { class: 'kept' };
export function kept<N extends string>(...names: N[]): Record<N, ColumnClass> {
  return Object.fromEntries(names.map((name) => [name, KEPT])) as Record<N, ColumnClass>;
}

/** One table's classification; a column name the table does not have fails the type check. */
export function classify<T extends keyof DB & string, C extends Record<string, ColumnClass>>(
  table: T,
  spec: Omit<TableEntry, 'table' | 'columns' | 'erase'> & {
    erase?: 'update' | 'delete';
    columns: C & { [K in Exclude<keyof C, keyof DB[T]>]: never };
  },
): TableEntry {
  return { ...spec, table, erase: spec.erase ?? 'update', columns: spec.columns };
}

/** `column in (values)`, false for no values. */
export function within(column: string, values: readonly string[]): RawBuilder<boolean> {
  return values.length ? sql<boolean>`${sql.ref(column)} in (${sql.join(values)})` : sql<boolean>`false`;
}

/** The rows whose `customer_id` is the subject's. */
export const ofCustomer: RowFilter = (s) => within('customer_id', s.customerIds);

/** The SQL for an erased column's value. */
export function emptyValue(column: string, empty: Empty): RawBuilder<unknown> {
  if (empty !== null && typeof empty === 'object') {
    return sql`(select coalesce(jsonb_object_agg(k.key, k.value), '{}'::jsonb) from jsonb_each(${sql.ref(column)}) k
      where k.key in (${sql.join(empty.keepKeys)}))`;
  }
  return sql`${empty}`;
}

/** A capability's part of a customer's export. */
export interface ExportSection {
  /** Each table's rows about the customer, as stored, without their credential columns. */
  tables: Record<string, JsonObject[]>;
  /** The credential values left out, to be redacted wherever else the export copied them. */
  credentials: string[];
}

/**
 * The export section of classified tables: the rows each entry places with the subject, as
 * stored, their credential columns left out (and collected for redaction).
 */
export async function exportTables(db: Kysely<DB>, subject: DataSubject, entries: readonly TableEntry[]): Promise<ExportSection> {
  const section: ExportSection = { tables: {}, credentials: [] };
  for (const entry of entries) {
    if (!entry.rows) continue;
    const result = await sql<Record<string, unknown>>`select * from ${sql.table(entry.table)}
      where workspace_id = ${subject.workspaceId} and ${entry.rows(subject)}`.execute(db);
    const credentials = Object.keys(entry.columns).filter((column) => entry.columns[column]?.class === 'credential');
    section.tables[entry.table] = result.rows.map((row) => {
      for (const column of credentials) {
        const secret = row[column];
        // A short value could match ordinary text; every credential is far longer.
        if (typeof secret === 'string' && secret.length >= 8) section.credentials.push(secret);
        delete row[column];
      }
      const json = JSON.parse(JSON.stringify(row)) as JsonObject;
      return entry.exportView ? entry.exportView(json) : json;
    });
  }
  return section;
}

/**
 * Erases the subject's personal data from classified tables, in list order: every column
 * marked personal is emptied (or the rows deleted) in every row the entry places with them.
 */
export async function eraseTables(db: Kysely<DB>, subject: DataSubject, entries: readonly TableEntry[]): Promise<void> {
  for (const entry of entries) {
    const rows = entry.eraseRows ?? entry.rows;
    if (!rows) continue;
    const where = sql`workspace_id = ${subject.workspaceId} and ${rows(subject)}`;
    if (entry.erase === 'delete') {
      await sql`delete from ${sql.table(entry.table)} where ${where}`.execute(db);
      continue;
    }
    const values = new Map<string, RawBuilder<unknown>>();
    for (const [column, kind] of Object.entries(entry.columns)) {
      if (kind.class !== 'kept' && kind.empty !== undefined) values.set(column, emptyValue(column, kind.empty));
    }
    for (const [column, value] of Object.entries(entry.alsoSet ?? {})) values.set(column, value);
    if (!values.size) continue;
    const sets = [...values].map(([column, value]) => sql`${sql.ref(column)} = ${value}`);
    await sql`update ${sql.table(entry.table)} set ${sql.join(sets)} where ${where}`.execute(db);
  }
}

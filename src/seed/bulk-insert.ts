import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { DB } from '../db/schema.js';
import type { JsonObject } from '../db/columns.js';

// Rows for one table, kept column by column so that a chunk of thousands of rows goes to
// the database as one `insert … select from unnest(…)` with one array parameter per
// column. Each array travels as a PostgreSQL array literal written here, so PGlite and
// node-postgres receive exactly the same text and nothing depends on driver encodings.
// Timestamps are given as epoch milliseconds and travel as epoch seconds: formatting
// millions of ISO strings in JavaScript costs more than to_timestamp() in the database.

export type PgType = 'text' | 'bigint' | 'integer' | 'smallint' | 'boolean' | 'date' | 'timestamptz' | 'jsonb' | 'text[]';
export type Cell = string | number | boolean | null | readonly string[] | JsonObject;

export interface TableRows<T extends keyof DB, C extends keyof DB[T] & string> {
  table: T;
  names: readonly C[];
  types: readonly PgType[];
  /** One array per column, in the order of `names`. */
  values: Cell[][];
  count: number;
}

/** An empty set of rows for a table, declaring the columns to fill and their types. */
export function tableRows<T extends keyof DB, C extends keyof DB[T] & string>(
  table: T,
  columns: Readonly<Record<C, PgType>>,
): TableRows<T, C> {
  const names = Object.keys(columns) as C[];
  return { table, names, types: names.map((name) => columns[name]), values: names.map(() => []), count: 0 };
}

export function addRow<T extends keyof DB, C extends keyof DB[T] & string>(rows: TableRows<T, C>, row: Readonly<Record<C, Cell>>): void {
  const { names, values } = rows;
  for (let i = 0; i < names.length; i++) values[i]?.push(row[names[i] as C]);
  rows.count++;
}

const NEEDS_ESCAPE = /["\\]/;
const ESCAPE = /["\\]/g;

function quote(text: string): string {
  return `"${NEEDS_ESCAPE.test(text) ? text.replace(ESCAPE, '\\$&') : text}"`;
}

function element(value: Cell, type: PgType): string {
  if (value === null) return 'NULL';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`cannot store ${value}`);
    return String(type === 'timestamptz' ? value / 1000 : value);
  }
  if (type === 'timestamptz') throw new Error('timestamps must be given as epoch milliseconds');
  if (typeof value === 'string') return quote(value);
  if (typeof value === 'boolean') return value ? 't' : 'f';
  // A text[] cell travels as its own array literal inside a text element.
  if (Array.isArray(value)) return quote(`{${value.map((item: string) => quote(item)).join(',')}}`);
  return quote(JSON.stringify(value));
}

/** Encodes a column as a PostgreSQL array literal: `{"a","b",NULL}`. */
export function arrayLiteral(values: readonly Cell[], type: PgType): string {
  let literal = '{';
  for (let i = 0; i < values.length; i++) {
    if (i > 0) literal += ',';
    literal += element(values[i] ?? null, type);
  }
  return literal + '}';
}

/** How each column travels (the array element type) and how the select turns it back. */
const TRANSPORT: Record<PgType, { param: string; select: (alias: string) => string }> = {
  text: { param: 'text[]', select: (c) => c },
  bigint: { param: 'bigint[]', select: (c) => c },
  integer: { param: 'integer[]', select: (c) => c },
  smallint: { param: 'smallint[]', select: (c) => c },
  boolean: { param: 'boolean[]', select: (c) => c },
  date: { param: 'date[]', select: (c) => c },
  timestamptz: { param: 'float8[]', select: (c) => `to_timestamp(${c})` },
  jsonb: { param: 'jsonb[]', select: (c) => c },
  // unnest would flatten a two-dimensional array, so text[] cells travel as text.
  'text[]': { param: 'text[]', select: (c) => `${c}::text[]` },
};

/** Inserts all rows with one statement; does nothing when there are none. */
export async function insertRows<T extends keyof DB, C extends keyof DB[T] & string>(db: Kysely<DB>, rows: TableRows<T, C>): Promise<void> {
  if (rows.count === 0) return;
  const { names, types, values } = rows;
  // A text column with one value throughout (workspace_id, currency…) travels once, not
  // once per row; at least one column stays an array so that unnest sets the row count.
  const single = types.map((type, i): string | undefined => {
    const column = values[i] ?? [];
    const first = column[0];
    return type === 'text' && typeof first === 'string' && column.every((value) => value === first) ? first : undefined;
  });
  if (!single.includes(undefined)) single[0] = undefined;
  const arrays: RawBuilder<unknown>[] = [];
  const selected = types.map((type, i) => {
    const value = single[i];
    if (value !== undefined) return sql`${value}::text`;
    const alias = `c${arrays.length}`;
    arrays.push(sql`${arrayLiteral(values[i] ?? [], type)}::${sql.raw(TRANSPORT[type].param)}`);
    return sql.raw(TRANSPORT[type].select(alias));
  });
  const aliases = arrays.map((_, i) => sql.raw(`c${i}`));
  await sql`insert into ${sql.table(rows.table)} (${sql.join(names.map((name) => sql.id(name)))})
    select ${sql.join(selected)} from unnest(${sql.join(arrays)}) as t(${sql.join(aliases)})`.execute(db);
}
